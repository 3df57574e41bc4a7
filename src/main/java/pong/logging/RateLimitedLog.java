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
 * window, key and reason: the first occurrence is logged at once, later ones in the same window are
 * counted and reported, with their count, when the window has passed. A flood therefore costs one
 * line per key, reason and minute, not one per attempt. Each reason keeps its own count, so a source
 * that fails in two ways is reported as two counts, never as the first reason's text with both counts.
 *
 * <p>Memory is bounded: past {@link #MAX_KEYS} (key, reason) pairs in one window, further keys are
 * counted under one shared key per reason, so a flood from many addresses cannot grow the table
 * (callers pass reasons from a small fixed set; what varies goes into the detail).
 *
 * <p>Threading: any thread; {@link #record} and {@link #flush} are synchronized and cheap.
 */
public final class RateLimitedLog {
    static final int MAX_KEYS = 4096;
    static final String OTHER_KEY = "(other sources)";

    private record Key(String source, String reason) {
    }

    private static final class Window {
        final long start;
        int suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    private final Logger log;
    private final Level level;
    private final long windowNanos;
    private final LongSupplier clock;
    /** Between key and reason: ": " for an address, " " where the reason reads as the rest of a sentence about the key. */
    private final String separator;
    private final Map<Key, Window> windows = new LinkedHashMap<>();

    public RateLimitedLog(Logger log, Level level, Duration window) {
        this(log, level, window, System::nanoTime, ": ");
    }

    /** Lines read "KEY REASON: DETAIL" ("example.org:25 refused by remote: ..."), not "KEY: REASON: DETAIL". */
    public static RateLimitedLog sentences(Logger log, Level level, Duration window) {
        return new RateLimitedLog(log, level, window, System::nanoTime, " ");
    }

    RateLimitedLog(Logger log, Level level, Duration window, LongSupplier clock) {
        this(log, level, window, clock, ": ");
    }

    private RateLimitedLog(Logger log, Level level, Duration window, LongSupplier clock, String separator) {
        this.log = log;
        this.level = level;
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.separator = separator;
    }

    /** Like {@link #record(String, String, String)} without a detail. */
    public void record(String key, String reason) {
        record(key, reason, null);
    }

    /**
     * Notes one occurrence for this key (typically the peer's address) and reason (a fixed text; the
     * count is per reason). The first time in a window it is logged as "KEY: REASON: DETAIL" (the
     * detail, e.g. an exception's message, may be null); repeats are only counted.
     */
    public synchronized void record(String key, String reason, String detail) {
        long now = clock.getAsLong();
        flushExpired(now);
        Key k = new Key(key, reason);
        Window w = windows.get(k);
        if (w == null && windows.size() >= MAX_KEYS) {
            k = new Key(OTHER_KEY, reason);
            w = windows.get(k);
        }
        if (w != null) {
            w.suppressed++;
            return;
        }
        windows.put(k, new Window(now));
        if (detail == null) log.log(level, "{0}" + separator + "{1}", k.source, reason);
        else log.log(level, "{0}" + separator + "{1}: {2}", k.source, reason, detail);
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
        for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Window> e = it.next();
            Window w = e.getValue();
            if (now != Long.MAX_VALUE && now - w.start < windowNanos) break;
            it.remove();
            if (w.suppressed > 0) {
                log.log(level, "{0}" + separator + "{1} ({2} more times within {3} s)", e.getKey().source, e.getKey().reason, w.suppressed,
                        windowNanos / 1_000_000_000L);
            }
        }
    }
}
