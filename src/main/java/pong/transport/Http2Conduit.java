package pong.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Error;
import pong.transport.http2.Http2Stream;

/**
 * One tunnel in one HTTP/2 stream (h2c, h2, grpc, grpcs). Ending it in order ends our side of the stream
 * (END_STREAM, or gRPC's trailers) and drops what still comes; aborting it resets the stream
 * (RST_STREAM CANCEL) and touches no other stream of the connection. On local, the connection belongs to
 * this conduit alone and ends with it; on remote it is shared and outlives it.
 *
 * <p>Threading as {@link Conduit}; {@link #awaitEnd} from the stream's handler thread on remote.
 */
final class Http2Conduit implements Conduit {
    /** How our side of the stream ends in order: END_STREAM, or trailers first. */
    @FunctionalInterface
    interface Finisher {
        void finish(Http2Stream stream, OutputStream output) throws IOException;
    }

    private final Http2Stream stream;
    private final Http2Connection owned;
    private final InputStream input;
    private final OutputStream output;
    private final Finisher finisher;
    private final InetSocketAddress peer;
    private final String scheme;
    private final String security;
    private final AtomicBoolean ending = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * @param owned the connection to end with this conduit (local's), or null when it is shared (remote's)
     */
    Http2Conduit(Http2Stream stream, Http2Connection owned, InputStream input, OutputStream output, Finisher finisher,
                 InetSocketAddress peer, String scheme, String security) {
        this.stream = stream;
        this.owned = owned;
        this.input = input;
        this.output = output;
        this.finisher = finisher;
        this.peer = peer;
        this.scheme = scheme;
        this.security = security;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void close() {
        if (!ending.compareAndSet(false, true)) return;
        try {
            finisher.finish(stream, output);
            stream.input().close();
            if (owned != null) owned.close(); // GOAWAY after our END_STREAM: the peer reads our side to its end
        } catch (IOException | RuntimeException e) {
            stream.reset(Http2Error.CANCEL); // the stream failed under us: what was cut must look cut
            if (owned != null) owned.abort();
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void abort() {
        if (!ending.compareAndSet(false, true)) return;
        stream.reset(Http2Error.CANCEL);
        if (owned != null) owned.abort();
        ended.countDown();
    }

    /** Remote's refusal: the stream is reset, the connection (shared with other clients' tunnels) goes on. */
    @Override
    public void reject() {
        abort();
    }

    /** Waits until the tunnel has ended this conduit (remote: the stream's handler returns then). */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public InetSocketAddress peer() {
        return peer;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String security() {
        return security;
    }

    @Override
    public String name() {
        return scheme + " " + peer + " #" + stream.id();
    }

    @Override
    public String toString() {
        return name();
    }
}
