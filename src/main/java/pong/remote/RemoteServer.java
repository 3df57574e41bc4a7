package pong.remote;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
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
import pong.access.Shares;
import pong.config.RemoteConfig;
import pong.logging.RateLimitedLog;
import pong.monitoring.Monitoring;
import pong.observe.Front;
import pong.observe.Rejection;
import pong.observe.StreamInfo;
import pong.observe.StreamWatch;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Acceptor;
import pong.transport.Conduit;
import pong.transport.ServerOptions;
import pong.transport.Sockets;
import pong.transport.Tls;
import pong.transport.Transport;
import pong.transport.Transports;
import pong.tunnel.BufferBudget;
import pong.tunnel.Relay;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;

/**
 * Remote's listener: accepts TCP connections, lets the listen URL's transport turn each into tunnel
 * conduits (TLS, WebSocket upgrade), checks each conduit's connection header, all within one
 * header.timeout deadline, and serves each stream the client opens by dialing its destination on the
 * stream's own virtual thread. Enforces the limits of docs/limits.md that span tunnels: tunnels,
 * streams, dial slots (through the fair {@link DialQueue}) and buffered bytes (a {@link BufferBudget}
 * per client under the process-wide one) per client id, relays per tunnel; the stream cap is the
 * tunnel's. Threading: one accept thread, one sweeper (handshake deadlines, log counts), one virtual
 * thread per connection for the transport's handshake and the connection header (a multiplexing
 * transport may call {@link #admit} from threads of its own), then the tunnel's own threads;
 * {@link #shutdown} and {@link #close} from any thread.
 */
public final class RemoteServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RemoteServer.class.getName());
    /** The first byte of a TLS handshake record (RFC 8446 section 5.1): a ClientHello starts with it. */
    private static final int TLS_HANDSHAKE_RECORD = 22;

    private final RemoteConfig config;
    private final Dialer dialer;
    private final List<byte[]> clients;
    private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
    /**
     * Connections (accepted sockets while their transport handshakes, then the conduits it yielded)
     * before their tunnel starts, with the System.nanoTime() by which the connection header must be in.
     */
    private final Map<Closeable, Long> handshaking = new ConcurrentHashMap<>();
    /** Connections in {@link #handshaking} whose deadline passed and whose close has been started. */
    private final Set<Closeable> expired = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Integer> tunnelsPerClient = new HashMap<>(); // guarded by itself
    private final DialQueue dialQueue;
    private final BufferBudget buffers;
    private final Map<UUID, ClientShare> shares = new HashMap<>();
    private final Map<Tunnel, AtomicInteger> relays = new ConcurrentHashMap<>();
    private final AtomicLong udpDropped = new AtomicLong();
    private final RateLimitedLog rejections = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private final RateLimitedLog overload = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private final RateLimitedLog refusals = RateLimitedLog.sentences(LOG, Level.INFO, Duration.ofMinutes(1));
    private final Monitoring monitoring;
    private final TunnelObserver observer;
    private ServerSocket server;
    private Acceptor acceptor;
    private Transport.Server transport;
    private volatile boolean closed;
    private volatile boolean draining;

    public RemoteServer(RemoteConfig config) {
        this.config = config;
        this.monitoring = new Monitoring(config.monitoring(), "remote");
        this.observer = monitoring.observer();
        this.dialer = new Dialer(config.deny(), config.dialTimeout(), observer);
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
        startMonitoring();
        try {
            SSLContext tls = null;
            if (config.listen().transport().secure()) {
                char[] password = config.tlsKeystorePassword().toCharArray();
                if (config.tlsKeystoreInline() != null) tls = Tls.server(config.tlsKeystoreInline(), password);
                else if (config.tlsKeystore() != null) tls = Tls.server(config.tlsKeystore(), password);
                else tls = Tls.server(config.tlsCert(), config.tlsKey());
            }
            transport = config.listen().transport().server(config.listen(),
                    new ServerOptions(tls, config.trustedProxies(), config.headerTimeout()));
            server = Transports.listen(config.listen());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            monitoring.close();
            throw e;
        }
        acceptor = Acceptor.start("remote", server, this::accepted);
        Thread.ofVirtual().name("remote sweeper").start(this::sweepLoop);
        LOG.log(Level.INFO, "remote listening on {0} ({1} client ids, dst.deny={2})",
                config.listen().withPort(port()), clients.size(), config.deny());
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Metrics, access log and summary line of this remote. */
    public Monitoring monitoring() {
        return monitoring;
    }

    private void startMonitoring() throws IOException {
        monitoring.open(this::activeTunnels, this::activeStreams);
        monitoring.gauge("pong_flow_buffered_bytes", "Bytes received from tunnel peers and not yet taken by the streams' destinations.",
                () -> {
                    long n = 0;
                    for (Tunnel t : tunnels) n += t.bufferedBytes();
                    return n;
                });
        monitoring.counter("pong_udp_datagrams_dropped_total",
                "Datagrams from destinations not carried back (too large for one data frame, or empty).", udpDropped::get);
        monitoring.start();
    }

    /** Datagrams from destinations that were not carried back (too large for one data frame, or empty). */
    public long udpDatagramsDropped() {
        return udpDropped.get();
    }

    /** The accept loop, for its counts of failures and of connections shed at the fd limit. */
    public Acceptor acceptor() {
        return acceptor;
    }

    /** Streams waiting for a dial slot now. */
    public int dialsWaiting() {
        return dialQueue.waiting();
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
        acceptor.close();
        for (Closeable c : handshaking.keySet()) Sockets.closeQuietly(c);
        for (Tunnel t : tunnels) t.close();
        rejections.flushAll();
        overload.flushAll();
        refusals.flushAll();
        monitoring.close();
    }

    /**
     * Graceful stop (SIGTERM/SIGINT): stops accepting connections at once and drains every tunnel (a
     * peer that understands it learns the highest stream id accepted, and opens the rest elsewhere;
     * others get rst 1 for new streams), lets the accepted streams finish for up to {@code grace}, then
     * resets the rest with rst 1 and closes the tunnels.
     *
     * @return the number of streams that were cut
     */
    public int shutdown(Duration grace) {
        acceptor.close();
        // drain first: a stream accepted before its tunnel's drain frame must be served, not refused
        for (Tunnel t : tunnels) t.drain();
        draining = true;
        int cut = pong.GracePeriod.await(LOG, "remote", "streams", this::activeStreams, grace);
        List<Thread> closing = new ArrayList<>();
        for (Tunnel t : tunnels) closing.add(Thread.ofVirtual().start(() -> t.closeGracefully("remote is shutting down")));
        for (Thread th : closing) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        return cut;
    }

    /** On the accept thread: the handshake goes to a thread of its own. */
    private void accepted(Socket s) {
        handshaking.put(s, System.nanoTime() + config.headerTimeout().toNanos());
        if (closed) Sockets.closeQuietly(s);
        try {
            Thread.ofVirtual().name("remote handshake " + s.getRemoteSocketAddress()).start(() -> handshake(s));
        } catch (RuntimeException | OutOfMemoryError e) {
            handshaking.remove(s);
            throw e;
        }
    }

    /** On the connection's own thread: the transport's handshake, then {@link #admit} for the tunnel it yields. */
    private void handshake(Socket s) {
        String source = s.getInetAddress().getHostAddress();
        try {
            transport.serve(s, conduit -> admit(conduit, s));
        } catch (IOException | RuntimeException e) {
            // scanners, health checks and slow clients: expected, so counted per address rather than logged each time
            Long deadline = handshaking.get(s);
            boolean late = e instanceof SocketTimeoutException || (deadline != null && System.nanoTime() - deadline >= 0);
            failedBeforeTunnel(source, late, e, true);
            Sockets.closeQuietly(s);
        } finally {
            handshaking.remove(s);
            expired.remove(s);
        }
    }

    /**
     * Checks the connection header on a conduit the transport yielded and starts its tunnel. The header
     * must come by the connection's deadline (the first conduit of a connection) or within header.timeout
     * of the conduit's arrival (later ones, on a multiplexing transport). Runs on the thread the transport
     * calls its sink on.
     */
    private void admit(Conduit conduit, Socket connection) {
        Long connectionDeadline = handshaking.remove(connection);
        long deadline = connectionDeadline != null ? connectionDeadline : System.nanoTime() + config.headerTimeout().toNanos();
        handshaking.put(conduit, deadline);
        if (closed) conduit.abort();
        String source = conduit.peer().getAddress().getHostAddress();
        boolean handedOver = false;
        try {
            ConnectionHeader header = ConnectionHeader.read(conduit.input());
            handshaking.remove(conduit); // the header is in: the deadline sweeper must not close it any more
            if (header.version() != ConnectionHeader.VERSION || !knownClient(header)) {
                // What a closed port would give: no byte back, whatever came; logged once a minute per address.
                boolean badVersion = header.version() != ConnectionHeader.VERSION;
                String why = badVersion ? badVersion(header.version()) : "unknown client id (not in clients)";
                observer.rejected(badVersion ? Rejection.BAD_VERSION : Rejection.UNKNOWN_CLIENT, source, why);
                rejections.record(source, "rejected tunnel: " + why);
                return;
            }
            UUID client = header.clientId();
            if (!claimTunnel(client)) {
                observer.rejected(Rejection.TUNNEL_LIMIT, source, "remote.max.tunnels.per.client");
                overload.record(source, "tunnel refused: client " + client + " already holds remote.max.tunnels.per.client="
                        + config.limits().maxTunnelsPerClient() + " tunnels");
                return;
            }
            Tunnel tunnel;
            TunnelInfo info = new TunnelInfo("remote", conduit.scheme(), config.listen().toString(), TunnelInfo.address(conduit.peer()), client);
            try {
                tunnel = new Tunnel(conduit, Tunnel.Side.REMOTE, config.tunnel().withBudget(shares.get(client).buffers()), null,
                        (stream, type, target) -> serve(client, info, stream, type, target));
            } catch (IOException | RuntimeException e) {
                releaseTunnel(client);
                throw e;
            }
            tunnels.add(tunnel);
            tunnel.observe(observer, info);
            observer.tunnelOpened(info);
            handedOver = true;
            tunnel.start(t -> {
                tunnels.remove(t);
                releaseTunnel(client);
            });
            if (closed) tunnel.close();
            else if (draining) tunnel.drain(); // arrived while stopping: its streams go elsewhere
            LOG.log(Level.INFO, "tunnel from {0} for client {1}", conduit.name(), client);
        } catch (IOException e) {
            boolean late = System.nanoTime() - deadline >= 0;
            failedBeforeTunnel(source, late, e, false);
        } finally {
            handshaking.remove(conduit);
            expired.remove(conduit);
            if (!handedOver) conduit.reject();
        }
    }

    /**
     * Every tick: closes connections past their header deadline (header.timeout bounds the whole way
     * to a tunnel, the transport's handshake (TLS, HTTP upgrade) and the 17-byte header, not each read: the socket's read timeout alone let
     * a client that trickles a byte at a time hold a connection for hours; its handshake thread then
     * fails), and writes the per-minute counts of rejections whose minute is over, so they appear on
     * time even when nothing else happens. Each close runs on a thread of its own (closing a TLS socket
     * may wait for its handshake's lock), so one slow close cannot push the other deadlines back, and
     * nothing thrown in a tick ends the sweeper: deadlines must hold as long as the listener does.
     */
    private void sweepLoop() {
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), config.headerTimeout().toNanos() / 4));
        while (!closed) {
            LockSupport.parkNanos(tick);
            try {
                long now = System.nanoTime();
                handshaking.forEach((c, deadline) -> {
                    if (now - deadline < 0 || !expired.add(c)) return;
                    // still handshaking after the add: its thread removes the mark when it ends; otherwise we do
                    if (handshaking.containsKey(c)) Thread.ofVirtual().start(() -> Sockets.closeQuietly(c));
                    else expired.remove(c);
                });
                rejections.flush();
                overload.flush();
                refusals.flush();
            } catch (Throwable e) {
                overload.record("remote", "header deadline sweep failed, retrying", String.valueOf(e));
            }
        }
    }

    /**
     * A connection that failed before it became a tunnel (scanners, health checks, slow or confused
     * clients): counted by reason, logged once a minute per address and reason.
     *
     * @param inTransport during the transport's handshake (TLS, WebSocket upgrade), else reading the connection header
     */
    private void failedBeforeTunnel(String source, boolean late, Exception e, boolean inTransport) {
        Rejection reason;
        String why;
        String detail = null;
        if (late) {
            reason = Rejection.HEADER_TIMEOUT;
            why = (inTransport ? "no tunnel" : "no connection header") + " within header.timeout=" + config.headerTimeout().toMillis() + " ms";
        } else if (e instanceof EOFException) {
            reason = Rejection.HEADER_INCOMPLETE;
            why = inTransport ? "closed before the transport handshake ended" : "closed before sending a whole connection header";
        } else {
            reason = Rejection.HANDSHAKE_FAILED;
            why = inTransport ? config.listen().scheme() + " handshake failed" : "tunnel handshake failed";
            detail = inTransport ? handshakeProblem(e) : e.getMessage();
        }
        observer.rejected(reason, source, why);
        rejections.record(source, why, detail);
    }

    /**
     * An unsupported header version in words. On a tcp:// listener the first byte tells the classic
     * mistakes apart: 22 starts a TLS handshake record (local has tls://), a capital letter an HTTP
     * request (a ws:// client, a browser, a health check).
     */
    private String badVersion(int version) {
        String what = "unsupported version " + version;
        if (!config.listen().scheme().equals("tcp")) return what;
        if (version == TLS_HANDSHAKE_RECORD) {
            return what + ": this looks like a TLS ClientHello on a tcp:// listener (local has remote=tls://); make both tcp:// or both tls://";
        }
        if (version >= 'A' && version <= 'Z') {
            return what + ": this looks like an HTTP request on a tcp:// listener (a ws:// client, a browser or a health check?)";
        }
        return what;
    }

    /** A failed transport handshake in words: on a TLS listener, plain bytes are most likely a local with remote=tcp://. */
    private String handshakeProblem(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (config.listen().transport().secure() && (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext"))) {
            return m + ": not TLS: this looks like a plain connection on a " + config.listen().scheme()
                    + ":// listener (a local with remote=tcp://?); make both tcp:// or both tls://";
        }
        return m;
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
    private void serve(UUID client, TunnelInfo info, Stream stream, FrameType type, Address target) {
        if (type != FrameType.CONNECT && type != FrameType.RELAY) {
            stream.reset(ErrorCode.ERR_COMMAND_UNKNOWN, type + " is not supported");
            return;
        }
        boolean relay = type == FrameType.RELAY;
        // every stream served is watched: whatever ends it (a refusal here, a failed dial, the relay) reports its end once
        stream.watch(StreamWatch.opened(observer, new StreamInfo(info, stream.id(), relay ? Front.UDP : Front.TCP, target.toString(), "",
                System.nanoTime())));
        // A draining tunnel accepted this stream before its drain frame: it is served like any other.
        if (draining && !stream.tunnel().isDraining()) {
            fail(stream, ErrorCode.ERR, "remote is shutting down");
            return;
        }
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
                if (relay) relay(client, info, stream, target);
                else connect(client, info, stream, target);
            } finally {
                share.streams().decrementAndGet();
                if (relay) releaseRelay(tunnel);
            }
        });
    }

    /** Resets a stream before it was relayed and reports its end. */
    private static void fail(Stream stream, ErrorCode code, String reason) {
        stream.reset(code, reason);
        stream.reportFailed(code);
    }

    private void refuse(Stream stream, String cap) {
        observer.rejected(Rejection.STREAM_LIMIT, String.valueOf(stream.tunnel()), cap);
        overload.record(String.valueOf(stream.tunnel()), cap + " reached, new streams get rst " + ErrorCode.ERR.code);
        fail(stream, ErrorCode.ERR, "too many streams: " + cap);
    }

    /**
     * A destination this remote would not or could not reach: the stream gets the code and the text, and
     * the operator one INFO line per destination and code a minute ("example.org:25 refused for client
     * 6f1c3a52: rule refuse (dst.deny) (rst 2): port 25 is denied by dst.deny").
     */
    private void refused(TunnelInfo info, Stream stream, Address target, PongException e) {
        refusals.record(target.toString(), "refused for client " + info.shortClientId() + ": " + e.code().explain(), e.getMessage());
        fail(stream, e.code(), e.getMessage());
    }

    private void releaseRelay(Tunnel tunnel) {
        relays.computeIfPresent(tunnel, (t, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private void connect(UUID client, TunnelInfo info, Stream stream, Address target) {
        if (!awaitDialSlot(client, stream)) return;
        Socket dst;
        try {
            dst = dialer.dial(target);
        } catch (PongException e) {
            refused(info, stream, target, e);
            return;
        } finally {
            dialQueue.release(client);
        }
        try {
            stream.confirmConnected();
            Relay.run(stream, dst, dst.getInputStream());
        } catch (IOException e) {
            fail(stream, ErrorCode.ERR, e.getMessage());
            Sockets.abort(dst); // the destination must not take this for the client's clean end
        }
    }

    /** A relay's resolution and socket count as a dial: they take a slot like a TCP dial. */
    private void relay(UUID client, TunnelInfo info, Stream stream, Address target) {
        if (!awaitDialSlot(client, stream)) return;
        UdpRelay relay;
        try {
            relay = UdpRelay.open(stream, target, dialer, udpDropped, config.shares().udpIdleTimeout());
        } catch (PongException e) {
            refused(info, stream, target, e);
            return;
        } finally {
            dialQueue.release(client);
        }
        relay.relay();
    }

    /**
     * Waits for a dial slot in the fair queue; false (the stream reset with rst 1, or already ended)
     * when none came within dial.queue.timeout.
     */
    private boolean awaitDialSlot(UUID client, Stream stream) {
        try {
            if (!dialQueue.acquire(client)) {
                observer.rejected(Rejection.PENDING_DIALS, String.valueOf(stream.tunnel()), "no dial slot within dial.queue.timeout");
                overload.record(String.valueOf(stream.tunnel()), "no dial slot within dial.queue.timeout="
                        + config.shares().dialQueueTimeout().toMillis() + " ms (remote.max.pending.dials="
                        + config.limits().maxPendingDials() + "), streams get rst " + ErrorCode.ERR.code);
                fail(stream, ErrorCode.ERR, "no dial slot within dial.queue.timeout");
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(stream, ErrorCode.ERR, "interrupted while waiting for a dial slot");
            return false;
        }
        if (stream.state().isDone()) { // reset by the peer while it waited
            dialQueue.release(client);
            stream.reportFailed(stream.resetCode() != null ? stream.resetCode() : ErrorCode.ERR);
            return false;
        }
        return true;
    }
}
