package pong.tunnel;

/**
 * A reusable array holding one data frame's payload: queued to be sent ({@link TunnelWriter}) or
 * received and not yet taken by the stream's app ({@link Stream}). Taken from a tunnel's
 * {@link ChunkPool} and given back to it once its bytes are written out.
 *
 * <p>Ownership, not locking, keeps it safe: a chunk has exactly one owner at a time, handed on with
 * the queue it sits in (filled by one thread, then queued under the queue's lock, then polled by one
 * thread that writes it and gives it back). Nobody may touch it after giving it back;
 * {@link ChunkPool#give} fails loudly on a chunk given back twice.
 */
final class Chunk {
    final byte[] bytes;
    /** Payload bytes in use, from index 0. */
    int length;
    /** The stream whose frame this is (outbound: the id it is sent under). */
    int streamId;
    /** True while it sits in its pool; guarded by the pool's lock. */
    boolean free;
    final ChunkPool pool;

    Chunk(ChunkPool pool, int capacity) {
        this.pool = pool;
        this.bytes = new byte[capacity];
    }

    int capacity() {
        return bytes.length;
    }

    /** Back to the pool it came from; the caller must not touch it afterwards. */
    void release() {
        pool.give(this);
    }
}
