package pong.local;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import pong.config.LocalConfig;
import pong.logging.RateLimitedLog;
import pong.monitoring.Monitoring;
import pong.observe.Rejection;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.transport.Acceptor;
import pong.transport.Tls;
import pong.transport.ClientOptions;
import pong.transport.Endpoint;
import pong.transport.Sockets;

/**
 * Local's listen port: accepts app connections and tells the proxy protocols apart by their first byte:
 * 0x05 SOCKS5, 0x04 SOCKS4/4a, an upper-case letter (an HTTP method) the HTTP proxy; anything else is closed.
 * Past local.max.connections open app connections, a new one is closed at once without a byte read.
 * Threading: one accept thread ({@link Acceptor}); each app connection on its own virtual thread.
 */
public final class LocalServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalServer.class.getName());
    private static final int APP_SEND_BUFFER = 256 * 1024;
    private static final int HANDSHAKE_BUFFER = 1024;
    private static final int SOCKS4 = 0x04;
    private static final int SOCKS5 = 0x05;

    private final LocalConfig config;
    private final TunnelPool connector;
    private final Socks5Front socks5;
    private final Socks4Front socks4;
    private final HttpFront http;
    private final AtomicLong udpDropped = new AtomicLong();
    private final Set<Socket> apps = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private final Monitoring monitoring;
    private ServerSocket server;
    private Acceptor acceptor;

    public LocalServer(LocalConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        this.monitoring = new Monitoring(config.monitoring(), "local");
        Map<Endpoint, ClientOptions> options = new HashMap<>();
        for (Endpoint e : config.remotes()) options.put(e, clientOptions(config, e));
        this.connector = new TunnelPool(config.pool(), e -> new TunnelConnector(e, options.get(e), config.clientId(),
                config.connectTimeout(), config.tunnel(), monitoring.observer()));
        ProxyUsers users = new ProxyUsers(config.socksUsers());
        Confirmation confirm = Confirmation.of(config.confirm(), config.connectTimeout());
        TunnelObserver observer = monitoring.observer();
        this.socks5 = new Socks5Front(connector, users, new UdpAssociation.Settings(config.udpIdleTimeout(), config.udpMaxRelays(), udpDropped),
                confirm, observer);
        this.socks4 = new Socks4Front(connector, users, confirm, observer);
        this.http = new HttpFront(connector, users, confirm, observer);
    }

    /** How local reaches its first remote endpoint (see {@link #clientOptions(LocalConfig, Endpoint)}). */
    public static ClientOptions clientOptions(LocalConfig c) throws IOException, GeneralSecurityException {
        return clientOptions(c, c.remote());
    }

    /** How local reaches a remote endpoint: its certificate check (trust store, tls.trust, tls.pin or none; null for plain transports) and http.host. */
    public static ClientOptions clientOptions(LocalConfig c, Endpoint remote) throws IOException, GeneralSecurityException {
        if (!remote.transport().secure()) return new ClientOptions(null, null, false, c.httpHost());
        if (c.tlsInsecure()) {
            LOG.log(Level.WARNING, "tls.insecure=true: remote''s certificate is NOT checked; anyone in the path can read and change the traffic");
            return new ClientOptions(Tls.clientPinned(null), c.tlsSni(), false, c.httpHost());
        }
        if (c.tlsPin() != null) return new ClientOptions(Tls.clientPinned(c.tlsPin()), c.tlsSni(), false, c.httpHost());
        SSLContext ctx = Tls.client(c.tlsTrust());
        return new ClientOptions(ctx, c.tlsSni(), true, c.httpHost());
    }

    public LocalServer start() throws IOException {
        startMonitoring();
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(config.listen().socketAddress(), 1024);
        } catch (IOException | RuntimeException e) {
            Sockets.closeQuietly(server);
            monitoring.close();
            throw e;
        }
        acceptor = Acceptor.start("local", server, this::accepted);
        LOG.log(Level.INFO, "local listening on {0}:{1,number,#} (SOCKS5, SOCKS4a, HTTP), tunnel to {2}",
                config.listen().host(), port(), describeRemotes());
        return this;
    }

    private String describeRemotes() {
        TunnelPool.Options p = config.pool();
        if (p.endpoints().size() == 1 && p.tunnelsPerEndpoint() == 1) return p.endpoints().get(0).toString();
        return p.endpoints() + " (" + p.tunnelsPerEndpoint() + " per endpoint, " + p.policy().name().toLowerCase() + ")";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Metrics, access log and summary line of this local. */
    public Monitoring monitoring() {
        return monitoring;
    }

    private void startMonitoring() throws IOException {
        monitoring.open(connector::tunnelsUp, connector::openStreams);
        monitoring.gauge("pong_flow_buffered_bytes", "Bytes received from remote and not yet taken by the apps.", connector::bufferedBytes);
        monitoring.counter("pong_udp_datagrams_dropped_total",
                "UDP datagrams from apps not carried (too large for one frame, fragmented, malformed, no stream).", udpDropped::get);
        monitoring.start();
    }

    /** UDP datagrams from apps that were not carried (too large for one frame, fragmented, malformed, no stream). */
    public long udpDatagramsDropped() {
        return udpDropped.get();
    }

    /** Local's tunnels: every front opens its streams here. */
    public TunnelPool connector() {
        return connector;
    }

    /** App connections being served now (handshaking or relaying). */
    public int activeConnections() {
        return apps.size();
    }

    /** The accept loop, for its counts of failures and of connections shed at the fd limit. */
    public Acceptor acceptor() {
        return acceptor;
    }

    @Override
    public void close() {
        acceptor.close();
        connector.close();
        // still open now means cut: the app must see an abort, not an end (a close-delimited HTTP body would look whole)
        for (Socket s : apps) Sockets.abort(s);
        refusals.flushAll();
        monitoring.close();
    }

    /**
     * Graceful stop (SIGTERM/SIGINT): stops accepting apps at once, lets open app connections finish
     * for up to {@code grace}, then closes the tunnel, which resets the rest towards their apps.
     *
     * @return the number of app connections that were cut
     */
    public int shutdown(Duration grace) {
        acceptor.close();
        int cut = pong.GracePeriod.await(LOG, "local", "app connections", apps::size, grace);
        close();
        return cut;
    }

    /** On the accept thread. */
    private void accepted(Socket s) {
        refusals.flush();
        if (apps.size() >= config.maxConnections()) {
            // Refused in the accept thread, without reading: costs no thread and tells the app at once.
            monitoring.observer().rejected(Rejection.CONNECTION_LIMIT, TunnelInfo.address(s.getRemoteSocketAddress()),
                    "local.max.connections=" + config.maxConnections());
            refusals.record(s.getInetAddress().getHostAddress(),
                    "app connection refused: local.max.connections=" + config.maxConnections() + " are open");
            Sockets.closeQuietly(s);
            return;
        }
        apps.add(s);
        try {
            Thread.ofVirtual().name("app " + s.getRemoteSocketAddress()).start(() -> {
                try {
                    serve(s);
                } finally {
                    apps.remove(s);
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            apps.remove(s);
            throw e;
        }
    }

    /**
     * Runs the front the first byte names. A front that relays aborts the app's connection itself when
     * the relay is cut (Relay, HttpFront); what ends here is a handshake that failed or timed out (closed,
     * as docs/limits.md says) or a front that failed unexpectedly (aborted: nobody can tell how far it got).
     */
    private void serve(Socket app) {
        boolean clean = false;
        HandshakeInput in = null;
        try {
            app.setTcpNoDelay(true);
            // A fixed send buffer bounds the kernel memory an app that stops reading can pin (autotuning
            // would grow it to tcp_wmem's maximum, 4 MiB here); on loopback 256 KiB still moves GB/s.
            app.setSendBufferSize(APP_SEND_BUFFER);
            // Small: it serves the handshakes; relayed bytes bypass it (reads larger than the buffer go straight through).
            in = new HandshakeInput(new BufferedInputStream(app.getInputStream(), HANDSHAKE_BUFFER), app,
                    config.handshakeTimeout());
            in.mark(1);
            int first = in.read();
            if (first == SOCKS5) {
                socks5.serve(app, in);
            } else if (first == SOCKS4) {
                socks4.serve(app, in);
            } else if (first >= 'A' && first <= 'Z') {
                // an HTTP method: the request line is read whole, first byte included
                in.reset();
                http.serve(app, in);
            } else if (first >= 0) {
                LOG.log(Level.INFO, "app {0}: unknown protocol (first byte 0x{1}), closed",
                        app.getRemoteSocketAddress(), Integer.toHexString(first));
                rejected(app, in, "unknown protocol");
            }
            clean = true;
        } catch (SocketTimeoutException e) {
            clean = true;
            LOG.log(Level.INFO, "app {0}: handshake timed out", app.getRemoteSocketAddress());
            rejected(app, in, "handshake timed out");
        } catch (EOFException e) {
            clean = true;
            LOG.log(Level.DEBUG, "app {0}: closed during handshake", app.getRemoteSocketAddress());
        } catch (IOException e) {
            clean = true;
            LOG.log(Level.INFO, "app {0}: {1}", app.getRemoteSocketAddress(), e.getMessage());
            rejected(app, in, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "app " + app.getRemoteSocketAddress() + ": unexpected failure, connection aborted", e);
        } finally {
            if (clean) Sockets.closeQuietly(app);
            else Sockets.abort(app);
        }
    }

    /** An app's handshake failed here (fronts report the handshakes they refuse themselves); later failures are not rejections. */
    private void rejected(Socket app, HandshakeInput in, String why) {
        if (in != null && !in.handshaking()) return;
        monitoring.observer().rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), why);
    }
}
