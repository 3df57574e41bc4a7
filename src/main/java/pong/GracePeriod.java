package pong;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The waiting part of a graceful stop, shared by both halves: once a half has stopped accepting, open
 * work may finish for up to the grace period; what is left then is cut, and the log says how much.
 * Runs on the thread that handles the signal.
 */
public final class GracePeriod {
    private static final long POLL_MS = 50;

    private GracePeriod() {
    }

    /**
     * Waits until {@code open} reaches 0 or the grace period ends.
     *
     * @param what the unit being counted, for the log ("streams", "app connections")
     * @return how many were still open when the wait ended (they are for the caller to cut)
     */
    public static int await(Logger log, String half, String what, IntSupplier open, Duration grace) {
        int before = open.getAsInt();
        log.log(Level.INFO, "{0} shutting down: {1} {2} may finish within {3} ms", half, before, what, grace.toMillis());
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (open.getAsInt() > 0 && System.nanoTime() < deadline) Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int cut = open.getAsInt();
        if (cut > 0) {
            log.log(Level.WARNING, "{0} shutdown: grace of {1} ms over, resetting {2} unfinished {3} ({4} finished)",
                    half, grace.toMillis(), cut, what, Math.max(0, before - cut));
        } else {
            log.log(Level.INFO, "{0} shutdown: all {1} {2} finished", half, before, what);
        }
        return cut;
    }
}
