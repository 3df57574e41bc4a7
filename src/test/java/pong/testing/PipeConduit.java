package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import pong.transport.Conduit;

/**
 * Two conduits joined in memory, for tunnel tests that need no sockets: what one writes the other
 * reads, through a bounded buffer each way (a full buffer blocks the writer, as a socket would).
 * Closing either end ends both directions: reads see EOF after what was written, writes fail; abort
 * also drops what is buffered, so reads fail at once.
 *
 * <p>Threading: as {@link Conduit}; each direction's buffer is guarded by its own lock, never both at once.
 */
public final class PipeConduit implements Conduit {
    private static final int CAPACITY = 64 * 1024;

    private final Pipe in;
    private final Pipe out;
    private final String label;

    private PipeConduit(Pipe in, Pipe out, String label) {
        this.in = in;
        this.out = out;
        this.label = label;
    }

    /** Two ends: [0] is the local side, [1] the remote side. */
    public static PipeConduit[] pair() {
        Pipe up = new Pipe();
        Pipe down = new Pipe();
        return new PipeConduit[] {new PipeConduit(down, up, "pipe local end"), new PipeConduit(up, down, "pipe remote end")};
    }

    @Override public InputStream input() { return in.reader; }
    @Override public OutputStream output() { return out.writer; }
    @Override public InetSocketAddress peer() { return new InetSocketAddress("127.0.0.1", 0); }
    @Override public String scheme() { return "pipe"; }
    @Override public String name() { return label; }

    @Override
    public void close() {
        in.end(false);
        out.end(false);
    }

    @Override
    public void abort() {
        in.end(true);
        out.end(true);
    }

    /** One direction: a ring buffer between a writer and a reader. */
    private static final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final byte[] buf = new byte[CAPACITY];
        private int head; // guarded by lock
        private int size; // guarded by lock
        private boolean ended; // guarded by lock
        private boolean aborted; // guarded by lock

        void end(boolean abort) {
            lock.lock();
            try {
                ended = true;
                if (abort) {
                    aborted = true;
                    size = 0;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        final InputStream reader = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                lock.lock();
                try {
                    while (size == 0) {
                        if (aborted) throw new IOException("pipe aborted");
                        if (ended) return -1;
                        await();
                    }
                    int n = Math.min(len, Math.min(size, CAPACITY - head));
                    System.arraycopy(buf, head, b, off, n);
                    head = (head + n) % CAPACITY;
                    size -= n;
                    changed.signalAll();
                    return n;
                } finally {
                    lock.unlock();
                }
            }
        };

        final OutputStream writer = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                lock.lock();
                try {
                    while (len > 0) {
                        if (ended) throw new IOException("pipe closed");
                        if (size == CAPACITY) {
                            await();
                            continue;
                        }
                        int tail = (head + size) % CAPACITY;
                        int n = Math.min(len, Math.min(CAPACITY - size, CAPACITY - tail));
                        System.arraycopy(b, off, buf, tail, n);
                        size += n;
                        off += n;
                        len -= n;
                        changed.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        };

        private void await() throws InterruptedIOException {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting on a pipe");
            }
        }
    }
}
