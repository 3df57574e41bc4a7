package pong.tunnel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving half of flow control for one tunnel: how much each stream's peer may still send
 * (its credit), what sits unread, and when to grant more. What we grant and what sits unread count
 * against tunnel.buffer.max (the budget), so memory stays bounded however many apps stop reading.
 *
 * <p>Policy:
 * <ul>
 * <li>A stream we opened gets a first window of tunnel.window, or less when many streams are open: an
 *     eighth of the budget shared by the open streams, at least {@link #MIN_WINDOW}. The sum over streams
 *     opened one after another then grows only with the logarithm of their number: with the defaults,
 *     10,000 quiet streams hold about 85 MiB of credit between them instead of starving each other.
 * <li>A stream the peer opened starts with the initial window we announced; that credit is the peer's
 *     to use without asking (0 open time), so it counts against the budget only once it arrives as data.
 *     It is bounded by tunnel.max.streams x tunnel.window.
 * <li>Once a stream's app has consumed a whole window, the window doubles (up to
 *     {@link TunnelSettings#maxWindow()}); all growth together takes at most a sixteenth of the budget.
 * <li>More credit is granted when half the window is free. A stream that cannot get credit because
 *     the budget is spent waits in a queue and is served first when budget comes back.
 * <li>A peer that has our announcement must stay within its credit. The one exception is the
 *     allowance for data sent before the sender saw our announcement: up to
 *     {@link TunnelSettings#streamBuffer()} bytes per stream past the credit are accepted as owed
 *     (and repaid by the next grants), if the budget has room for them. Past that the stream is
 *     refused ({@link #received} returns false) and the caller resets it.
 * <li>Everything counted against tunnel.buffer.max is also reserved in the shared {@link BufferBudget}
 *     (the client's share of remote.buffer.max), so many tunnels together stay bounded too; when the
 *     shared budget is what ran short, the tunnel is told when space comes back ({@link #onBudgetSpace}).
 * </ul>
 *
 * <p>Threading: any thread; one lock. Callers send the returned grants after the call, outside any lock.
 */
final class FlowControl {
    /** The smallest first window a stream we open gets, however many streams share the budget. */
    static final int MIN_WINDOW = 4 * 1024;
    /** First windows are sized from 1/BASE_SHARE of tunnel.buffer.max shared by the open streams. */
    private static final int BASE_SHARE = 8;
    /**
     * Window growth may use 1/GROWTH_SHARE of tunnel.buffer.max (8 MiB of the default 128): one bulk stream still
     * grows to its full window, while many busy streams together hold a few MiB, not tens, in the receiver's heap.
     */
    private static final int GROWTH_SHARE = 16;

    /** One stream's receive window. Guarded by the FlowControl lock. */
    static final class Window {
        final Stream stream;
        private final long base;
        private long target;
        /** Credit the peer has from our announcement, not counted against the budget. */
        private long implicit;
        /** Credit the peer has from our grants, counted against the budget. */
        private long explicit;
        /**
         * Bytes the peer sent beyond its credit: only before it saw our announcement, when it could not
         * know the limit. Its books say it owes them, so grants pay this back before giving new credit.
         */
        private long debt;
        private long buffered;
        private long consumedSinceGrowth;
        private boolean closed;

        private Window(Stream stream, long base) {
            this.stream = stream;
            this.base = base;
            this.target = base;
        }
    }

    /** Why arriving bytes were refused. */
    enum Refusal {
        PAST_CREDIT("flow control: data past the credit granted"),
        NO_BUDGET("flow control: no room left in the buffer budget (tunnel.buffer.max, client.buffer.max or remote.buffer.max)");

        final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }
    }

    /** Credit to send to the peer for a stream. */
    record Grant(Window window, int increment) {
        Stream stream() {
            return window.stream;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final int initial;
    private final long maxWindow;
    private final long bufferMax;
    private final long allowance;
    private final BufferBudget shared;
    private final Set<Window> starved = new LinkedHashSet<>();
    private Runnable onBudgetSpace = () -> { };
    private boolean released;
    private int open;
    private long committed;
    private long grown;
    private long buffered;
    private long peakBuffered;

    FlowControl(TunnelSettings settings) {
        this.initial = settings.window();
        this.maxWindow = settings.maxWindow();
        this.bufferMax = settings.bufferMax();
        this.allowance = settings.streamBuffer();
        this.shared = settings.budget() != null ? settings.budget() : BufferBudget.of(Long.MAX_VALUE);
    }

    /** What to run when the shared budget has room again after a grant was held back for lack of it. */
    void onBudgetSpace(Runnable action) {
        lock.lock();
        try {
            onBudgetSpace = action;
        } finally {
            lock.unlock();
        }
    }

    /** Streams that waited for budget get what is due now; called when the shared budget has room again. */
    List<Grant> retryStarved() {
        lock.lock();
        try {
            List<Grant> grants = new ArrayList<>();
            serveStarved(grants);
            return grants;
        } finally {
            lock.unlock();
        }
    }

    /** The tunnel is gone: everything it still counts goes back to the shared budget at once. */
    void releaseAll() {
        lock.lock();
        try {
            if (released) return;
            released = true;
            starved.clear();
            shared.release(committed);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new stream's window. A stream the peer opened starts with the announced initial credit
     * (so data may follow the opening frame); one we opened starts with none until {@link #firstGrant}.
     */
    Window open(Stream stream, boolean peerOpened) {
        lock.lock();
        try {
            open++;
            long base = peerOpened ? initial : Math.min(initial, Math.max(MIN_WINDOW, bufferMax / BASE_SHARE / open));
            Window w = new Window(stream, base);
            if (peerOpened) w.implicit = initial;
            return w;
        } finally {
            lock.unlock();
        }
    }

    /** The first credit for a stream we opened, once the peer is known to speak flow control; 0 if the budget is spent. */
    int firstGrant(Window w) {
        lock.lock();
        try {
            return grantFor(w, true);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes arrived for the stream from a peer that did not announce flow control. */
    Refusal received(Window w, int n) {
        return received(w, n, false);
    }

    /**
     * Bytes arrived for the stream. From a peer that {@code announced} flow control, more than its
     * credit is accepted only within the allowance for data sent before it saw our announcement; and
     * whatever was not granted explicitly must find room in the shared budget. When it is past either,
     * nothing is booked and the reason is returned (null when accepted): the caller resets the stream.
     */
    Refusal received(Window w, int n, boolean announced) {
        lock.lock();
        try {
            long fromImplicit = Math.min(n, w.implicit);
            long fromExplicit = Math.min(n - fromImplicit, w.explicit);
            long over = n - fromImplicit - fromExplicit;
            // Announced credit is counted when it is spent (the peer did not have to ask), the allowance too:
            // the shared budget must have room for both, or the stream is refused.
            // From a peer that never announced, everything is "over": only the shared budget applies.
            if (announced && over > 0 && (w.debt + over > allowance || committed + over > bufferMax)) return Refusal.PAST_CREDIT;
            if (!released && !shared.tryReserve(fromImplicit + over)) return Refusal.NO_BUDGET;
            w.implicit -= fromImplicit;
            w.explicit -= fromExplicit;
            w.debt += over;
            committed += n - fromExplicit; // granted credit turning into unread bytes is already counted
            w.buffered += n;
            buffered += n;
            if (buffered > peakBuffered) peakBuffered = buffered;
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The app took n bytes; returns the grants that are now due (to this stream and to starved ones). */
    List<Grant> consumed(Window w, int n, boolean grant) {
        lock.lock();
        try {
            release(w, n);
            if (!grant) return List.of();
            w.consumedSinceGrowth += n;
            long add = Math.min(w.target, maxWindow - w.target);
            if (w.consumedSinceGrowth >= w.target && add > 0 && grown + add <= bufferMax / GROWTH_SHARE) {
                grown += add;
                w.target += add;
                w.consumedSinceGrowth = 0;
            }
            if (starved.isEmpty()) { // the common case, once per chunk an app takes: no list to build
                int g = grantFor(w, false);
                return g > 0 ? List.of(new Grant(w, g)) : List.of();
            }
            List<Grant> grants = new ArrayList<>();
            serveStarved(grants); // streams that waited for budget come before this one takes more
            int g = grantFor(w, false);
            if (g > 0) grants.add(new Grant(w, g));
            return grants;
        } finally {
            lock.unlock();
        }
    }

    /** The stream ended; its unused credit and growth go back to the budget (unread bytes go back as they are taken or dropped). */
    List<Grant> closed(Window w, boolean grant) {
        lock.lock();
        try {
            if (w.closed) return List.of();
            w.closed = true;
            open--;
            committed -= w.explicit;
            if (!released) shared.release(w.explicit);
            w.explicit = 0;
            w.implicit = 0;
            w.debt = 0;
            grown -= w.target - w.base;
            starved.remove(w);
            List<Grant> grants = new ArrayList<>();
            if (grant) serveStarved(grants);
            return grants;
        } finally {
            lock.unlock();
        }
    }

    /** Unread bytes dropped (the stream was reset). */
    void dropped(Window w) {
        lock.lock();
        try {
            release(w, w.buffered);
        } finally {
            lock.unlock();
        }
    }

    String describe(Window w) {
        lock.lock();
        try {
            return "recv window " + w.target + " credit " + (w.implicit + w.explicit) + " unread " + w.buffered + (starved.contains(w) ? " starved" : "")
                    + (w.closed ? " closed" : "");
        } finally {
            lock.unlock();
        }
    }

    long buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes counted against tunnel.buffer.max: unread plus granted credit. */
    long committed() {
        lock.lock();
        try {
            return committed;
        } finally {
            lock.unlock();
        }
    }

    /** Credit granted and not yet used by the peer: bytes that may arrive without asking. */
    long outstanding() {
        lock.lock();
        try {
            return committed - buffered;
        } finally {
            lock.unlock();
        }
    }

    long peakBuffered() {
        lock.lock();
        try {
            return peakBuffered;
        } finally {
            lock.unlock();
        }
    }

    private void release(Window w, long n) {
        w.buffered -= n;
        buffered -= n;
        committed -= n;
        if (!released) shared.release(n);
    }

    private void serveStarved(List<Grant> grants) {
        if (starved.isEmpty() || committed >= bufferMax || released) return;
        // grantFor puts a window back when the budget runs short again, so take them out first
        List<Window> waiting = new ArrayList<>(starved);
        starved.clear();
        for (Window w : waiting) {
            int g = grantFor(w, true);
            if (g > 0) grants.add(new Grant(w, g));
        }
    }

    /** Credit to grant now: the free part of the window, once at least half is free (or when forced), within the budget. */
    private int grantFor(Window w, boolean force) {
        if (w.closed) return 0;
        long want = w.target - w.implicit - w.explicit - w.buffered + w.debt;
        if (want <= 0) return 0;
        if (!force && want < w.target / 2) return 0;
        long repay = Math.min(want, w.debt); // cancels what the peer owes: no new bytes to hold
        long fresh = Math.min(want - repay, bufferMax - committed);
        long reserved = released ? 0 : shared.reserveForGrant(fresh);
        long g = repay + reserved;
        if (g < want) {
            starved.add(w);
            // short of the shared budget rather than our own: space may come back from another tunnel
            if (reserved < fresh) shared.whenSpace(onBudgetSpace);
        }
        if (g <= 0) return 0;
        w.debt -= repay;
        w.explicit += reserved;
        committed += reserved;
        return (int) g;
    }
}
