package pong.transport;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * TLS with one {@link SSLEngine} over a plain blocking socket, buffered so that one system call
 * carries many records each way. JSSE's {@code SSLSocket} writes one record per call and reads each
 * record in two calls (header, then body); here reads fill a buffer of {@value #RECORDS} records and
 * writes go out {@value #RECORDS} records at a time.
 *
 * <p>Records are kept whole: written bytes are staged until they fill complete records (a TLS 1.3
 * record from JSSE carries at most 16,367 bytes; the real figure is learned from the engine's first
 * full wrap), so a stream of frames does not leave a short record behind every write. Only
 * {@link OutputStream#flush()} wraps a partial record. A write of many whole records is encrypted
 * straight from the caller's array, and a read into a large enough array is decrypted straight into
 * it: no copy between a frame and its record besides the cipher's own.
 *
 * <p>Threading: one thread may read ({@link #input()}) while another writes ({@link #output()});
 * {@code SSLEngine} allows wrap and unwrap at once. {@link #writeLock} guards the wrap side and the
 * socket's output; the reader only tries it, to wrap the reply to a post-handshake message (a TLS 1.3
 * KeyUpdate), and never sends. {@link #close} and {@link #abort} from any thread, never waiting for
 * the writer.
 */
public final class TlsChannel implements Closeable {
    /** Records per buffer: about 131 KiB of ciphertext per read or write call. */
    static final int RECORDS = 8;
    /** Plaintext bytes of a full record until the engine shows otherwise (TLS 1.3 in JSSE: 16,384 less type and padding). */
    private static final int DEFAULT_RECORD_PAYLOAD = 16_367;
    private static final int MAX_RECORD_PAYLOAD = 16_384;
    /** How long a writer waits for the reader to finish a handshake the peer started (TLS 1.2 renegotiation). */
    private static final long HANDSHAKE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final int appBufferSize;
    private final int packetBufferSize;

    // reader side: the reading thread only (and the handshake, before any reader exists)
    private final ByteBuffer netIn;  // ciphertext not yet unwrapped, kept in read mode
    private final ByteBuffer appIn;  // plaintext not yet delivered, kept in read mode
    private boolean inboundDone;

    // writer side: guarded by writeLock
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer plainOut; // staged plaintext, write mode, limit = whole records
    private final ByteBuffer netOut;   // ciphertext not yet sent, write mode
    private int recordPayload = DEFAULT_RECORD_PAYLOAD;
    private boolean outboundClosed;
    /** Set by the reader when it could not wrap a handshake reply itself; the next flush wraps it. */
    private volatile boolean replyOwed;

    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    private TlsChannel(Socket socket, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        this.appBufferSize = engine.getSession().getApplicationBufferSize();
        this.packetBufferSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(RECORDS * packetBufferSize).flip();
        this.appIn = ByteBuffer.allocate(appBufferSize).flip();
        this.netOut = ByteBuffer.allocate(RECORDS * packetBufferSize);
        this.plainOut = ByteBuffer.allocate(RECORDS * MAX_RECORD_PAYLOAD);
        plainOut.limit(RECORDS * recordPayload);
    }

    /**
     * Runs the whole handshake on the calling thread. The socket's read timeout, if any, bounds each
     * read; the engine comes configured (client or server mode, protocols, names).
     *
     * @throws IOException the handshake failed; the socket is left open for the caller to close
     */
    public static TlsChannel handshake(Socket socket, SSLEngine engine) throws IOException {
        TlsChannel channel = new TlsChannel(socket, engine);
        channel.handshake();
        return channel;
    }

    public InputStream input() {
        return input;
    }

    /** Buffered: bytes reach the peer on {@link OutputStream#flush()} or when whole records fill the buffer. */
    public OutputStream output() {
        return output;
    }

    public SSLEngine engine() {
        return engine;
    }

    public Socket socket() {
        return socket;
    }

    /** The protocol ALPN chose in the handshake ("h2"), or "" when none was negotiated. */
    public String applicationProtocol() {
        String chosen = engine.getApplicationProtocol();
        return chosen == null ? "" : chosen;
    }

    /**
     * Sends close_notify if no writer is busy, then closes the socket. Never waits for a writer: one
     * that is blocked on a peer that stopped reading is released by the socket's close.
     */
    @Override
    public void close() {
        endOutbound();
        Sockets.closeQuietly(socket);
    }

    /**
     * Ends our direction in order and keeps the socket open for reading: what is staged, close_notify,
     * then FIN. A socket closed with input still unread sends an RST that can destroy our last records
     * before the peer reads them; the caller closes the socket a moment later. Never waits for a writer,
     * as {@link #close}.
     */
    public void shutdownOutput() throws IOException {
        endOutbound();
        socket.shutdownOutput();
    }

    /** Sends what is staged and close_notify, once, if no writer holds the lock. */
    private void endOutbound() {
        if (!writeLock.tryLock()) return;
        try {
            if (!outboundClosed) {
                outboundClosed = true;
                encrypt(true);
                engine.closeOutbound();
                while (!engine.isOutboundDone()) {
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() == Status.BUFFER_OVERFLOW) sendNet();
                    else if (r.bytesProduced() == 0) break;
                }
                sendNet();
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone or the engine failed: the socket's close is all that is left
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes with an RST and no close_notify: the peer must not take this for a clean end. */
    public void abort() {
        Sockets.abort(socket);
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        try {
            while (true) {
                switch (hs) {
                    case NEED_WRAP -> {
                        SSLEngineResult r = engine.wrap(EMPTY, netOut);
                        if (r.getStatus() == Status.BUFFER_OVERFLOW) sendNet();
                        else if (r.getStatus() == Status.CLOSED) throw new SSLException("TLS handshake closed by the engine");
                        hs = r.getHandshakeStatus();
                        if (hs != HandshakeStatus.NEED_WRAP) sendNet();
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        appIn.compact();
                        SSLEngineResult r;
                        try {
                            r = engine.unwrap(netIn, appIn);
                        } finally {
                            appIn.flip();
                        }
                        if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                            if (!fill()) throw new EOFException("peer closed the connection during the TLS handshake");
                        } else if (r.getStatus() == Status.CLOSED) {
                            throw new SSLException("peer closed TLS during the handshake");
                        } else if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                            throw new SSLException("TLS handshake record larger than the application buffer");
                        }
                        hs = r.getHandshakeStatus();
                    }
                    case NEED_TASK -> {
                        runTasks();
                        hs = engine.getHandshakeStatus();
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        sendNet();
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    /** After a failed handshake the engine may hold an alert that tells the peer why: send it if it can go at once. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.bytesProduced() == 0) break;
            }
            sendNet();
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy; the caller reports the handshake's own failure
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) task.run();
    }

    /** Reads more ciphertext into netIn; false at the end of the socket's input. */
    private boolean fill() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) throw new SSLException("TLS record larger than the read buffer");
            int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n < 0) return false;
            netIn.position(netIn.position() + n);
            return true;
        } finally {
            netIn.flip();
        }
    }

    /** Writes all ciphertext in netOut to the socket. Caller holds the write lock (or is the handshake). */
    private void sendNet() throws IOException {
        if (netOut.position() == 0) return;
        rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.position());
        netOut.clear();
    }

    // ---------------------------------------------------------------- reading

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        while (true) {
            if (appIn.hasRemaining()) {
                int n = Math.min(len, appIn.remaining());
                appIn.get(b, off, n);
                return n;
            }
            if (inboundDone) return -1;
            Status status;
            if (len >= appBufferSize) {
                ByteBuffer dst = ByteBuffer.wrap(b, off, len);
                status = unwrap(dst);
                int produced = dst.position() - off;
                if (produced > 0) return produced;
            } else {
                appIn.clear();
                try {
                    status = unwrap(appIn);
                } finally {
                    appIn.flip();
                }
                if (appIn.hasRemaining()) continue;
            }
            if (status == Status.CLOSED) {
                inboundDone = true;
            } else if (status == Status.BUFFER_UNDERFLOW && !fill()) {
                inboundDone = true;
                try {
                    engine.closeInbound();
                } catch (SSLException truncated) {
                    // no close_notify before the end: the tunnel's framing tells a cut from an end
                }
            }
        }
    }

    /**
     * Unwraps whole records from netIn into dst while they fit, answering post-handshake messages.
     * Returns OK when something was produced or consumed, BUFFER_UNDERFLOW when more ciphertext is needed.
     */
    private Status unwrap(ByteBuffer dst) throws IOException {
        while (true) {
            if (!netIn.hasRemaining()) return Status.BUFFER_UNDERFLOW;
            SSLEngineResult r = engine.unwrap(netIn, dst);
            afterHandshakeMessage(r.getHandshakeStatus());
            switch (r.getStatus()) {
                case OK -> {
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) return Status.BUFFER_UNDERFLOW;
                    if (dst.remaining() < appBufferSize) return Status.OK;
                }
                case BUFFER_UNDERFLOW -> {
                    return Status.BUFFER_UNDERFLOW;
                }
                case CLOSED -> {
                    return Status.CLOSED;
                }
                case BUFFER_OVERFLOW -> throw new SSLException("TLS record larger than the application buffer");
            }
        }
    }

    /**
     * Runs the engine's tasks for a message the peer sent after the handshake and wraps the reply it
     * needs (a TLS 1.3 KeyUpdate answer) into the write buffer, where the next flush sends it. The
     * reader never sends and never waits for the write lock: two peers whose readers each wrote into a
     * full socket would wait for each other for ever. When a writer holds the lock, its next wrap
     * produces the reply first (the engine gives pending handshake output precedence over data).
     */
    private void afterHandshakeMessage(HandshakeStatus hs) throws IOException {
        while (true) {
            switch (hs) {
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    if (!writeLock.tryLock()) {
                        replyOwed = true;
                        return;
                    }
                    try {
                        if (outboundClosed) return;
                        if (netOut.remaining() < packetBufferSize) {
                            replyOwed = true;
                            return;
                        }
                        SSLEngineResult r = engine.wrap(EMPTY, netOut);
                        if (r.getStatus() != Status.OK || r.bytesProduced() == 0) return;
                        hs = r.getHandshakeStatus();
                    } finally {
                        writeLock.unlock();
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- writing

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            if (outboundClosed) throw new SocketException("TLS channel is closed");
            if (plainOut.position() == 0 && len >= plainOut.limit()) {
                // whole records straight from the caller's array; the tail is staged below
                int whole = len / recordPayload * recordPayload;
                ByteBuffer src = ByteBuffer.wrap(b, off, whole);
                wrapAll(src, false);
                int done = whole - src.remaining();
                off += done;
                len -= done;
            }
            while (len > 0) {
                int n = Math.min(len, plainOut.remaining());
                plainOut.put(b, off, n);
                off += n;
                len -= n;
                if (!plainOut.hasRemaining()) encrypt(false);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void flush() throws IOException {
        writeLock.lock();
        try {
            if (outboundClosed) return;
            encrypt(true);
            if (replyOwed) {
                // a reply the reader could not wrap while this writer held the lock (unless a data wrap since produced it)
                replyOwed = false;
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    if (netOut.remaining() < packetBufferSize) sendNet();
                    engine.wrap(EMPTY, netOut);
                }
            }
            sendNet();
        } finally {
            writeLock.unlock();
        }
    }

    /** Wraps the staged plaintext: all of it, or only whole records (the rest stays staged). */
    private void encrypt(boolean all) throws IOException {
        plainOut.flip();
        try {
            wrapAll(plainOut, !all);
        } finally {
            plainOut.compact();
            plainOut.limit(RECORDS * recordPayload);
        }
    }

    /** Wraps src record by record into netOut, sending netOut whenever it cannot take another record. */
    private void wrapAll(ByteBuffer src, boolean wholeRecordsOnly) throws IOException {
        long waitingSince = 0;
        while (src.remaining() >= (wholeRecordsOnly ? recordPayload : 1)) {
            if (netOut.remaining() < packetBufferSize) sendNet();
            int before = src.remaining();
            SSLEngineResult r = engine.wrap(src, netOut);
            switch (r.getStatus()) {
                case OK -> {
                    int consumed = r.bytesConsumed();
                    if (consumed > 0 && consumed < before && consumed != recordPayload) {
                        recordPayload = consumed; // the engine's real record size: stage whole records of it from now on
                    }
                    if (consumed == 0 && r.bytesProduced() == 0) {
                        // the peer started a handshake (TLS 1.2 renegotiation): the reader must unwrap first
                        if (waitingSince == 0) waitingSince = System.nanoTime();
                        else if (System.nanoTime() - waitingSince > HANDSHAKE_WAIT_NANOS) throw new SSLException("peer's TLS renegotiation did not finish");
                        sendNet();
                        writeLock.unlock();
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new SocketException("interrupted during a TLS renegotiation");
                        } finally {
                            writeLock.lock();
                        }
                    } else {
                        waitingSince = 0;
                    }
                }
                case BUFFER_OVERFLOW -> sendNet();
                case CLOSED -> throw new SocketException("TLS channel is closed");
                case BUFFER_UNDERFLOW -> throw new SSLException("TLS engine wanted more bytes to wrap");
            }
        }
    }

    private final class Input extends InputStream {
        /** For the one-byte read; the input has one reader at a time (the conduit's reading thread). */
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = TlsChannel.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return TlsChannel.this.read(b, off, len);
        }

        @Override
        public int available() {
            return appIn.remaining();
        }

        @Override
        public void close() {
            TlsChannel.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            TlsChannel.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            TlsChannel.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            TlsChannel.this.flush();
        }

        @Override
        public void close() {
            TlsChannel.this.close();
        }
    }
}
