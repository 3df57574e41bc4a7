package pong.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A conduit that is a whole socket (plain TCP, or TLS on it): its streams are the socket's. Threading as {@link Conduit}. */
public final class SocketConduit implements Conduit {
    private final Socket socket;
    private final String scheme;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress peer;

    public SocketConduit(Socket socket, String scheme) throws IOException {
        this(socket, scheme, null);
    }

    /** @param peer the client a trusted proxy forwarded for, or null for the socket's peer */
    public SocketConduit(Socket socket, String scheme, InetSocketAddress peer) throws IOException {
        this.socket = socket;
        this.scheme = scheme;
        this.peer = peer;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        Sockets.closeQuietly(socket);
    }

    @Override
    public void abort() {
        Sockets.abort(socket);
    }

    @Override
    public String security() {
        return Sockets.security(socket);
    }

    @Override
    public InetSocketAddress peer() {
        return peer != null ? peer : (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public String scheme() {
        return scheme;
    }

    /** The socket underneath, for tests that need its TLS session or a read timeout. */
    public Socket socket() {
        return socket;
    }

    @Override
    public String toString() {
        return name();
    }
}
