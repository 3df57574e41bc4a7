package pong.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table of transports by URL scheme: the one place a new transport is registered. Also the plain
 * TCP steps every transport shares (listening, dialing). Immutable; any thread.
 */
public final class Transports {
    private static final int BACKLOG = 1024;
    private static final Map<String, Transport> BY_SCHEME = new LinkedHashMap<>();

    static {
        register(new TcpTransport());
        register(new TlsTransport());
        register(new WebSocketTransport(false));
        register(new WebSocketTransport(true));
        register(new Http2Transport(false));
        register(new Http2Transport(true));
        register(new GrpcTransport(false));
        register(new GrpcTransport(true));
        register(new Http1Transport(false));
        register(new Http1Transport(true));
    }

    private Transports() {
    }

    private static void register(Transport t) {
        BY_SCHEME.put(t.scheme(), t);
    }

    /** @throws IllegalArgumentException naming the known schemes */
    public static Transport of(String scheme) {
        Transport t = BY_SCHEME.get(scheme);
        if (t == null) throw new IllegalArgumentException("unknown scheme '" + scheme + "' (use " + schemesText() + ")");
        return t;
    }

    public static Set<String> schemes() {
        return BY_SCHEME.keySet();
    }

    static String schemesText() {
        return String.join("://, ", BY_SCHEME.keySet()) + "://";
    }

    /** Remote's listening socket: plain TCP whatever the transport (TLS and upgrades happen per connection). */
    public static ServerSocket listen(Endpoint endpoint) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(endpoint.socketAddress(), BACKLOG);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A TCP connection for a tunnel: no Nagle delay, keep-alive on. */
    static Socket dial(Endpoint to, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(to.host(), to.port()), (int) timeout.toMillis());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Local's byte stream on a dialed socket: for a secure transport TLS on it (offering these ALPN
     * protocols), else the socket itself, as a conduit of this scheme; the TLS handshake runs within what
     * is left until {@code deadline}. The socket's read timeout is then what is left, for the handshakes
     * that follow (the caller sets it to 0 once they are done, and closes the socket if they fail).
     */
    static Conduit clientStream(Socket raw, Endpoint to, ClientOptions options, long deadline, boolean tls, String scheme,
                                String... applicationProtocols) throws IOException {
        Conduit c = tls ? new TlsConduit(Tls.clientChannel(raw, options, to.host(), to.port(), remaining(deadline), applicationProtocols), scheme)
                : new SocketConduit(raw, scheme);
        raw.setSoTimeout((int) Math.max(1, remaining(deadline).toMillis()));
        return c;
    }

    /**
     * Remote's byte stream on an accepted socket (read timeout set by {@link #prepareAccepted}): for a
     * secure transport TLS on it (ALPN choosing among these protocols), else the socket itself, as a
     * conduit of this scheme.
     */
    static Conduit serverStream(Socket accepted, ServerOptions options, boolean tls, String scheme, String... applicationProtocols)
            throws IOException {
        return tls ? new TlsConduit(Tls.serverChannel(accepted, options.tls(), applicationProtocols), scheme) : new SocketConduit(accepted, scheme);
    }

    /** What ALPN chose on a stream from {@link #clientStream} or {@link #serverStream} ("" for none, or plain TCP). */
    static String applicationProtocol(Conduit stream) {
        return stream instanceof TlsConduit t ? t.channel().applicationProtocol() : "";
    }

    /** What is left of a connect timeout that started at {@code deadline - timeout}; fails once it has passed. */
    static Duration remaining(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new IOException("connect.timeout passed during the handshake");
        return Duration.ofNanos(left);
    }

    /** Socket options every accepted tunnel connection gets before its handshake. */
    static void prepareAccepted(Socket s, Duration handshakeTimeout) throws IOException {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.setSoTimeout((int) handshakeTimeout.toMillis());
    }
}
