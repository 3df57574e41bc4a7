package pong.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A conduit that is a whole TLS connection on one {@link TlsChannel}: many records per system call, and
 * an output that buffers until flush, so the tunnel writes its frames straight into it. Threading as
 * {@link Conduit}.
 */
final class TlsConduit implements Conduit {
    private final TlsChannel channel;
    private final String scheme;
    private final InetSocketAddress peer;

    TlsConduit(TlsChannel channel, String scheme) {
        this(channel, scheme, null);
    }

    /** @param peer the client a trusted proxy forwarded for, or null for the socket's peer */
    TlsConduit(TlsChannel channel, String scheme, InetSocketAddress peer) {
        this.channel = channel;
        this.scheme = scheme;
        this.peer = peer != null ? peer : (InetSocketAddress) channel.socket().getRemoteSocketAddress();
    }

    TlsChannel channel() {
        return channel;
    }

    @Override
    public InputStream input() {
        return channel.input();
    }

    @Override
    public OutputStream output() {
        return channel.output();
    }

    @Override
    public boolean outputBuffered() {
        return true;
    }

    @Override
    public boolean inputBuffered() {
        return true;
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public void abort() {
        channel.abort();
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
        return Tls.describe(channel.engine().getSession());
    }

    @Override
    public String toString() {
        return name();
    }
}
