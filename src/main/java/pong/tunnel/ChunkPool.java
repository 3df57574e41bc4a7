package pong.tunnel;

import java.util.ArrayDeque;

/**
 * A tunnel's free {@link Chunk}s, so that data frames do not each need a new array: a chunk is
 * taken for a payload that must wait (queued for the writer, or received and not yet taken) and given
 * back once its bytes went out. Capacities are powers of two from {@value #SMALLEST} bytes to 64 KiB,
 * the smallest that holds the payload, so a chunk is at least half full (or one small chunk) and the
 * bytes it holds cost at most twice their count in memory. Free chunks kept for reuse are at most
 * 1 MiB per tunnel; what comes back beyond that is left to the garbage collector.
 *
 * <p>Threading: any thread; one monitor, held only to push or pop a free list (a leaf lock: nothing
 * else is taken under it).
 */
final class ChunkPool {
    static final int SMALLEST = 64;
    /**
     * Enough for a bulk stream's whole round of chunks (a legacy peer's 256 KiB unread and the writer's
     * 256 KiB lane, with a grown window's worth more) to come back and go out again without new arrays.
     */
    static final int MAX_FREE_BYTES = 1024 * 1024;
    private static final int SMALLEST_SHIFT = Integer.numberOfTrailingZeros(SMALLEST);
    private static final int CLASSES = 17 - SMALLEST_SHIFT; // 64 B .. 64 KiB

    @SuppressWarnings("unchecked")
    private final ArrayDeque<Chunk>[] free = new ArrayDeque[CLASSES];
    private int freeBytes;

    ChunkPool() {
        for (int i = 0; i < CLASSES; i++) free[i] = new ArrayDeque<>();
    }

    /** The capacity of the chunk that {@link #take} returns for {@code n} payload bytes. */
    static int capacityFor(int n) {
        if (n <= SMALLEST) return SMALLEST;
        return Integer.highestOneBit(n - 1) << 1;
    }

    /** A chunk with room for n bytes (at most 64 KiB), its length set to n. */
    Chunk take(int n) {
        int capacity = capacityFor(n);
        int c = Integer.numberOfTrailingZeros(capacity) - SMALLEST_SHIFT;
        Chunk chunk;
        synchronized (this) {
            chunk = free[c].pollLast();
            if (chunk != null) {
                chunk.free = false;
                freeBytes -= capacity;
            }
        }
        if (chunk == null) chunk = new Chunk(this, capacity);
        chunk.length = n;
        return chunk;
    }

    void give(Chunk chunk) {
        if (chunk.pool != this) throw new IllegalArgumentException("chunk of another pool");
        int capacity = chunk.capacity();
        synchronized (this) {
            if (chunk.free) throw new IllegalStateException("chunk given back twice");
            if (freeBytes + capacity > MAX_FREE_BYTES) return;
            chunk.free = true;
            freeBytes += capacity;
            free[Integer.numberOfTrailingZeros(capacity) - SMALLEST_SHIFT].addLast(chunk);
        }
    }

    /** Bytes held in free chunks; for tests. */
    synchronized int freeBytes() {
        return freeBytes;
    }
}
