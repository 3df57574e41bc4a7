package pong.transport.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import pong.transport.Sockets;

/**
 * The blocking byte stream an HTTP/2 connection runs over: a plain socket, TLS on one, or anything else with an
 * input, an output, an orderly close and an abort. The transport seam's conduit adapts to it in a few lines.
 *
 * <p>Threading: input() is read by the connection's reader thread only, output() written by its writer
 * thread only; close() and abort() may be called from any thread, more than once, and must unblock both.
 */
public interface ByteLink {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Orderly end: what was written is delivered, then the stream ends (FIN). */
    void close();

    /** Cut: the peer sees an abort (RST), not a clean end. */
    void abort();

    /** For logs: who is at the other end. */
    String name();

    /**
     * True when {@link #output()} gathers writes until flush itself (TLS on a {@code TlsChannel}, which fills
     * whole records), so the connection's writer needs no buffer of its own in front of it.
     */
    default boolean outputBuffered() {
        return false;
    }

    /** How long {@link #of}'s close keeps the socket after its FIN, so the peer can read what we sent last. */
    long LINGER_MILLIS = 1000;

    /** Ends our direction of a connection in order (FIN; in TLS close_notify first) and leaves its input open. */
    @FunctionalInterface
    interface OutputEnd {
        void end() throws IOException;
    }

    /** A plain socket. */
    static ByteLink of(Socket socket) {
        return new ByteLink() {
            @Override
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public void close() {
                closeAfterFin(socket, socket::shutdownOutput);
            }

            @Override
            public void abort() {
                Sockets.abort(socket);
            }

            @Override
            public String name() {
                return String.valueOf(socket.getRemoteSocketAddress());
            }
        };
    }

    /**
     * Ends our direction with {@code end} and closes the socket {@link #LINGER_MILLIS} later: closing a
     * socket with input still unread sends an RST, and a peer that gets the RST before it has read our last
     * frames (a GOAWAY that says why) loses them.
     */
    static void closeAfterFin(Socket socket, OutputEnd end) {
        try {
            end.end();
        } catch (IOException alreadyGone) {
            Sockets.closeQuietly(socket);
            return;
        }
        Thread.ofVirtual().name("h2 linger " + socket.getRemoteSocketAddress()).start(() -> {
            try {
                Thread.sleep(LINGER_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Sockets.closeQuietly(socket);
            }
        });
    }
}
