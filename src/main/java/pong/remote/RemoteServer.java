package pong.remote;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import pong.config.RemoteConfig;
import pong.logging.RateLimitedLog;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Tls;
import pong.transport.Transport;
import pong.tunnel.BufferBudget;
import pong.tunnel.Relay;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;
import pong.transport.Sockets;

/**
 * Remote's listener: takes tunnel connections, checks the connection header within the header
 * timeout, and serves each stream the client opens by dialing its destination on the stream's own
 * virtual thread. Enforces the limits of docs/limits.md that span tunnels: tunnels, streams, dial
 * slots (through the fair {@link DialQueue}) and buffered bytes (a {@link BufferBudget} per client
 * under the process-wide one) per client id, relays per tunnel; the stream cap is the tunnel's. Threading: one accept thread, one sweeper (header deadlines, log
 * counts), one virtual thread per connection during its handshake, then the tunnel's own threads; {@link #shutdown} and {@link #close} from any thread.
 */
public final class RemoteServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RemoteServer.class.getName());

    private final RemoteConfig config;
    private final Dialer dialer;
    private final List<byte[]> clients;
    private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
    /** Connections before their tunnel starts, with the System.nanoTime() by which the header must be in. */
    private final Map<Socket, Long> handshaking = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> tunnelsPerClient = new HashMap<>(); // guarded by itself
    private final DialQueue dialQueue;
    private final BufferBudget buffers;
    private final Map<UUID, ClientShare> shares = new HashMap<>();
    private final Map<Tunnel, AtomicInteger> relays = new ConcurrentHashMap<>();
    private final AtomicLong streamsRefused = new AtomicLong();
    private final AtomicLong tunnelsAccepted = new AtomicLong();
    private final AtomicLong tunnelsRefused = new AtomicLong();
    private final AtomicLong dials = new AtomicLong();
    private final AtomicLong udpDropped = new AtomicLong();
    private final AtomicLong dialsRefused = new AtomicLong();
    private final RateLimitedLog rejections = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private final RateLimitedLog overload = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private ServerSocket server;
    private volatile boolean closed;
    private volatile boolean draining;

    public RemoteServer(RemoteConfig config) {
        this.config = config;
        this.dialer = new Dialer(config.deny(), config.dialTimeout());
        this.clients = config.clients().stream().map(ConnectionHeader::idBytes).toList();
        Shares sh = config.shares();
        this.dialQueue = new DialQueue(config.limits().maxPendingDials(), sh.clientMaxPendingDials(), sh.dialQueueTimeout());
        this.buffers = BufferBudget.of(sh.bufferMax());
        for (UUID id : config.clients()) shares.put(id, new ClientShare(buffers.child(sh.clientBufferMax()), new AtomicInteger()));
    }

    /**
     * What one client id holds of what remote shares: its part of remote.buffer.max, drawn on by all
     * its tunnels, and its open streams (relays included) over all its tunnels.
     */
    private record ClientShare(BufferBudget buffers, AtomicInteger streams) {
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
        Thread.ofVirtual().name("remote sweeper").start(this::sweepLoop);
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

    /** Connections closed after a valid header because their client id already held remote.max.tunnels.per.client tunnels. */
    public long tunnelsRefused() {
        return tunnelsRefused.get();
    }

    /** Streams reset with rst 1 because no dial slot (remote.max.pending.dials) came within dial.queue.timeout. */
    public long dialsRefused() {
        return dialsRefused.get();
    }

    /** Streams waiting for a dial slot now. */
    public int dialsWaiting() {
        return dialQueue.waiting();
    }

    /** Streams reset with rst 1 because their client was at client.max.streams or their tunnel at tunnel.max.relays. */
    public long streamsRefused() {
        return streamsRefused.get();
    }

    /** Bytes all tunnels buffer now, counted against remote.buffer.max. */
    public long bufferedBytes() {
        return buffers.used();
    }

    /** Connections accepted whose connection header has not been checked yet. */
    public int handshaking() {
        return handshaking.size();
    }

    public int activeTunnels() {
        return tunnels.size();
    }

    /** Every tunnel's streams, one line each, for diagnostics. */
    public String describeStreams() {
        StringBuilder b = new StringBuilder();
        for (Tunnel t : tunnels) b.append(t.describeStreams()).append('\n');
        return b.toString();
    }

    public int activeStreams() {
        int n = 0;
        for (Tunnel t : tunnels) n += t.streamCount();
        return n;
    }

    @Override
    public void close() {
        closed = true;
        draining = true;
        Sockets.closeQuietly(server);
        for (Socket s : handshaking.keySet()) Sockets.closeQuietly(s);
        for (Tunnel t : tunnels) t.close();
        rejections.flushAll();
        overload.flushAll();
    }

    /**
     * Graceful stop (SIGTERM/SIGINT): stops accepting connections and new streams at once, lets the
     * open streams finish for up to {@code grace}, then resets the rest by closing their tunnels.
     *
     * @return the number of streams that were cut
     */
    public int shutdown(Duration grace) {
        draining = true;
        Sockets.closeQuietly(server);
        int cut = pong.GracePeriod.await(LOG, "remote", "streams", this::activeStreams, grace);
        close();
        return cut;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed && !draining) LOG.log(Level.ERROR, "accept failed, remote stops listening: {0}", e.getMessage());
                return;
            }
            handshaking.put(s, System.nanoTime() + config.headerTimeout().toNanos());
            if (closed) Sockets.closeQuietly(s);
            Thread.ofVirtual().name("remote handshake " + s.getRemoteSocketAddress()).start(() -> handshake(s));
        }
    }

    private void handshake(Socket s) {
        SocketAddress peer = s.getRemoteSocketAddress();
        String source = s.getInetAddress().getHostAddress();
        boolean handedOver = false;
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout((int) config.headerTimeout().toMillis());
            ConnectionHeader header = ConnectionHeader.read(s.getInputStream());
            handshaking.remove(s); // the header is in: the deadline sweeper must not close it any more
            if (header.version() != ConnectionHeader.VERSION || !knownClient(header)) {
                // What a closed port would give: no byte back, whatever came; logged once a minute per address.
                rejections.record(source, "rejected tunnel: "
                        + (header.version() != ConnectionHeader.VERSION ? "unsupported version " + header.version() : "unknown client id"));
                return;
            }
            UUID client = header.clientId();
            if (!claimTunnel(client)) {
                tunnelsRefused.incrementAndGet();
                overload.record(source, "tunnel refused: client " + client + " already holds remote.max.tunnels.per.client="
                        + config.limits().maxTunnelsPerClient() + " tunnels");
                return;
            }
            s.setSoTimeout(0);
            Tunnel tunnel;
            try {
                tunnel = new Tunnel(s, Tunnel.Side.REMOTE, config.tunnel().withBudget(shares.get(client).buffers()), null,
                        (stream, type, target) -> serve(client, stream, type, target));
            } catch (IOException | RuntimeException e) {
                releaseTunnel(client);
                throw e;
            }
            tunnels.add(tunnel);
            tunnelsAccepted.incrementAndGet();
            handedOver = true;
            tunnel.start(t -> {
                tunnels.remove(t);
                releaseTunnel(client);
            });
            if (closed) tunnel.close();
            LOG.log(Level.INFO, "tunnel from {0} for client {1}", peer, client);
        } catch (IOException e) {
            // scanners, health checks and slow clients: expected, so counted per address rather than logged each time
            Long deadline = handshaking.get(s);
            boolean late = e instanceof SocketTimeoutException || (deadline != null && System.nanoTime() - deadline >= 0);
            rejections.record(source, late ? "no connection header within header.timeout=" + config.headerTimeout().toMillis() + " ms"
                    : e instanceof EOFException ? "closed before sending a whole connection header"
                    : "tunnel handshake failed: " + e.getMessage());
        } finally {
            handshaking.remove(s);
            if (!handedOver) Sockets.closeQuietly(s);
        }
    }

    /**
     * Every tick: closes connections past their header deadline (header.timeout bounds the whole way
     * to a tunnel, TLS handshake and 17-byte header, not each read: the socket's read timeout alone let
     * a client that trickles a byte at a time hold a connection for hours; its handshake thread then
     * fails), and writes the per-minute counts of rejections whose minute is over, so they appear on
     * time even when nothing else happens.
     */
    private void sweepLoop() {
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), config.headerTimeout().toNanos() / 4));
        while (!closed) {
            LockSupport.parkNanos(tick);
            long now = System.nanoTime();
            handshaking.forEach((s, deadline) -> {
                if (now - deadline >= 0) Sockets.closeQuietly(s);
            });
            rejections.flush();
            overload.flush();
        }
    }

    private boolean claimTunnel(UUID client) {
        synchronized (tunnelsPerClient) {
            int n = tunnelsPerClient.getOrDefault(client, 0);
            if (n >= config.limits().maxTunnelsPerClient()) return false;
            tunnelsPerClient.put(client, n + 1);
            return true;
        }
    }

    private void releaseTunnel(UUID client) {
        synchronized (tunnelsPerClient) {
            tunnelsPerClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        }
    }


    /** Compares against every allowed id without stopping early, so timing tells nothing about which bytes matched. */
    private boolean knownClient(ConnectionHeader header) {
        byte[] id = ConnectionHeader.idBytes(header.clientId());
        boolean found = false;
        for (byte[] allowed : clients) found |= MessageDigest.isEqual(id, allowed);
        return found;
    }

    /**
     * Called on the tunnel's reader thread: checks the client's and the tunnel's caps, then the dial
     * (after a turn in the fair dial queue) and the relay go to the stream's own virtual thread.
     */
    private void serve(UUID client, Stream stream, FrameType type, Address target) {
        if (type != FrameType.CONNECT && type != FrameType.RELAY) {
            stream.reset(ErrorCode.ERR_COMMAND_UNKNOWN, type + " is not supported");
            return;
        }
        if (draining) {
            stream.reset(ErrorCode.ERR, "remote is shutting down");
            return;
        }
        boolean relay = type == FrameType.RELAY;
        Tunnel tunnel = stream.tunnel();
        if (relay && relays.computeIfAbsent(tunnel, t -> new AtomicInteger()).incrementAndGet() > config.shares().maxRelays()) {
            releaseRelay(tunnel);
            refuse(stream, "tunnel.max.relays=" + config.shares().maxRelays());
            return;
        }
        ClientShare share = shares.get(client);
        if (share.streams().incrementAndGet() > config.shares().clientMaxStreams()) {
            share.streams().decrementAndGet();
            if (relay) releaseRelay(tunnel);
            refuse(stream, "client.max.streams=" + config.shares().clientMaxStreams());
            return;
        }
        Thread.ofVirtual().name("remote " + stream + (relay ? " udp " : " ") + target).start(() -> {
            try {
                if (relay) relay(client, stream, target);
                else connect(client, stream, target);
            } finally {
                share.streams().decrementAndGet();
                if (relay) releaseRelay(tunnel);
            }
        });
    }

    private void refuse(Stream stream, String cap) {
        streamsRefused.incrementAndGet();
        overload.record(String.valueOf(stream.tunnel()), cap + " reached, new streams get rst " + ErrorCode.ERR.code);
        stream.reset(ErrorCode.ERR, "too many streams: " + cap);
    }

    private void releaseRelay(Tunnel tunnel) {
        relays.computeIfPresent(tunnel, (t, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private void connect(UUID client, Stream stream, Address target) {
        if (!awaitDialSlot(client, stream)) return;
        dials.incrementAndGet();
        Socket dst;
        try {
            dst = dialer.dial(target);
        } catch (PongException e) {
            LOG.log(Level.DEBUG, "{0} {1}: {2}", stream.tunnel(), stream, e.getMessage());
            stream.reset(e.code(), e.getMessage());
            return;
        } finally {
            dialQueue.release(client);
        }
        try {
            stream.confirmConnected();
            Relay.run(stream, dst, dst.getInputStream());
        } catch (IOException e) {
            stream.reset(ErrorCode.ERR, e.getMessage());
            Sockets.closeQuietly(dst);
        }
    }

    /** A relay's resolution and socket count as a dial: they take a slot like a TCP dial. */
    private void relay(UUID client, Stream stream, Address target) {
        if (!awaitDialSlot(client, stream)) return;
        dials.incrementAndGet();
        UdpRelay relay;
        try {
            relay = UdpRelay.open(stream, target, dialer, udpDropped, config.shares().udpIdleTimeout());
        } finally {
            dialQueue.release(client);
        }
        if (relay != null) relay.relay();
    }

    /**
     * Waits for a dial slot in the fair queue; false (the stream reset with rst 1, or already ended)
     * when none came within dial.queue.timeout.
     */
    private boolean awaitDialSlot(UUID client, Stream stream) {
        try {
            if (!dialQueue.acquire(client)) {
                dialsRefused.incrementAndGet();
                overload.record(String.valueOf(stream.tunnel()), "no dial slot within dial.queue.timeout="
                        + config.shares().dialQueueTimeout().toMillis() + " ms (remote.max.pending.dials="
                        + config.limits().maxPendingDials() + "), streams get rst " + ErrorCode.ERR.code);
                stream.reset(ErrorCode.ERR, "no dial slot within dial.queue.timeout");
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.reset(ErrorCode.ERR, "interrupted while waiting for a dial slot");
            return false;
        }
        if (stream.state().isDone()) { // reset by the peer while it waited
            dialQueue.release(client);
            return false;
        }
        return true;
    }
}
