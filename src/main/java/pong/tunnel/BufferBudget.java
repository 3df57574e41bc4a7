package pong.tunnel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Bytes that many tunnels may buffer together: a process-wide budget (remote.buffer.max) and, below
 * it, one per client id (client.buffer.max). Each tunnel's {@link FlowControl} reserves here what it
 * counts against its own tunnel.buffer.max (credit granted, bytes unread, bytes owed), so the sum over
 * all tunnels stays within the budget however many tunnels there are.
 *
 * <p>A tunnel that had to hold back credit for lack of budget asks to be told when some comes back
 * ({@link #whenSpace}): the budget is shared, so the space may be freed by another tunnel.
 *
 * <p>Threading: any thread. All budgets of one tree share the root's monitor, so a reservation takes
 * from the whole chain or from none of it. Callbacks run on a virtual thread of their own, outside
 * any lock.
 */
public final class BufferBudget {
    /** Grants leave 1/HEADROOM_SHARE of every budget free, see {@link #reserveForGrant}. */
    static final int HEADROOM_SHARE = 4;

    private final BufferBudget parent;
    private final Object lock;
    private final long max;
    private final Set<Runnable> waiting;
    private long used;

    private BufferBudget(BufferBudget parent, long max) {
        this.parent = parent;
        this.lock = parent == null ? new Object() : parent.lock;
        this.max = max;
        this.waiting = parent == null ? new LinkedHashSet<>() : parent.waiting;
    }

    /** A process-wide budget. */
    public static BufferBudget of(long max) {
        return new BufferBudget(null, max);
    }

    /** A share of this budget: what the child reserves counts here too, and it may hold at most max. */
    public BufferBudget child(long max) {
        return new BufferBudget(this, max);
    }

    public long max() {
        return max;
    }

    public long used() {
        synchronized (lock) {
            return used;
        }
    }

    /**
     * Reserves up to n bytes for credit to grant, as many as every budget of the chain has room for
     * short of its last {@link #HEADROOM_SHARE}th; returns how many. That last part is kept for
     * credit the peers already hold (the initial window of new streams, the allowance), which arrives
     * without asking and is refused when it finds no room.
     */
    long reserveForGrant(long n) {
        if (n <= 0) return 0;
        synchronized (lock) {
            long room = n;
            for (BufferBudget b = this; b != null; b = b.parent) room = Math.min(room, b.max - b.max / HEADROOM_SHARE - b.used);
            if (room <= 0) return 0;
            add(room);
            return room;
        }
    }

    /** Reserves n bytes if the whole chain has room for them, else nothing. */
    boolean tryReserve(long n) {
        if (n <= 0) return true;
        synchronized (lock) {
            for (BufferBudget b = this; b != null; b = b.parent) if (b.used + n > b.max) return false;
            add(n);
            return true;
        }
    }

    /** Counts bytes that are taken whatever the budget says (the one frame an empty writer lane may always take). */
    void force(long n) {
        if (n <= 0) return;
        synchronized (lock) {
            add(n);
        }
    }

    void release(long n) {
        if (n <= 0) return;
        List<Runnable> wake = null;
        synchronized (lock) {
            add(-n);
            if (!waiting.isEmpty()) {
                wake = new ArrayList<>(waiting);
                waiting.clear();
            }
        }
        if (wake != null) {
            List<Runnable> run = wake;
            Thread.ofVirtual().name("buffer budget wake-up").start(() -> run.forEach(Runnable::run));
        }
    }

    /** Runs the action once, the next time any budget of this tree releases bytes. */
    void whenSpace(Runnable action) {
        synchronized (lock) {
            waiting.add(action);
        }
    }

    private void add(long n) {
        for (BufferBudget b = this; b != null; b = b.parent) b.used += n;
    }

    @Override
    public String toString() {
        return used() + "/" + max;
    }
}
