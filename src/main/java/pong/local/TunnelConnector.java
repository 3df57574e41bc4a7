package pong.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import pong.observe.Front;
import pong.observe.StreamInfo;
import pong.observe.StreamWatch;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.ClientOptions;
import pong.transport.Conduit;
import pong.transport.Endpoint;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;
import pong.tunnel.TunnelSettings;

/**
 * One tunnel slot of local: one tunnel to one remote endpoint, opened on first need, opened again when
 * lost. A {@link TunnelPool} holds one per endpoint and tunnel ({@code tunnels=N}).
 *
 * <p>When remote cannot be reached, a reconnect thread retries with exponential backoff and jitter
 * ({@link #MIN_BACKOFF} doubling up to {@link #MAX_BACKOFF}); until it succeeds every {@link #open}
 * fails at once, so apps get a prompt error instead of hanging, and once it succeeds streams flow again.
 *
 * <p>Threading: any thread; connecting is serialized so that one tunnel carries all streams. At most
 * one reconnect thread runs, and only while remote is down.
 */
public final class TunnelConnector implements StreamOpener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TunnelConnector.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Endpoint remote;
    private final ClientOptions options;
    private final UUID clientId;
    private final byte[] header;
    private final Duration connectTimeout;
    private final TunnelSettings settings;
    private final ReentrantLock connectLock = new ReentrantLock();
    private volatile Tunnel current;
    private volatile boolean closed;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile String downReason; // non-null while remote is unreachable and the reconnect thread runs
    private long tunnelsOpened; // guarded by connectLock
    private Thread reconnector; // guarded by connectLock
    private final TunnelObserver observer;
    /** What observers know of each open tunnel (one, or two while one ends and the next starts). */
    private final Map<Tunnel, TunnelInfo> infos = new ConcurrentHashMap<>();
    private final RefusalLog refusals = new RefusalLog();
    /** Takes the streams a drained tunnel of this slot handed back (set by the pool); by default they are reset. */
    private volatile BiConsumer<Tunnel, List<Stream>> onDrained = (t, moved) -> {
        for (Stream s : moved) s.reset(ErrorCode.ERR, "remote drained the tunnel before accepting the stream");
    };

    public TunnelConnector(Endpoint remote, ClientOptions options, UUID clientId, Duration connectTimeout, TunnelSettings settings) {
        this(remote, options, clientId, connectTimeout, settings, TunnelObserver.NONE);
    }

    /** @param observer told of tunnels opened, reconnects, and every stream opened here */
    public TunnelConnector(Endpoint remote, ClientOptions options, UUID clientId, Duration connectTimeout, TunnelSettings settings,
                           TunnelObserver observer) {
        this.remote = remote;
        this.options = options;
        this.clientId = clientId;
        this.header = ConnectionHeader.of(clientId).encode();
        this.connectTimeout = connectTimeout;
        this.settings = settings;
        this.observer = observer;
    }

    /**
     * Opens a stream over the current tunnel, connecting one first if there is none, and reports it to
     * the observer: the stream carries a {@link StreamWatch} that reports its end.
     *
     * @param front where the stream came from
     * @param app   the app's socket address, for the access log
     * @throws PongException at once while remote is unreachable (the reconnect thread keeps trying)
     */
    @Override
    public Stream open(FrameType type, Address target, Front front, String app) throws IOException {
        Stream stream = openOnTunnel(type, target);
        stream.onRefused(r -> refusals.refused(target, r));
        TunnelInfo info = infos.get(stream.tunnel());
        if (info != null) {
            stream.watch(StreamWatch.opened(observer, new StreamInfo(info, stream.id(), front, target.toString(), app, System.nanoTime())));
        }
        return stream;
    }

    private Stream openOnTunnel(FrameType type, Address target) throws IOException {
        refusals.flush();
        Tunnel t = current;
        if (t == null || !t.isUsable()) t = connect();
        try {
            return t.open(type, target);
        } catch (IOException e) {
            if (!t.isClosed()) throw e;
            // the tunnel died between the check and the open: one fresh try
            return connect().open(type, target);
        }
    }

    /** The tunnel in use, or null. */
    public Tunnel current() {
        return current;
    }

    /** True while this slot has a tunnel that takes new streams. */
    public boolean isUp() {
        Tunnel t = current;
        return t != null && t.isUsable();
    }

    /** Streams open on this slot's tunnel now (0 without one). */
    public int openStreams() {
        Tunnel t = current;
        return t == null ? 0 : t.streamCount();
    }

    public Endpoint endpoint() {
        return remote;
    }

    /**
     * Starts connecting in the background when this slot has no usable tunnel, is not already
     * connecting and is not in its backoff (the reconnect thread owns that): the pool keeps every slot
     * up without making a request wait for it.
     */
    public void ensureConnecting() {
        if (closed || isUp() || downReason != null || !connecting.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("local connect " + remote).start(() -> {
            try {
                connect();
            } catch (IOException e) {
                // logged by connect; the reconnect thread now retries with backoff
            } finally {
                connecting.set(false);
            }
        });
    }

    /** What to do with the streams a drained tunnel hands back (runs on a thread of its own). */
    void onDrained(BiConsumer<Tunnel, List<Stream>> action) {
        this.onDrained = action;
    }

    /** A tunnel of this slot that takes new streams: the current one, or a new one to the same endpoint. */
    Tunnel usableTunnel() throws IOException {
        Tunnel t = current;
        return t != null && t.isUsable() ? t : connect();
    }

    /** Tunnels this slot opened since start (the pool tells a slot's fresh tunnel from its old one by it). */
    public long tunnelsOpened() {
        connectLock.lock();
        try {
            return tunnelsOpened;
        } finally {
            connectLock.unlock();
        }
    }

    /** True while remote is unreachable and requests fail fast. */
    public boolean isDown() {
        return downReason != null;
    }

    private Tunnel connect() throws IOException {
        String down = downReason;
        if (down != null) throw new PongException(ErrorCode.ERR, "remote " + remote + " unreachable (retrying): " + down);
        connectLock.lock();
        try {
            if (closed) throw new PongException(ErrorCode.ERR, "local is shutting down");
            Tunnel t = current;
            if (t != null && t.isUsable()) return t;
            down = downReason;
            if (down != null) throw new PongException(ErrorCode.ERR, "remote " + remote + " unreachable (retrying): " + down);
            try {
                return attempt();
            } catch (IOException e) {
                String problem = RemoteHints.rootMessage(e);
                String fix = remote.transport().secure() ? RemoteHints.tls(problem, options.sni() != null ? options.sni() : remote.host()) : null;
                LOG.log(Level.WARNING, "cannot reach remote {0}: {1}{2}; retrying with backoff, requests fail until it answers",
                        remote, problem, fix == null ? "" : " (" + fix + ")");
                downReason = e.getMessage();
                reconnector = Thread.ofVirtual().name("local reconnect").start(this::reconnectLoop);
                throw new PongException(ErrorCode.ERR, "remote " + remote + " unreachable: " + e.getMessage(), e);
            }
        } finally {
            connectLock.unlock();
        }
    }

    /** Connects and starts a tunnel; caller holds connectLock. */
    private Tunnel attempt() throws IOException {
        Conduit c = remote.transport().connect(remote, options, connectTimeout);
        Tunnel t;
        try {
            t = new Tunnel(c, Tunnel.Side.LOCAL, settings, header, null);
        } catch (IOException e) {
            c.abort();
            throw e;
        }
        TunnelInfo info = new TunnelInfo("local", c.scheme(), remote.toString(), TunnelInfo.address(c.peer()), clientId);
        infos.put(t, info);
        current = t;
        tunnelsOpened++;
        observer.tunnelOpened(info);
        t.observe(observer, info);
        t.onDrained(moved -> onDrained.accept(t, moved));
        t.start(this::lost);
        LOG.log(Level.INFO, "tunnel to {0} open", remote);
        return t;
    }

    private void reconnectLoop() {
        long delay = MIN_BACKOFF.toNanos();
        int failures = 1;
        while (!closed) {
            try {
                // "equal jitter": half the delay fixed, half random, so many locals do not retry in step
                Thread.sleep(Duration.ofNanos(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1)));
            } catch (InterruptedException e) {
                return;
            }
            connectLock.lock();
            try {
                if (closed) return;
                attempt();
                observer.reconnect(remote.toString(), true);
                LOG.log(Level.INFO, "remote {0} reachable again after {1} failed attempts", remote, failures);
                downReason = null;
                reconnector = null;
                return;
            } catch (IOException e) {
                failures++;
                downReason = e.getMessage();
                observer.reconnect(remote.toString(), false);
                LOG.log(Level.DEBUG, "reconnect to {0} failed ({1} in a row): {2}", remote, failures, e.getMessage());
            } finally {
                connectLock.unlock();
            }
            delay = Math.min(delay * 2, MAX_BACKOFF.toNanos());
        }
    }

    private void lost(Tunnel t) {
        infos.remove(t);
        if (current == t) current = null;
    }

    @Override
    public void close() {
        closed = true;
        refusals.flushAll();
        connectLock.lock();
        try {
            if (reconnector != null) reconnector.interrupt();
        } finally {
            connectLock.unlock();
        }
        // every tunnel, a draining one too: remote hears that this client left
        for (Tunnel t : List.copyOf(infos.keySet())) t.closeGracefully("local is shutting down");
        Tunnel t = current;
        if (t != null) t.close();
    }
}
