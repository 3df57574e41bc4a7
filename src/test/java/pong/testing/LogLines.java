package pong.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The log lines pong writes in this JVM (logger {@code pong} and below, INFO and up) while it is open:
 * what a user of an in-process half would read on its console, so tests can assert the one line that
 * tells them what to change.
 */
public final class LogLines implements AutoCloseable {
    private static final Logger PONG = Logger.getLogger("pong");
    private final List<String> lines = new ArrayList<>(); // guarded by itself
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() < Level.INFO.intValue()) return;
            String line = r.getLevel() + " " + formatter.formatMessage(r);
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogLines() {
    }

    public static LogLines capture() {
        LogLines l = new LogLines();
        PONG.addHandler(l.handler);
        return l;
    }

    /** The first line that contains every one of {@code parts}, waiting up to {@code wait} for it; null if none came. */
    public String await(Duration wait, String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    boolean all = true;
                    for (String p : parts) all &= line.contains(p);
                    if (all) return line;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** How many lines so far contain {@code part}. */
    public long count(String part) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(part)).count();
        }
    }

    /** Every line so far, for failure messages. */
    public String all() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        PONG.removeHandler(handler);
    }
}
