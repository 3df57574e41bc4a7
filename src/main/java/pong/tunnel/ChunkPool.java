package pong.tunnel;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * A tunnel's free {@link Chunk}s, so that data frames do not each need a new array: a chunk is
 * taken for a payload that must wait (queued for the writer, or received and not yet taken) and given
 * back once its bytes went out. Capacities are powers of two from {@value #SMALLEST} bytes to 64 KiB,
 * the smallest that holds the payload, so a chunk is at least half full (or one small chunk) and the
 * bytes it holds cost at most twice their count in memory. Free chunks kept for reuse are at most
 * {@value #MAX_FREE_BYTES} bytes per tunnel, or as much as the credit the peer holds from us and has not
 * used yet when that is more: memory the budgets have already counted for bytes that may arrive at any
 * moment (a bulk stream's grown window), so a window's worth of chunks can come back and be filled again
 * without new arrays. What comes back beyond that is left to the garbage collector, and {@link #trim}
 * drops what a shrinking credit no longer covers.
 *
 * <p>Threading: any thread; one monitor, held only to push or pop a free list (a leaf lock: nothing
 * else is taken under it).
 */
final class ChunkPool {
    static final int SMALLEST = 64;
    /**
     * Enough for a bulk stream's queued and received chunks to come back and go out again without new
     * arrays (256 KiB measured 3,228 bytes allocated per 32 KiB frame received, 512 KiB 24). Outside the
     * buffer budgets, so kept per tunnel with streams open only: {@link #trim} drops it when the last
     * stream ends.
     */
    static final int MAX_FREE_BYTES = 512 * 1024;
    private static final int SMALLEST_SHIFT = Integer.numberOfTrailingZeros(SMALLEST);
    private static final int CLASSES = 17 - SMALLEST_SHIFT; // 64 B .. 64 KiB

    @SuppressWarnings("unchecked")
    private final ArrayDeque<Chunk>[] free = new ArrayDeque[CLASSES];
    private final LongSupplier credit;
    private long freeBytes;

    ChunkPool() {
        this(() -> 0);
    }

    /** @param credit bytes the peer may still send us (credit granted, not used); called outside this pool's monitor */
    ChunkPool(LongSupplier credit) {
        this.credit = credit;
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
        long max = maxFree();
        synchronized (this) {
            if (chunk.free) throw new IllegalStateException("chunk given back twice");
            if (freeBytes + capacity > max) return;
            chunk.free = true;
            freeBytes += capacity;
            free[Integer.numberOfTrailingZeros(capacity) - SMALLEST_SHIFT].addLast(chunk);
        }
    }

    /**
     * Drops free chunks past what {@link #give} would keep now (the credit shrank: a stream ended); with
     * {@code idle} (no stream open) past the credit alone, so a quiet tunnel keeps no floor.
     */
    void trim(boolean idle) {
        long max = idle ? credit.getAsLong() : maxFree();
        synchronized (this) {
            for (int c = CLASSES - 1; c >= 0 && freeBytes > max; c--) {
                while (freeBytes > max && free[c].pollLast() != null) freeBytes -= SMALLEST << c;
            }
        }
    }

    private long maxFree() {
        return Math.max(MAX_FREE_BYTES, credit.getAsLong());
    }

    /** Bytes held in free chunks; for tests. */
    synchronized long freeBytes() {
        return freeBytes;
    }
}
