package pong.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import pong.observe.StreamWatch;
import pong.protocol.ErrorCode;
import pong.transport.Sockets;

/**
 * Joins a stream to a TCP socket (the app's on local, the destination's on remote) with plain blocking
 * copies: one virtual thread reads the socket into the stream, the calling thread writes what the
 * stream receives into the socket. A finish becomes a half close of the socket and the other way round;
 * a reset aborts the socket (RST), so an app sees a broken transfer as broken, not as a clean end.
 * A close from the peer is a half close too: the socket is closed once its other end closes (or after
 * {@link #CLOSE_LINGER}), never while our last bytes may still be queued in the kernel.
 *
 * <p>Threading: {@link #run} blocks its caller (the stream's virtual thread) until both directions end.
 */
public final class Relay {
    private static final System.Logger LOG = System.getLogger(Relay.class.getName());
    /** Small first: ten thousand quiet streams cost little; a read that fills the buffer doubles it. */
    private static final int FIRST_READ = 1024;
    /** How long a socket whose stream the peer ended may take to deliver our last bytes and be closed by its end. */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(60);

    private Relay() {
    }

    /**
     * @param in the socket's input, possibly a buffered stream that already holds bytes read past a handshake
     */
    public static void run(Stream stream, Socket socket, InputStream in) {
        IdleWatch idle = new IdleWatch(stream.tunnel().settings().streamIdleTimeout());
        stream.onReset(() -> Sockets.abort(socket));
        long[] fromSocket = new long[1]; // written by the upward thread only, read after joining it
        Thread up = Thread.ofVirtual().name(stream + " up").start(() -> fromSocket[0] = socketToStream(stream, socket, in, idle));
        long toSocket = streamToSocket(stream, socket, idle);
        idle.downEnded();
        try {
            // The peer ended the stream whole: the upward loop only waits for the socket's EOF (see streamToSocket).
            if (stream.state().isDone() && !up.join(CLOSE_LINGER)) Sockets.closeQuietly(socket);
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Both copy loops can end before the reset action has run (it runs on the thread that reset the
        // stream, after waking them): a plain close here would reach the app as a clean end.
        if (stream.state() == StreamState.RESET) Sockets.abort(socket);
        else Sockets.closeQuietly(socket);
        StreamWatch watch = stream.watch();
        if (watch != null) watch.ended(stream.resetCode(), fromSocket[0], toSocket, socket.getRemoteSocketAddress());
    }

    /** @return the bytes read from the socket and written to the stream */
    private static long socketToStream(Stream stream, Socket socket, InputStream in, IdleWatch idle) {
        // Reads stop at two frames' payload: a read becomes frames without a second copy, and a full read's
        // two frames leave in one flush (Stream.write), as many bytes per TLS write as a 64 KiB copy loop.
        int maxRead = 2 * stream.tunnel().maxDataPayload();
        byte[] buf = new byte[Math.min(FIRST_READ, maxRead)];
        long total = 0;
        try {
            idle.arm(socket);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    // only the idle timeout sets a read timeout here; the other direction may have been busy
                    if (idle.expired(stream)) return total;
                    idle.arm(socket);
                    continue;
                } catch (IOException e) {
                    if (!stream.state().isDone()) stream.reset(ErrorCode.ERR_DST_RESET, "socket read failed: " + e.getMessage());
                    return total;
                }
                idle.touch();
                if (n < 0) {
                    stream.finish();
                    // this thread now watches the idle timeout while only the other direction flows
                    idle.awaitDownEnded(stream);
                    return total;
                }
                stream.write(buf, 0, n); // copied or sent before it returns: buf is ours again
                total += n;
                // Grow the buffer only for streams that fill it: thousands of idle streams stay small.
                if (n == buf.length && buf.length < maxRead) buf = new byte[Math.min(buf.length * 2, maxRead)];
            }
        } catch (IOException e) {
            // the stream ended under us (reset, closed by the peer, tunnel lost); the other side cleans up
            LOG.log(Level.TRACE, "{0}: stopped sending: {1}", stream, e.getMessage());
        }
        return total;
    }

    /** @return the bytes taken from the stream and written to the socket */
    private static long streamToSocket(Stream stream, Socket socket, IdleWatch idle) {
        long total = 0;
        try {
            OutputStream out = socket.getOutputStream();
            Chunk chunk;
            while ((chunk = stream.takeChunk()) != null) {
                idle.touch();
                try {
                    out.write(chunk.bytes, 0, chunk.length);
                    total += chunk.length;
                } catch (IOException e) {
                    stream.reset(ErrorCode.ERR_DST_RESET, "socket write failed: " + e.getMessage());
                    return total;
                } finally {
                    chunk.release(); // written (or given up): the pool's again
                }
            }
            // Half close even when the peer ended both directions: a socket closed while its last bytes
            // are still queued is orphaned, and when the machine is over its TCP memory limit (tcp_mem)
            // Linux aborts orphans with an RST, cutting the end off a download. The app's own close after
            // our FIN (EOF in the upward loop) or CLOSE_LINGER ends the socket instead (see run).
            socket.shutdownOutput();
        } catch (IOException e) {
            // reset: the reset action has aborted the socket already
            LOG.log(Level.TRACE, "{0}: stopped receiving: {1}", stream, e.getMessage());
        }
        return total;
    }

    /**
     * stream.idle.timeout for one relay: both copy loops note their last byte; the socket's read timeout
     * wakes the upward loop to check, and once the socket has ended that loop waits on the other
     * direction with the same deadline. Reset code 6 (TTL expired), see docs/limits.md.
     */
    private static final class IdleWatch {
        private final long idleNanos;
        private final CountDownLatch downEnded = new CountDownLatch(1);
        private volatile long last = System.nanoTime();

        IdleWatch(Duration timeout) {
            this.idleNanos = timeout.toNanos();
        }

        void touch() {
            if (idleNanos > 0) last = System.nanoTime();
        }

        void downEnded() {
            downEnded.countDown();
        }

        private long nanosLeft() {
            return last + idleNanos - System.nanoTime();
        }

        /** Sets the socket's read timeout to what is left of the idle time (none when disabled). */
        void arm(Socket socket) throws IOException {
            if (idleNanos <= 0) {
                socket.setSoTimeout(0);
                return;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanosLeft()) + 1)));
        }

        /** Resets the stream and returns true when it has been idle for the whole timeout. */
        boolean expired(Stream stream) {
            if (idleNanos <= 0 || nanosLeft() > 0) return false;
            stream.reset(ErrorCode.ERR_TTL_EXPIRED, "no bytes either way for " + Duration.ofNanos(idleNanos).toMillis() + " ms (stream.idle.timeout)");
            return true;
        }

        void awaitDownEnded(Stream stream) {
            if (idleNanos <= 0) return;
            try {
                while (!expired(stream)) {
                    if (downEnded.await(Math.max(1, nanosLeft()), TimeUnit.NANOSECONDS)) return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
