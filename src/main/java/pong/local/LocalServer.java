package pong.local;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import pong.config.LocalConfig;
import pong.logging.RateLimitedLog;
import pong.transport.Tls;
import pong.transport.Transport;
import pong.transport.Sockets;

/**
 * Local's listen port: accepts app connections and tells the proxy protocols apart by their first byte:
 * 0x05 SOCKS5, 0x04 SOCKS4/4a, an upper-case letter (an HTTP method) the HTTP proxy; anything else is closed.
 * Past local.max.connections open app connections, a new one is closed at once without a byte read.
 * Threading: one accept thread; each app connection on its own virtual thread.
 */
public final class LocalServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalServer.class.getName());
    private static final int APP_SEND_BUFFER = 256 * 1024;
    private static final int HANDSHAKE_BUFFER = 1024;
    private static final int SOCKS4 = 0x04;
    private static final int SOCKS5 = 0x05;

    private final LocalConfig config;
    private final TunnelConnector connector;
    private final Socks5Front socks5;
    private final Socks4Front socks4;
    private final HttpFront http;
    private final AtomicLong udpDropped = new AtomicLong();
    private final Set<Socket> apps = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private ServerSocket server;
    private volatile boolean closed;

    public LocalServer(LocalConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        this.connector = new TunnelConnector(config.remote(), clientTls(config), config.clientId(), config.connectTimeout(),
                config.tunnel());
        ProxyUsers users = new ProxyUsers(config.socksUsers());
        this.socks5 = new Socks5Front(connector, users, new UdpAssociation.Settings(config.udpIdleTimeout(), config.udpMaxRelays(), udpDropped),
                config.socksConfirm() ? config.connectTimeout() : null);
        this.socks4 = new Socks4Front(connector, users);
        this.http = new HttpFront(connector, users);
    }

    static Transport.ClientTls clientTls(LocalConfig c) throws IOException, GeneralSecurityException {
        if (!c.remote().tls()) return null;
        if (c.tlsInsecure()) {
            LOG.log(Level.WARNING, "tls.insecure=true: remote''s certificate is NOT checked; anyone in the path can read and change the traffic");
            return new Transport.ClientTls(Tls.clientPinned(null), c.tlsSni(), false);
        }
        if (c.tlsPin() != null) return new Transport.ClientTls(Tls.clientPinned(c.tlsPin()), c.tlsSni(), false);
        SSLContext ctx = Tls.client(c.tlsTrust());
        return new Transport.ClientTls(ctx, c.tlsSni(), true);
    }

    public LocalServer start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(config.listen().socketAddress(), 1024);
        Thread.ofPlatform().name("local accept").daemon(false).start(this::acceptLoop);
        LOG.log(Level.INFO, "local listening on {0}:{1,number,#} (SOCKS5, SOCKS4a, HTTP), tunnel to {2}",
                config.listen().host(), port(), config.remote());
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** UDP datagrams from apps that were not carried (too large for one frame, fragmented, malformed, no stream). */
    public long udpDatagramsDropped() {
        return udpDropped.get();
    }

    public TunnelConnector connector() {
        return connector;
    }

    /** App connections being served now (handshaking or relaying). */
    public int activeConnections() {
        return apps.size();
    }

    /** App connections closed at once because local.max.connections were already open. */
    public long connectionsRefused() {
        return refused.get();
    }

    @Override
    public void close() {
        closed = true;
        Sockets.closeQuietly(server);
        connector.close();
        for (Socket s : apps) Sockets.closeQuietly(s);
        refusals.flushAll();
    }

    /**
     * Graceful stop (SIGTERM/SIGINT): stops accepting apps at once, lets open app connections finish
     * for up to {@code grace}, then closes the tunnel, which resets the rest towards their apps.
     *
     * @return the number of app connections that were cut
     */
    public int shutdown(Duration grace) {
        closed = true;
        Sockets.closeQuietly(server);
        int cut = pong.GracePeriod.await(LOG, "local", "app connections", apps::size, grace);
        close();
        return cut;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(Level.ERROR, "accept failed, local stops listening: {0}", e.getMessage());
                return;
            }
            refusals.flush();
            if (apps.size() >= config.maxConnections()) {
                // Refused in the accept thread, without reading: costs no thread and tells the app at once.
                refused.incrementAndGet();
                refusals.record(s.getInetAddress().getHostAddress(),
                        "app connection refused: local.max.connections=" + config.maxConnections() + " are open");
                Sockets.closeQuietly(s);
                continue;
            }
            apps.add(s);
            Thread.ofVirtual().name("app " + s.getRemoteSocketAddress()).start(() -> {
                try {
                    serve(s);
                } finally {
                    apps.remove(s);
                }
            });
        }
    }


    private void serve(Socket app) {
        try (app) {
            app.setTcpNoDelay(true);
            // A fixed send buffer bounds the kernel memory an app that stops reading can pin (autotuning
            // would grow it to tcp_wmem's maximum, 4 MiB here); on loopback 256 KiB still moves GB/s.
            app.setSendBufferSize(APP_SEND_BUFFER);
            // Small: it serves the handshakes; relayed bytes bypass it (reads larger than the buffer go straight through).
            HandshakeInput in = new HandshakeInput(new BufferedInputStream(app.getInputStream(), HANDSHAKE_BUFFER), app,
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
            }
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "app {0}: handshake timed out", app.getRemoteSocketAddress());
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, "app {0}: closed during handshake", app.getRemoteSocketAddress());
        } catch (IOException e) {
            LOG.log(Level.INFO, "app {0}: {1}", app.getRemoteSocketAddress(), e.getMessage());
        }
    }
}
