package pong.remote;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dial slots (remote.max.pending.dials) shared by all client ids, handed out fairly: a stream
 * that finds them taken waits, in its client's queue, for at most dial.queue.timeout; a freed slot
 * goes to the clients with waiting streams in turn (round robin), and no client holds more than
 * client.max.pending.dials at once. One client with hundreds of dials to a destination that never
 * answers then slows only its own streams; another client's next dial waits for one slot at most.
 *
 * <p>Threading: any thread; one lock. {@link #acquire} blocks the calling (stream's virtual) thread.
 */
final class DialQueue {
    /** A stream waiting for a slot. Guarded by the queue's lock. */
    private static final class Waiter {
        final Condition granted;
        boolean done;

        Waiter(Condition granted) {
            this.granted = granted;
        }
    }

    private final int max;
    private final int perClient;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Clients with waiting streams, in the order they are served next: a served client goes to the back. */
    private final Map<UUID, ArrayDeque<Waiter>> waiting = new LinkedHashMap<>();
    private final Map<UUID, Integer> running = new HashMap<>();
    private int total;

    DialQueue(int max, int perClient, Duration timeout) {
        this.max = max;
        this.perClient = perClient;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Takes a slot for this client, waiting up to the timeout; false when none came in time. */
    boolean acquire(UUID client) throws InterruptedException {
        lock.lock();
        try {
            Waiter w = new Waiter(lock.newCondition());
            waiting.computeIfAbsent(client, k -> new ArrayDeque<>()).add(w);
            dispatch();
            long left = timeoutNanos;
            try {
                while (!w.done && left > 0) left = w.granted.awaitNanos(left);
            } catch (InterruptedException e) {
                if (w.done) release(client);
                else dequeue(client, w);
                throw e;
            }
            if (w.done) return true;
            dequeue(client, w);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot taken by {@link #acquire}. */
    void release(UUID client) {
        lock.lock();
        try {
            total--;
            running.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Streams waiting for a slot now. */
    int waiting() {
        lock.lock();
        try {
            int n = 0;
            for (ArrayDeque<Waiter> q : waiting.values()) n += q.size();
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void dequeue(UUID client, Waiter w) {
        ArrayDeque<Waiter> q = waiting.get(client);
        if (q == null) return;
        q.remove(w);
        if (q.isEmpty()) waiting.remove(client);
    }

    /** Hands free slots to the waiting clients in turn, skipping those at their own share. */
    private void dispatch() {
        while (total < max) {
            UUID next = null;
            for (Iterator<UUID> it = waiting.keySet().iterator(); it.hasNext() && next == null; ) {
                UUID c = it.next();
                if (running.getOrDefault(c, 0) < perClient) next = c;
            }
            if (next == null) return;
            ArrayDeque<Waiter> q = waiting.remove(next);
            Waiter w = q.poll();
            if (!q.isEmpty()) waiting.put(next, q); // to the back of the turn
            w.done = true;
            w.granted.signal();
            total++;
            running.merge(next, 1, Integer::sum);
        }
    }
}
