package pong.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/**
 * The single writer of a tunnel connection. Each stream queues its frames in its own {@link Lane};
 * the writer takes one frame from each ready lane in turn, so a frame of an interactive stream waits
 * behind at most one frame of each other active stream, never behind a bulk stream's whole backlog.
 * Connection-level frames (stream 0, credit grants) go first. The writer flushes only when nothing
 * is left to write, which packs small frames into large TLS records. When nothing at all is queued and
 * the socket is free, a stream's thread writes its frame itself and flushes (write-through): an
 * interactive round trip then skips the hand-off to the writer thread, and nothing waits behind it.
 *
 * <p>Bounded in bytes: a lane holds at most {@link #LANE_LIMIT} bytes and all lanes together about
 * {@link #TOTAL_LIMIT} before producers wait; an empty lane may always take one frame, so a new
 * stream is never stuck behind others. Urgent frames wait past {@link #URGENT_LIMIT} bytes (frames
 * put behind an opening frame never wait: at most one per stream, a few bytes each). Queued stream
 * frames also count against the shared {@link BufferBudget} (the client's share of remote.buffer.max):
 * a producer whose lane is not empty waits while the budget has no room, so a peer that stops reading
 * on many tunnels cannot pile up more than the budget in their queues.
 *
 * <p>Data frames ({@link #sendData}) allocate nothing per frame: written through, they go from the
 * caller's array straight into the connection's output buffer; queued, their payload is copied into a
 * {@link Chunk} of the tunnel's {@link ChunkPool}, and a lane counts the chunk's whole capacity (plus
 * the header) against its limits and the budget, so those bound the memory queued frames hold.
 *
 * <p>Threading: {@link #send}, {@link #sendData}, {@link #sendUrgent}, {@link #reset} and {@link #close}
 * from any thread; {@link #run} on the tunnel's writer thread only. The socket belongs to whoever holds
 * {@code socket}: the writer thread while it drains, or a stream thread for one write-through frame. The
 * tunnel's reader never writes through (it only queues), so it never blocks on a peer that is not
 * reading. A queued chunk belongs to its lane (under {@code lock}) until the writer thread polls it; the
 * writer thread then owns it, writes it (the output copies or sends the bytes before returning) and
 * gives it back to the pool. Lock order: {@code lock}, then the pool's monitor; {@code socket} is never
 * taken while waiting for {@code lock} (only tried under it).
 */
final class TunnelWriter {
    static final int LANE_LIMIT = 256 * 1024;
    static final int TOTAL_LIMIT = 8 * 1024 * 1024;
    /** Bytes of connection-level frames (grants, pongs, rsts) queued before their producer waits. */
    static final int URGENT_LIMIT = 64 * 1024;
    private static final long BUDGET_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** One stream's queue of frames. Guarded by the writer's lock. */
    static final class Lane {
        /** Each entry a {@link Frame} or a data frame's {@link Chunk}, in the order they go out. */
        private final ArrayDeque<Object> frames = new ArrayDeque<>();
        private final Condition space;
        private int bytes;
        private boolean scheduled;
        private boolean closed;

        private Lane(Condition space) {
            this.space = space;
        }
    }

    /** Sees every frame in the order it goes onto the wire; for tests and metrics. */
    interface Observer {
        /** A stream's frame entered its lane (called under the writer's lock). */
        default void queued(Frame frame) {
        }

        void written(Frame frame);
    }

    private final FrameWriter out;
    private final ReentrantLock socket = new ReentrantLock();
    private final Consumer<IOException> onFailure;
    private final ChunkPool chunks;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition urgentSpace = lock.newCondition();
    private final ArrayDeque<Frame> urgent = new ArrayDeque<>();
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    private final Observer observer;
    private final BufferBudget budget;
    private int totalBytes;
    private int urgentBytes;
    private boolean closed;

    /**
     * @param onFailure told once when a write-through fails (the writer thread's failures end {@link #run})
     * @param budget    the shared budget queued frames count against; null for none
     */
    TunnelWriter(FrameWriter out, Observer observer, Consumer<IOException> onFailure, BufferBudget budget, ChunkPool chunks) {
        this.out = out;
        this.observer = observer;
        this.onFailure = onFailure;
        this.budget = budget != null ? budget : BufferBudget.of(Long.MAX_VALUE);
        this.chunks = chunks;
    }

    TunnelWriter(FrameWriter out, Observer observer) {
        this(out, observer, e -> { }, null, new ChunkPool());
    }

    Lane newLane() {
        return new Lane(lock.newCondition());
    }

    /** Queues a frame of a stream, waiting while its lane (or the whole writer) is full. */
    void send(Lane lane, Frame frame) throws IOException {
        send(lane, frame, null);
    }

    /**
     * Queues two frames of a stream back to back (an opening frame and its first credit grant); when
     * written through they leave in one flush, so in one TLS record and one segment. {@code second} may be null.
     */
    void send(Lane lane, Frame first, Frame second) throws IOException {
        int length = first.length() + (second == null ? 0 : second.length());
        lock.lock();
        try {
            if (!admit(lane, length)) {
                enqueue(lane, first);
                if (second != null) enqueue(lane, second);
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            writeOne(first);
            if (second != null) writeOne(second);
            out.flush();
        } catch (Throwable e) {
            writeThroughFailed(e);
            throw e;
        } finally {
            socket.unlock();
        }
    }

    /**
     * Sends {@code len} bytes of {@code b} from {@code off} as one data frame of the stream, waiting as
     * {@link #send} does. The bytes are written through or copied into a chunk before this returns: the
     * caller may reuse its array at once.
     *
     * @param more the caller sends the next frame of the same write right after this one and may do so
     *             without waiting (it has the credit): a frame written through is then left for that
     *             frame's flush, so that one app read of two frames costs one TLS write, not two. Whoever
     *             writes next flushes it: the next write-through, or the writer, which flushes whenever
     *             its queue runs empty.
     */
    void sendData(Lane lane, int streamId, byte[] b, int off, int len, boolean more) throws IOException {
        lock.lock();
        try {
            if (!admit(lane, Frame.HEADER_LENGTH + ChunkPool.capacityFor(len))) {
                Chunk chunk = chunks.take(len);
                System.arraycopy(b, off, chunk.bytes, 0, len);
                chunk.streamId = streamId;
                enqueue(lane, chunk);
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            if (observer != null) observer.queued(frameOf(streamId, b, off, len));
            out.write(streamId, FrameType.DATA.code, b, off, len);
            if (observer != null) observer.written(frameOf(streamId, b, off, len));
            if (!more) out.flush();
        } catch (Throwable e) {
            writeThroughFailed(e);
            throw e;
        } finally {
            socket.unlock();
        }
    }

    /**
     * Caller holds {@code lock}. Waits until the lane may take {@code length} more bytes, then decides:
     * true when the caller may write through (it now holds {@code socket} and must unlock it after
     * writing), false when it must queue (the bytes are counted against the budget).
     */
    private boolean admit(Lane lane, int length) throws IOException {
        boolean reserved = false;
        try {
            while (!closed && !lane.closed && lane.bytes > 0) {
                if (lane.bytes + length > LANE_LIMIT || totalBytes + length > TOTAL_LIMIT) {
                    lane.space.await();
                } else if (!budget.tryReserve(length)) {
                    // the shared budget is freed by other tunnels too, which do not signal this lane: look again soon
                    lane.space.awaitNanos(BUDGET_RETRY_NANOS);
                } else {
                    reserved = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing a frame");
        }
        if (closed || lane.closed) {
            if (reserved) budget.release(length);
            throw new IOException(closed ? "tunnel closed" : "stream reset");
        }
        if (!urgent.isEmpty() || !ready.isEmpty() || !socket.tryLock()) {
            if (!reserved) budget.force(length); // an empty lane may always take one frame (or pair)
            return false;
        }
        if (reserved) budget.release(length); // written through: never queued
        return true;
    }

    /** A write-through failed: the tunnel ends (an Error mid-frame, OutOfMemoryError, leaves the connection unusable too). */
    private void writeThroughFailed(Throwable e) {
        onFailure.accept(e instanceof IOException io ? io : new IOException("write failed: " + e, e));
    }

    private void writeOne(Frame frame) throws IOException {
        if (observer != null) observer.queued(frame);
        out.write(frame);
        if (observer != null) observer.written(frame);
    }

    /** A frame holding a copy of a data payload, for the observer (tests) only. */
    private static Frame frameOf(int streamId, byte[] b, int off, int len) {
        return new Frame(streamId, FrameType.DATA, Arrays.copyOfRange(b, off, off + len));
    }

    /** The bytes an entry of a lane counts against the limits: a chunk counts its whole capacity. */
    private static int queuedLength(Object entry) {
        return entry instanceof Chunk c ? Frame.HEADER_LENGTH + c.capacity() : ((Frame) entry).length();
    }

    private static boolean opensStream(Object entry) {
        return entry instanceof Frame f && f.frameType() != null && f.frameType().opensStream();
    }

    /** Queues the last frame of a stream (finish or close) and closes the lane behind it. */
    void sendLast(Lane lane, Frame frame) throws IOException {
        lock.lock();
        try {
            if (closed) throw new IOException("tunnel closed");
            if (lane.closed) throw new IOException("stream reset");
            budget.force(frame.length());
            enqueue(lane, frame);
            lane.closed = true;
            lane.space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the frames a moved stream sends again on this tunnel (its opening frame, kept data, maybe
     * its finish) without waiting: they are bounded by the first window. {@code last} closes the lane
     * behind them, as {@link #sendLast} does.
     */
    void sendReplay(Lane lane, List<Frame> frames, boolean last) throws IOException {
        lock.lock();
        try {
            if (closed) throw new IOException("tunnel closed");
            for (Frame f : frames) {
                budget.force(f.length());
                enqueue(lane, f);
            }
            if (last) lane.closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything queued has been written (or the writer closed), at most {@code nanos}. */
    void awaitIdle(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() - deadline < 0) {
            lock.lock();
            try {
                if (closed || (urgent.isEmpty() && ready.isEmpty() && !socket.isLocked())) return;
            } finally {
                lock.unlock();
            }
            Thread.sleep(5);
        }
    }

    /**
     * Aborts a stream's lane: drops what it still has queued and queues the rst instead. When even the
     * opening frame has not gone out yet, the peer never heard of the stream and nothing is sent.
     * A null rst only drops what is queued (the peer already ended the stream).
     */
    void reset(Lane lane, Frame rst) {
        lock.lock();
        try {
            if (closed) return;
            boolean unannounced = opensStream(lane.frames.peekFirst());
            totalBytes -= lane.bytes;
            budget.release(lane.bytes);
            lane.bytes = 0;
            Object dropped;
            while ((dropped = lane.frames.poll()) != null) {
                if (dropped instanceof Chunk c) c.release(); // never polled by the writer: still the lane's
            }
            lane.closed = true;
            lane.space.signalAll();
            if (rst != null && !unannounced) {
                budget.force(rst.length());
                enqueue(lane, rst);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a frame that must follow the stream's opening frame (the first credit grant): right behind
     * it while it is still queued, else ahead of stream data like any urgent frame. Never waits.
     */
    void sendAfterOpen(Lane lane, Frame frame) throws IOException {
        lock.lock();
        try {
            if (closed) throw new IOException("tunnel closed");
            Object head = lane.frames.peekFirst();
            if (opensStream(head)) {
                lane.frames.pollFirst();
                lane.frames.addFirst(frame);
                lane.frames.addFirst(head);
                lane.bytes += frame.length();
                totalBytes += frame.length();
                budget.force(frame.length());
            } else {
                urgent.add(frame);
                urgentBytes += frame.length();
            }
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a connection-level frame ahead of stream data; waits while {@link #URGENT_LIMIT} bytes are queued. */
    void sendUrgent(Frame frame) throws IOException {
        lock.lock();
        try {
            while (!closed && !urgent.isEmpty() && urgentBytes + frame.length() > URGENT_LIMIT) urgentSpace.await();
            if (closed) throw new IOException("tunnel closed");
            urgent.add(frame);
            urgentBytes += frame.length();
            work.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing a frame");
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer; queued frames are dropped and every waiting producer fails. */
    void close() {
        lock.lock();
        try {
            if (!closed) budget.release(totalBytes); // queued frames are dropped with the tunnel
            closed = true;
            work.signalAll();
            urgentSpace.signalAll();
            for (Lane lane : ready) lane.space.signalAll();
        } finally {
            lock.unlock();
        }
    }


    /** The writer loop; returns when closed, throws when the connection fails. */
    void run() throws IOException, InterruptedException {
        while (true) {
            lock.lock();
            try {
                while (urgent.isEmpty() && ready.isEmpty()) {
                    if (closed) return;
                    work.await();
                }
                if (closed) return;
            } finally {
                lock.unlock();
            }
            socket.lock();
            try {
                drain();
            } finally {
                socket.unlock();
            }
        }
    }

    /** Writes everything queued, then flushes once: many small frames leave in one TLS record. */
    private void drain() throws IOException {
        while (true) {
            Object entry;
            lock.lock();
            try {
                if (closed) return;
                entry = next();
            } finally {
                lock.unlock();
            }
            if (entry == null) break;
            if (entry instanceof Chunk chunk) {
                try {
                    out.write(chunk.streamId, FrameType.DATA.code, chunk.bytes, 0, chunk.length);
                    if (observer != null) observer.written(frameOf(chunk.streamId, chunk.bytes, 0, chunk.length));
                } finally {
                    chunk.release(); // the output has copied or sent the bytes
                }
            } else {
                Frame frame = (Frame) entry;
                out.write(frame);
                if (observer != null) observer.written(frame);
            }
        }
        out.flush();
    }

    private void enqueue(Lane lane, Object entry) {
        if (observer != null) {
            observer.queued(entry instanceof Chunk c ? frameOf(c.streamId, c.bytes, 0, c.length) : (Frame) entry);
        }
        int length = queuedLength(entry);
        lane.frames.add(entry);
        lane.bytes += length;
        totalBytes += length;
        if (!lane.scheduled) {
            lane.scheduled = true;
            ready.add(lane);
        }
        work.signal();
    }

    private Object next() {
        Frame frame = urgent.poll();
        if (frame != null) {
            urgentBytes -= frame.length();
            urgentSpace.signal();
            return frame;
        }
        Lane lane;
        // A lane reset while scheduled can be empty here (reset drops its frames, maybe queueing nothing):
        // skip it rather than fail the writer (that NPE killed the writer thread and stalled the tunnel).
        while ((lane = ready.poll()) != null && lane.frames.isEmpty()) lane.scheduled = false;
        if (lane == null) return null;
        Object entry = lane.frames.poll();
        int length = queuedLength(entry);
        lane.bytes -= length;
        totalBytes -= length;
        budget.release(length);
        if (lane.frames.isEmpty()) {
            lane.scheduled = false;
        } else {
            ready.add(lane);
        }
        lane.space.signal();
        return entry;
    }
}
