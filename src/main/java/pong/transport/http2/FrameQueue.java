package pong.transport.http2;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The one writer of a connection: frames from every thread go through this FIFO to one virtual thread that
 * writes them and flushes when the queue runs empty (so a burst leaves in few TLS records). DATA is bounded
 * in bytes (stream writers wait); frames the peer made us owe are bounded in count (past the bound the peer
 * floods, and the enqueue fails); our own control frames are never refused.
 *
 * <p>Threading: {@link #data}, {@link #control}, {@link #reply} and {@link #finish} from any thread. The lock
 * is a leaf: nothing else is locked while it is held, and the writer thread holds it only to take items.
 */
final class FrameQueue {
    /** One frame (or a few) to write. */
    @FunctionalInterface
    interface Op {
        void write(Http2FrameWriter w) throws IOException;
    }

    private record Item(Op op, int dataBytes, boolean reply) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private final int maxDataBytes;
    private final int maxReplies;
    private final CountDownLatch done = new CountDownLatch(1);
    private long dataBytes;
    private int replies;
    /** No more items are taken: the connection ends after what is queued (finish) or at once (failed). */
    private boolean finishing;
    private IOException failure;

    FrameQueue(int maxDataBytes, int maxReplies) {
        this.maxDataBytes = maxDataBytes;
        this.maxReplies = maxReplies;
    }

    /**
     * Starts the writer thread; onEnd runs once on it when the queue is finished or writing failed (null if
     * finished). An output that is not {@code buffered} gets a buffer in front, so frames leave in few writes.
     */
    void start(String name, OutputStream out, boolean buffered, Consumer<IOException> onEnd) {
        OutputStream frames = buffered ? out : new BufferedOutputStream(out, 64 << 10);
        Thread.ofVirtual().name("h2-writer " + name).start(() -> run(new Http2FrameWriter(frames), onEnd));
    }

    /** A DATA frame of n flow-controlled bytes; waits while the queue holds too many. */
    void data(Op op, int n) throws IOException {
        lock.lock();
        try {
            while (dataBytes >= maxDataBytes && !finishing) notFull.awaitUninterruptibly();
            add(new Item(op, n, false));
        } finally {
            lock.unlock();
        }
    }

    /** A frame of our own (HEADERS, RST_STREAM, WINDOW_UPDATE, SETTINGS, PING, GOAWAY). */
    void control(Op op) throws IOException {
        lock.lock();
        try {
            add(new Item(op, 0, false));
        } finally {
            lock.unlock();
        }
    }

    /** A frame the peer made us owe; false if too many are waiting already (the peer sends faster than it reads). */
    boolean reply(Op op) throws IOException {
        lock.lock();
        try {
            if (replies >= maxReplies && failure == null && !finishing) return false;
            add(new Item(op, 0, true));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void add(Item item) throws IOException {
        if (failure != null) throw new IOException("connection writer failed", failure);
        if (finishing) throw new IOException("connection is closing");
        items.add(item);
        dataBytes += item.dataBytes;
        if (item.reply) replies++;
        notEmpty.signal();
    }

    /** Writes last (a GOAWAY) after what is queued, then ends; later enqueues fail. Idempotent. */
    void finish(Op last) {
        lock.lock();
        try {
            if (finishing) return;
            if (last != null) items.add(new Item(last, 0, false));
            finishing = true;
            notEmpty.signal();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the writer thread to end; false on timeout. */
    boolean awaitEnd(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    private void run(Http2FrameWriter w, Consumer<IOException> onEnd) {
        IOException error = null;
        try {
            while (true) {
                Item item;
                boolean last;
                lock.lock();
                try {
                    while (items.isEmpty() && !finishing) notEmpty.awaitUninterruptibly();
                    item = items.poll();
                    if (item == null) break; // finishing and drained
                    if (item.dataBytes > 0) {
                        dataBytes -= item.dataBytes;
                        notFull.signalAll();
                    }
                    if (item.reply) replies--;
                    last = items.isEmpty();
                } finally {
                    lock.unlock();
                }
                item.op.write(w);
                if (last) w.flush();
            }
            w.flush();
        } catch (IOException | RuntimeException e) {
            error = e instanceof IOException io ? io : new IOException(e);
            lock.lock();
            try {
                failure = error;
                finishing = true;
                items.clear();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            done.countDown();
            onEnd.accept(error);
        }
    }
}
