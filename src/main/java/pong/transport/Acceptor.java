package pong.transport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import com.sun.management.UnixOperatingSystemMXBean;
import pong.logging.RateLimitedLog;

/**
 * A listener's accept loop that only {@link #close} ends. A failed accept() is never the end: out of
 * file descriptors (EMFILE/ENFILE), out of buffers (ENOBUFS/ENOMEM), a connection aborted in the queue:
 * all pass once load does. Each failure is logged (rate-limited, with the process's fd count and limit),
 * the loop backs off briefly (doubling from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}) and accepts
 * again.
 *
 * <p>Out of fds, the connections waiting in the queue would otherwise sit there until their clients
 * give up, and new ones would keep completing into it. So a few fds are held in reserve (two pipes): at
 * the limit the reserve is let go, one waiting connection is accepted and aborted at once (the client
 * sees a reset, not a hang), and the reserve is taken back. Once fds are free again, connections are
 * served as before.
 *
 * <p>Threading: one platform thread (non-daemon: a listening process stays alive) runs the loop and the
 * handler; {@link #close} from any thread. The handler must not block: it hands the socket to a thread.
 */
public final class Acceptor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofMillis(500);
    /** How long an accept made only to shed a waiting connection may wait for one. */
    private static final int SHED_WAIT_MILLIS = 10;
    private static final int RESERVE_PIPES = 2;

    /** Takes an accepted connection; runs on the accept thread. */
    public interface Handler {
        void accepted(Socket socket);
    }

    private final String name;
    private final ServerSocket server;
    private final Handler handler;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Level.WARNING, Duration.ofMinutes(1));
    private final List<Pipe> reserve = new ArrayList<>(); // accept thread only
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private volatile boolean closed;

    private Acceptor(String name, ServerSocket server, Handler handler) {
        this.name = name;
        this.server = server;
        this.handler = handler;
    }

    /** Starts accepting on {@code server}, which this acceptor now owns (closes). */
    public static Acceptor start(String name, ServerSocket server, Handler handler) {
        Acceptor a = new Acceptor(name, server, handler);
        a.takeReserve();
        fdUsage(); // loads what the fd count needs now, while fds are plentiful
        Thread.ofPlatform().name(name + " accept").daemon(false).start(a::loop);
        return a;
    }

    /** accept() calls that failed since start. */
    public long failures() {
        return failed.get();
    }

    /** Connections accepted and aborted at once because the process was out of fds. */
    public long shed() {
        return shed.get();
    }

    /** Stops the loop and closes the listening socket; idempotent. */
    @Override
    public void close() {
        closed = true;
        Sockets.closeQuietly(server);
        failures.flushAll();
    }

    private void loop() {
        long backoff = 0;
        try {
            while (!closed) {
                Socket s;
                try {
                    s = server.accept();
                } catch (Throwable e) {
                    // Errors too: nothing thrown here may end the loop, only close()
                    if (closed) return;
                    failed.incrementAndGet();
                    try {
                        if (outOfFds(e) && shedOne(e)) continue;
                        if (!outOfFds(e)) failures.record(name, "accept failed, retrying", String.valueOf(e));
                    } catch (Throwable starved) {
                        // even logging failed (no fd, no memory): waiting is all that is left
                    }
                    backoff = backoff == 0 ? FIRST_BACKOFF.toNanos() : Math.min(backoff * 2, MAX_BACKOFF.toNanos());
                    LockSupport.parkNanos(backoff);
                    continue;
                }
                backoff = 0;
                try {
                    failures.flush();
                    handler.accepted(s);
                } catch (Throwable e) {
                    // e.g. no memory for its thread: this connection is lost, the listener is not
                    Sockets.abort(s);
                    try {
                        failures.record(name, "accepted connection dropped", String.valueOf(e));
                    } catch (Throwable starved) {
                        // as above
                    }
                }
            }
        } finally {
            releaseReserve();
        }
    }

    /**
     * Out of fds: lets the reserve go, accepts one waiting connection (if one comes within a moment)
     * and aborts it, takes the reserve back. True when one was shed, so the caller tries again at once.
     */
    private boolean shedOne(Throwable cause) {
        boolean hadReserve = !reserve.isEmpty();
        releaseReserve();
        String fds = fdUsage();
        boolean done = false;
        if (hadReserve) {
            try {
                server.setSoTimeout(SHED_WAIT_MILLIS);
                Socket s = server.accept();
                Sockets.abort(s);
                shed.incrementAndGet();
                done = true;
            } catch (SocketTimeoutException e) {
                // nobody waiting
            } catch (IOException | RuntimeException e) {
                // still no fd (another thread took the reserve's), or closed: the caller backs off
            } finally {
                try {
                    if (!closed) server.setSoTimeout(0);
                } catch (IOException ignored) {
                    // closed meanwhile: the loop ends
                }
            }
        }
        // logged before the reserve is taken back: writing the line may need an fd or a class loaded
        failures.record(name, "accept failed, out of file descriptors (" + cause.getMessage() + ")",
                fds + "; waiting connections are accepted and reset until fds free up");
        takeReserve();
        return done;
    }

    private static boolean outOfFds(Throwable e) {
        String m = e.getMessage();
        return m != null && m.contains("Too many open files"); // EMFILE and ENFILE ("... in system")
    }

    /** "N of M fds open", or what the JVM cannot tell. */
    private static String fdUsage() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean u) {
            long open = u.getOpenFileDescriptorCount();
            return (open < 0 ? "?" : String.valueOf(open)) + " of " + u.getMaxFileDescriptorCount() + " fds open";
        }
        return "fd count unknown";
    }

    private void takeReserve() {
        try {
            while (reserve.size() < RESERVE_PIPES) reserve.add(Pipe.open());
        } catch (IOException e) {
            // another thread took a freed fd first: taken again after the next shed; with none left,
            // waiting connections stay queued until fds come free, which the log must say
            if (reserve.isEmpty()) failures.record(name, "no fd left in reserve: connections waiting at the fd limit are not reset", String.valueOf(e));
        }
    }

    private void releaseReserve() {
        for (Pipe p : reserve) {
            Sockets.closeQuietly(p.source());
            Sockets.closeQuietly(p.sink());
        }
        reserve.clear();
    }
}
