package pong.logging;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Logs a repeated event (a failed login from one address, a refused connection) at most once per
 * window and key: the first occurrence is logged at once, later ones in the same window are counted
 * and reported, with their count, when the window has passed. A flood therefore costs one line per
 * key and minute, not one per attempt.
 *
 * <p>Memory is bounded: past {@link #MAX_KEYS} keys in one window, further keys are counted under
 * one shared key, so a flood from many addresses cannot grow the table.
 *
 * <p>Threading: any thread; {@link #record} and {@link #flush} are synchronized and cheap.
 */
public final class RateLimitedLog {
    static final int MAX_KEYS = 4096;
    static final String OTHER_KEY = "(other sources)";

    private static final class Window {
        final long start;
        final String what;
        int suppressed;

        Window(long start, String what) {
            this.start = start;
            this.what = what;
        }
    }

    private final Logger log;
    private final Level level;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new LinkedHashMap<>();

    public RateLimitedLog(Logger log, Level level, Duration window) {
        this(log, level, window, System::nanoTime);
    }

    RateLimitedLog(Logger log, Level level, Duration window, LongSupplier clock) {
        this.log = log;
        this.level = level;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /**
     * Notes one occurrence for this key (typically the peer's address). {@code what} describes it and
     * is logged as "KEY: WHAT" the first time in a window.
     */
    public synchronized void record(String key, String what) {
        long now = clock.getAsLong();
        flushExpired(now);
        Window w = windows.get(key);
        if (w == null && windows.size() >= MAX_KEYS) {
            key = OTHER_KEY;
            w = windows.get(key);
        }
        if (w != null) {
            w.suppressed++;
            return;
        }
        windows.put(key, new Window(now, what));
        log.log(level, "{0}: {1}", key, what);
    }

    /** Reports the counts of every window that has passed; {@link #record} does this too. */
    public synchronized void flush() {
        flushExpired(clock.getAsLong());
    }

    /** Reports every count still pending, whatever its age (at shutdown). */
    public synchronized void flushAll() {
        flushExpired(Long.MAX_VALUE);
    }

    private void flushExpired(long now) {
        // windows are in insertion order, so the oldest come first
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            Window w = e.getValue();
            if (now != Long.MAX_VALUE && now - w.start < windowNanos) break;
            it.remove();
            if (w.suppressed > 0) {
                log.log(level, "{0}: {1} ({2} more times within {3} s)", e.getKey(), w.what, w.suppressed,
                        windowNanos / 1_000_000_000L);
            }
        }
    }
}
