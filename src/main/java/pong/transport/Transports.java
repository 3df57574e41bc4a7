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
     * A TCP connection for a tunnel and, for a secure transport, TLS on it (offering these ALPN protocols),
     * all within the timeout; the socket's read timeout is what is left of it, for the handshake that
     * follows (the caller sets it to 0 once that is done, and closes the socket if it fails).
     */
    static Socket dial(Endpoint to, ClientOptions options, Duration timeout, boolean tls, String... applicationProtocols) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = dial(to, timeout);
        try {
            Socket s = tls ? Tls.clientSide(raw, options, to.host(), to.port(), remaining(deadline), applicationProtocols) : raw;
            s.setSoTimeout((int) Math.max(1, remaining(deadline).toMillis()));
            return s;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
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
