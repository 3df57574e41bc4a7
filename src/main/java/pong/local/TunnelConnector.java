package pong.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
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
 * Local's one tunnel to remote: opened on first need, opened again when lost. Every front-end opens
 * its streams here.
 *
 * <p>When remote cannot be reached, a reconnect thread retries with exponential backoff and jitter
 * ({@link #MIN_BACKOFF} doubling up to {@link #MAX_BACKOFF}); until it succeeds every {@link #open}
 * fails at once, so apps get a prompt error instead of hanging, and once it succeeds streams flow again.
 *
 * <p>Threading: any thread; connecting is serialized so that one tunnel carries all streams. At most
 * one reconnect thread runs, and only while remote is down.
 */
public final class TunnelConnector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TunnelConnector.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Endpoint remote;
    private final ClientOptions options;
    private final byte[] header;
    private final Duration connectTimeout;
    private final TunnelSettings settings;
    private final ReentrantLock connectLock = new ReentrantLock();
    private volatile Tunnel current;
    private volatile boolean closed;
    private volatile String downReason; // non-null while remote is unreachable and the reconnect thread runs
    private Thread reconnector; // guarded by connectLock
    private long tunnelsOpened; // guarded by connectLock


    public TunnelConnector(Endpoint remote, ClientOptions options, UUID clientId, Duration connectTimeout, TunnelSettings settings) {
        this.remote = remote;
        this.options = options;
        this.header = ConnectionHeader.of(clientId).encode();
        this.connectTimeout = connectTimeout;
        this.settings = settings;
    }

    /**
     * Opens a stream over the current tunnel, connecting one first if there is none.
     *
     * @throws PongException at once while remote is unreachable (the reconnect thread keeps trying)
     */
    public Stream open(FrameType type, Address target) throws IOException {
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

    /** True while remote is unreachable and requests fail fast. */
    public boolean isDown() {
        return downReason != null;
    }

    public long tunnelsOpened() {
        connectLock.lock();
        try {
            return tunnelsOpened;
        } finally {
            connectLock.unlock();
        }
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
                LOG.log(Level.WARNING, "cannot reach remote {0}: {1}; retrying with backoff, requests fail until it answers",
                        remote, e.getMessage());
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
        current = t;
        tunnelsOpened++;
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
                LOG.log(Level.INFO, "remote {0} reachable again after {1} failed attempts", remote, failures);
                downReason = null;
                reconnector = null;
                return;
            } catch (IOException e) {
                failures++;
                downReason = e.getMessage();
                LOG.log(Level.DEBUG, "reconnect to {0} failed ({1} in a row): {2}", remote, failures, e.getMessage());
            } finally {
                connectLock.unlock();
            }
            delay = Math.min(delay * 2, MAX_BACKOFF.toNanos());
        }
    }

    private void lost(Tunnel t) {
        if (current == t) current = null;
    }

    @Override
    public void close() {
        closed = true;
        connectLock.lock();
        try {
            if (reconnector != null) reconnector.interrupt();
        } finally {
            connectLock.unlock();
        }
        Tunnel t = current;
        if (t != null) t.close();
    }
}
