package pong.logging;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelObserver;

/**
 * A one-line summary at INFO every interval (log.summary.interval): tunnels and streams open now,
 * and since the last line the streams opened, those that failed (rst or timeout) and the bytes each way.
 *
 * <pre>summary: 1 tunnels, 3 streams open; last 300 s: 120 streams opened, 2 failed, 1.2 MiB up, 30.5 MiB down</pre>
 *
 * <p>Threading: events from any thread (lock-free adders); one virtual thread writes the lines.
 */
public final class SummaryLog implements TunnelObserver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("pong.summary");

    private final Duration interval;
    private final IntSupplier tunnels;
    private final IntSupplier streams;
    private final LongAdder opened = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder up = new LongAdder();
    private final LongAdder down = new LongAdder();
    private volatile Thread thread;

    /** @param tunnels, streams what is open now, read when a line is written */
    public SummaryLog(Duration interval, IntSupplier tunnels, IntSupplier streams) {
        this.interval = interval;
        this.tunnels = tunnels;
        this.streams = streams;
    }

    public SummaryLog start() {
        thread = Thread.ofVirtual().name("summary log").start(this::loop);
        return this;
    }

    @Override
    public void streamOpened(StreamInfo stream) {
        opened.increment();
    }

    @Override
    public void streamEnded(StreamInfo stream, StreamEnd end) {
        if (end.outcome() == StreamEnd.Outcome.RST || end.outcome() == StreamEnd.Outcome.TIMEOUT) failed.increment();
        up.add(end.bytesUp());
        down.add(end.bytesDown());
    }

    private void loop() {
        try {
            while (true) {
                Thread.sleep(interval);
                LOG.log(Level.INFO, line());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The next line; the counts start again from zero. */
    String line() {
        return "summary: " + tunnels.getAsInt() + " tunnels, " + streams.getAsInt() + " streams open; last "
                + interval.toSeconds() + " s: " + opened.sumThenReset() + " streams opened, " + failed.sumThenReset()
                + " failed, " + size(up.sumThenReset()) + " up, " + size(down.sumThenReset()) + " down";
    }

    static String size(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) t.interrupt();
    }
}
