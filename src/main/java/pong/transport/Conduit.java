package pong.transport;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * One bidirectional byte stream that carries one tunnel: a TCP or TLS socket, a WebSocket, later a
 * stream inside an HTTP/2 connection. The tunnel sees only this; what carries the bytes is the
 * transport's business.
 *
 * <p>Threading: {@link #input()} is read by one thread at a time (the tunnel's reader), {@link #output()}
 * written by one thread at a time (the tunnel's writer); {@link #close}, {@link #abort} and the queries
 * from any thread. Both ending calls are idempotent and never throw; either one unblocks a pending read
 * or write.
 */
public interface Conduit extends Closeable {
    InputStream input();

    OutputStream output();

    /** Ends the stream in order: the peer sees a clean end (FIN, a WebSocket close frame). */
    @Override
    void close();

    /** Ends the stream as cut: the peer sees an abort (RST), never a clean end. */
    void abort();

    /**
     * Ends a conduit the server will not serve (unknown client id, too many tunnels): no answer in
     * tunnel bytes, only the end of the stream as this transport ends one silently (a WebSocket closes
     * its TCP connection without a close frame).
     */
    default void reject() {
        close();
    }

    /** The peer's address for logs and access decisions: behind a trusted proxy, the client it forwarded for. */
    InetSocketAddress peer();

    /** For logs: the scheme and the peer, like {@code wss 192.0.2.7:51234}. */
    default String name() {
        return scheme() + " " + peer();
    }

    /** The URL scheme of the transport that made this conduit. */
    String scheme();

    /**
     * True when {@link #output()} already gathers writes until flush (like {@link TlsConduit}, which
     * fills whole TLS records), so the tunnel writes frames to it directly instead of through a buffer
     * of its own.
     */
    default boolean outputBuffered() {
        return false;
    }

    /**
     * True when {@link #input()} already reads from the connection in large blocks (like {@link TlsConduit},
     * which decrypts several records per read), so a small read costs no syscall and a reader adds no
     * buffer of its own: a second buffer would only copy every byte once more.
     */
    default boolean inputBuffered() {
        return false;
    }

    /** The TLS protocol and cipher suite under this conduit ("TLSv1.3 TLS_AES_128_GCM_SHA256"), or null when plain. */
    default String security() {
        return null;
    }
}
