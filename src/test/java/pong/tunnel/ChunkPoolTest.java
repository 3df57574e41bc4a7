package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pong.protocol.Frame;

/** The chunk pool's rules: power-of-two capacities, reuse, a bounded free list, no chunk given back twice. */
class ChunkPoolTest {
    @Test
    void aChunkIsTheSmallestPowerOfTwoThatHoldsThePayload() {
        ChunkPool pool = new ChunkPool();
        assertEquals(ChunkPool.SMALLEST, pool.take(1).capacity());
        assertEquals(ChunkPool.SMALLEST, pool.take(ChunkPool.SMALLEST).capacity());
        assertEquals(128, pool.take(ChunkPool.SMALLEST + 1).capacity());
        assertEquals(32 * 1024, pool.take(TunnelSettings.MAX_DATA_PAYLOAD).capacity());
        assertEquals(64 * 1024, pool.take(Frame.MAX_PAYLOAD).capacity());
        assertEquals(1000, pool.take(1000).length);
    }

    @Test
    void aChunkGivenBackIsTakenAgainForThePayloadsOfItsSize() {
        ChunkPool pool = new ChunkPool();
        Chunk first = pool.take(3000);
        first.release();
        assertSame(first, pool.take(4096));
        assertNotSame(first, pool.take(3000)); // the one free chunk is in use again
    }

    @Test
    void aChunkGivenBackTwiceIsRefused() {
        ChunkPool pool = new ChunkPool();
        Chunk c = pool.take(100);
        c.release();
        assertThrows(IllegalStateException.class, c::release);
    }

    @Test
    void freeChunksAreKeptOnlyUpToTheirBound() {
        ChunkPool pool = new ChunkPool();
        List<Chunk> taken = new ArrayList<>();
        for (int i = 0; i < 2 * ChunkPool.MAX_FREE_BYTES / (64 * 1024); i++) taken.add(pool.take(Frame.MAX_PAYLOAD));
        for (Chunk c : taken) c.release();
        assertEquals(ChunkPool.MAX_FREE_BYTES, pool.freeBytes());
    }

    @Test
    void freeChunksMayCoverTheCreditThePeerHoldsAndGoWhenItShrinks() {
        long[] credit = {4L << 20};
        ChunkPool pool = new ChunkPool(() -> credit[0]);
        List<Chunk> taken = new ArrayList<>();
        for (int i = 0; i < 128; i++) taken.add(pool.take(Frame.MAX_PAYLOAD)); // 8 MiB in use
        for (Chunk c : taken) c.release();
        assertEquals(4L << 20, pool.freeBytes());
        credit[0] = 0; // the stream ended: its window is no longer counted
        pool.trim(false);
        assertEquals(ChunkPool.MAX_FREE_BYTES, pool.freeBytes());
    }

    @Test
    void aTunnelWithNoStreamOpenKeepsNoFreeChunksPastTheCredit() {
        ChunkPool pool = new ChunkPool(() -> 0);
        List<Chunk> taken = new ArrayList<>();
        for (int i = 0; i < 8; i++) taken.add(pool.take(Frame.MAX_PAYLOAD));
        for (Chunk c : taken) c.release();
        assertEquals(ChunkPool.MAX_FREE_BYTES, pool.freeBytes());
        pool.trim(true); // the last stream ended
        assertEquals(0, pool.freeBytes());
    }
}
