package pong.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.Arrays;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;

/**
 * Joins a stream to a TCP socket (the app's on local, the destination's on remote) with plain blocking
 * copies: one virtual thread reads the socket into the stream, the calling thread writes what the
 * stream receives into the socket. A finish becomes a half close of the socket and the other way round;
 * a reset aborts the socket (RST), so an app sees a broken transfer as broken, not as a clean end.
 *
 * <p>Threading: {@link #run} blocks its caller (the stream's virtual thread) until both directions end.
 */
public final class Relay {
    private static final System.Logger LOG = System.getLogger(Relay.class.getName());
    private static final int FIRST_READ = 8 * 1024;
    private static final int MAX_READ = Frame.MAX_PAYLOAD;

    private Relay() {
    }

    /**
     * @param in the socket's input, possibly a buffered stream that already holds bytes read past a handshake
     */
    public static void run(Stream stream, Socket socket, InputStream in) {
        stream.onReset(() -> abort(socket));
        Thread up = Thread.ofVirtual().name(stream + " up").start(() -> socketToStream(stream, socket, in));
        streamToSocket(stream, socket);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(socket);
    }

    private static void socketToStream(Stream stream, Socket socket, InputStream in) {
        byte[] buf = new byte[FIRST_READ];
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    if (!stream.state().isDone()) stream.reset(ErrorCode.ERR_DST_RESET, "socket read failed: " + e.getMessage());
                    return;
                }
                if (n < 0) {
                    stream.finish();
                    return;
                }
                stream.write(Arrays.copyOf(buf, n));
                // Grow the buffer only for streams that fill it: thousands of idle streams stay small.
                if (n == buf.length && buf.length < MAX_READ) buf = new byte[Math.min(buf.length * 2, MAX_READ)];
            }
        } catch (IOException e) {
            // the stream ended under us (reset, closed by the peer, tunnel lost); the other side cleans up
            LOG.log(Level.TRACE, "{0}: stopped sending: {1}", stream, e.getMessage());
        }
    }

    private static void streamToSocket(Stream stream, Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            byte[] chunk;
            while ((chunk = stream.take()) != null) {
                try {
                    out.write(chunk);
                } catch (IOException e) {
                    stream.reset(ErrorCode.ERR_DST_RESET, "socket write failed: " + e.getMessage());
                    return;
                }
            }
            if (stream.state().isDone()) {
                closeQuietly(socket);
            } else {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // reset: the reset action has aborted the socket already
            LOG.log(Level.TRACE, "{0}: stopped receiving: {1}", stream, e.getMessage());
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
