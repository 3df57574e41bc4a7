package pong.local;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * An app connection's input while its proxy handshake is read. Every read waits at most until one
 * deadline for the whole handshake (handshake.timeout from the connection's accept, or from the first
 * byte of a later HTTP request head): a per-read timeout alone let an app that trickles a byte at a
 * time hold a connection, and a thread, for as long as it liked. After {@link #finished} reads pass
 * straight through and the socket's read timeout belongs to whoever reads next (the relay's idle watch).
 *
 * <p>Threading: the connection's own thread during the handshake; after {@link #finished}, the relay's.
 */
final class HandshakeInput extends FilterInputStream {
    private final Socket socket;
    private final long timeoutNanos;
    private boolean reading; // a handshake is being read: reads are bounded by the deadline
    private long deadline; // System.nanoTime() by which it must be complete

    HandshakeInput(InputStream in, Socket socket, Duration timeout) {
        super(in);
        this.socket = socket;
        this.timeoutNanos = timeout.toNanos();
        restart();
    }

    /** A new handshake starts now (the next request head on a kept-alive HTTP connection). */
    void restart() {
        deadline = System.nanoTime() + timeoutNanos;
        reading = true;
    }

    /** The handshake is complete: no deadline, and no read timeout until the next reader sets its own. */
    void finished() throws IOException {
        reading = false;
        socket.setSoTimeout(0);
    }

    /** True while a handshake is being read (before {@link #finished}). */
    boolean handshaking() {
        return reading;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    @Override
    public int read() throws IOException {
        arm();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        arm();
        return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        arm();
        return in.skip(n);
    }

    /** Sets the socket's read timeout to what is left of the handshake; fails once nothing is left. */
    private void arm() throws IOException {
        if (!reading) return;
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("handshake not complete within " + timeout().toMillis() + " ms");
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
    }
}
