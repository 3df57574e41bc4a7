package pong.remote;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import pong.config.RemoteConfig;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Tls;
import pong.transport.Transport;
import pong.tunnel.Relay;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;

/**
 * Remote's listener: takes tunnel connections, checks the connection header within the header
 * timeout, and serves each stream the client opens by dialing its destination on the stream's own
 * virtual thread. Threading: one accept thread, one virtual thread per connection during its
 * handshake, then the tunnel's own threads.
 */
public final class RemoteServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RemoteServer.class.getName());

    private final RemoteConfig config;
    private final Dialer dialer;
    private final List<byte[]> clients;
    private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final AtomicLong tunnelsAccepted = new AtomicLong();
    private final AtomicLong dials = new AtomicLong();
    private final AtomicLong udpDropped = new AtomicLong();
    private ServerSocket server;
    private volatile boolean closed;

    public RemoteServer(RemoteConfig config) {
        this.config = config;
        this.dialer = new Dialer(config.deny(), config.dialTimeout());
        this.clients = config.clients().stream().map(ConnectionHeader::idBytes).toList();
    }

    public RemoteServer start() throws IOException, GeneralSecurityException {
        SSLContext tls = null;
        if (config.listen().tls()) {
            tls = config.tlsKeystore() != null
                    ? Tls.server(config.tlsKeystore(), config.tlsKeystorePassword().toCharArray())
                    : Tls.server(config.tlsCert(), config.tlsKey());
        }
        server = Transport.listen(config.listen(), tls);
        Thread.ofPlatform().name("remote accept").daemon(false).start(this::acceptLoop);
        LOG.log(Level.INFO, "remote listening on {0} ({1} client ids, dst.deny={2})",
                config.listen().toString().replaceFirst(":\\d+$", ":" + port()), clients.size(), config.deny());
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Tunnel connections that passed the header check since start. */
    public long tunnelsAccepted() {
        return tunnelsAccepted.get();
    }

    /** Destinations dialed (attempted) since start. */
    public long dials() {
        return dials.get();
    }

    /** Datagrams from destinations that were not carried back (too large for one data frame, or empty). */
    public long udpDatagramsDropped() {
        return udpDropped.get();
    }

    public int activeTunnels() {
        return tunnels.size();
    }

    public int activeStreams() {
        int n = 0;
        for (Tunnel t : tunnels) n += t.streamCount();
        return n;
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Tunnel t : tunnels) t.close();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(Level.ERROR, "accept failed, remote stops listening: {0}", e.getMessage());
                return;
            }
            Thread.ofVirtual().name("remote handshake " + s.getRemoteSocketAddress()).start(() -> handshake(s));
        }
    }

    private void handshake(Socket s) {
        SocketAddress peer = s.getRemoteSocketAddress();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout((int) config.headerTimeout().toMillis());
            ConnectionHeader header = ConnectionHeader.read(s.getInputStream());
            if (header.version() != ConnectionHeader.VERSION || !knownClient(header)) {
                LOG.log(Level.WARNING, "rejected tunnel from {0}: {1}", peer,
                        header.version() != ConnectionHeader.VERSION ? "unsupported version " + header.version() : "unknown client id");
                s.close();
                return;
            }
            s.setSoTimeout(0);
            Tunnel tunnel = new Tunnel(s, Tunnel.Side.REMOTE, config.tunnel(), null, this::serve);
            tunnels.add(tunnel);
            tunnelsAccepted.incrementAndGet();
            tunnel.start(tunnels::remove);
            if (closed) tunnel.close();
            LOG.log(Level.INFO, "tunnel from {0} for client {1}", peer, header.clientId());
        } catch (IOException e) {
            LOG.log(Level.INFO, "tunnel handshake from {0} failed: {1}", peer, e.getMessage());
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /** Compares against every allowed id without stopping early, so timing tells nothing about which bytes matched. */
    private boolean knownClient(ConnectionHeader header) {
        byte[] id = ConnectionHeader.idBytes(header.clientId());
        boolean found = false;
        for (byte[] allowed : clients) found |= MessageDigest.isEqual(id, allowed);
        return found;
    }

    /** Called on the tunnel's reader thread: the dial and relay go to the stream's own virtual thread. */
    private void serve(Stream stream, FrameType type, Address target) {
        if (type == FrameType.RELAY) {
            Thread.ofVirtual().name("remote " + stream + " udp " + target).start(() -> {
                dials.incrementAndGet();
                UdpRelay.run(stream, target, dialer, udpDropped);
            });
            return;
        }
        if (type != FrameType.CONNECT) {
            stream.reset(ErrorCode.ERR_COMMAND_UNKNOWN, type + " is not supported");
            return;
        }
        Thread.ofVirtual().name("remote " + stream + " " + target).start(() -> {
            dials.incrementAndGet();
            Socket dst;
            try {
                dst = dialer.dial(target);
            } catch (PongException e) {
                LOG.log(Level.DEBUG, "{0}: {1}", stream, e.getMessage());
                stream.reset(e.code(), e.getMessage());
                return;
            }
            try {
                stream.confirmConnected();
                Relay.run(stream, dst, dst.getInputStream());
            } catch (IOException e) {
                stream.reset(ErrorCode.ERR, e.getMessage());
                try {
                    dst.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        });
    }
}
