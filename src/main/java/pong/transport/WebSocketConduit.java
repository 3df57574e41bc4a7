package pong.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import pong.protocol.ProtocolException;

/**
 * A tunnel's byte stream in WebSocket messages (RFC 6455) on a TCP or TLS conduit whose upgrade is done.
 * Outgoing bytes go in binary frames, one per write of up to {@link #MAX_FRAME_OUT} bytes, masked when
 * this is the client; incoming binary messages of any fragmentation are concatenated into the input.
 * Pings are answered with pongs, a close frame with a close frame (then the input ends); anything RFC 6455
 * forbids, a text message or a message over {@link #MAX_MESSAGE} ends the conduit with a close frame
 * (1002 or 1009) and a {@link ProtocolException} from the input.
 *
 * <p>Threading: input on one reader thread, output on one writer thread, as {@link Conduit} says. Every
 * frame leaves under {@code writeLock}, so the reader's pongs and close frames never split a data
 * frame; the reader only waits for the lock to answer a ping (back pressure on a ping flood), never to
 * report an error (it leaves the close frame, with its code, to {@link #close}, which waits for a frame
 * in progress at most {@link #CLOSE_WAIT_MILLIS}).
 */
final class WebSocketConduit implements Conduit {
    /** The largest message accepted: far above one pong frame (65,507 bytes), which a peer may send as one message. */
    static final int MAX_MESSAGE = 1024 * 1024;
    /** The largest frame payload sent: one write of the tunnel's 64 KiB buffer. */
    static final int MAX_FRAME_OUT = 64 * 1024;
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;
    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_PROTOCOL_ERROR = 1002;
    static final int CLOSE_TOO_BIG = 1009;
    private static final int MAX_CONTROL = 125;
    /** How long {@link #close} waits for a frame being written before it gives up on the close frame. */
    private static final long CLOSE_WAIT_MILLIS = 1000;
    private static final int MAX_HEADER = 14;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Conduit base;
    private final boolean client;
    private final InputStream raw;
    private final OutputStream rawOut;
    private final InetSocketAddress peer;
    private final String scheme;
    private final Input in = new Input();
    private final Output out = new Output();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] frameOut = new byte[MAX_HEADER + MAX_FRAME_OUT]; // guarded by writeLock
    private final SecureRandom maskKeys; // client only; guarded by writeLock
    private boolean closeSent; // guarded by writeLock
    /** The code our close frame carries: a protocol error's when the reader found one (it may not get the lock to send it itself). */
    private volatile int closeCode = CLOSE_NORMAL;

    /**
     * @param base the TCP or TLS connection the upgrade ran on; its output carries our frames
     * @param raw  its input as the upgrade left it (a buffered stream may already hold frame bytes)
     * @param client true on local: frames out are masked, frames in must not be
     */
    WebSocketConduit(Conduit base, InputStream raw, boolean client, InetSocketAddress peer, String scheme) {
        this.base = base;
        this.raw = raw;
        this.rawOut = base.output();
        this.client = client;
        this.peer = peer;
        this.scheme = scheme;
        this.maskKeys = client ? new SecureRandom() : null;
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public String security() {
        return base.security();
    }

    @Override
    public InetSocketAddress peer() {
        return peer;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public void close() {
        sendClose(closeCode, "", CLOSE_WAIT_MILLIS);
        base.close();
    }

    @Override
    public void reject() {
        base.close();
    }

    /**
     * A cut (RST), unless the peer broke the protocol: then the close frame with the violation's code has
     * gone out, and that is how WebSocket fails a connection (RFC 6455 section 7.1.7); an RST right
     * behind it could destroy it before the peer reads it, so the connection closes as after any close frame.
     */
    @Override
    public void abort() {
        if (closeCode != CLOSE_NORMAL) close();
        else base.abort();
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * XORs {@code n} bytes from {@code src} with the 4-byte key (starting at key byte {@code keyPos}) into
     * {@code dst}; {@code src == dst} masks in place. Eight bytes at a time: this runs over every byte a client sends.
     */
    static void mask(byte[] src, int srcOff, byte[] dst, int dstOff, int n, byte[] key, int keyPos) {
        int i = 0;
        if (n >= 16) {
            byte[] eight = new byte[8];
            for (int k = 0; k < 8; k++) eight[k] = key[(keyPos + k) & 3];
            long m = (long) LONGS.get(eight, 0);
            for (; i <= n - 8; i += 8) LONGS.set(dst, dstOff + i, (long) LONGS.get(src, srcOff + i) ^ m);
        }
        for (; i < n; i++) dst[dstOff + i] = (byte) (src[srcOff + i] ^ key[(keyPos + i) & 3]);
    }

    /** RFC 6455 section 7.4: the codes a close frame may carry (1004-1006 and 1015 are reserved, below 1000 unused). */
    static boolean sendableCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Writes one frame; the payload is copied (and masked, on the client) straight into the frame buffer. */
    private void writeFrame(int opcode, byte[] b, int off, int n) throws IOException {
        writeLock.lock();
        try {
            if (closeSent) throw new IOException("WebSocket closed");
            writeFrameLocked(opcode, b, off, n);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeFrameLocked(int opcode, byte[] b, int off, int n) throws IOException {
        byte[] f = frameOut;
        f[0] = (byte) (0x80 | opcode);
        int h;
        int maskBit = client ? 0x80 : 0;
        if (n <= 125) {
            f[1] = (byte) (maskBit | n);
            h = 2;
        } else if (n <= 0xffff) {
            f[1] = (byte) (maskBit | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
            h = 4;
        } else {
            f[1] = (byte) (maskBit | 127);
            for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            h = 10;
        }
        if (client) {
            byte[] key = new byte[4];
            maskKeys.nextBytes(key);
            System.arraycopy(key, 0, f, h, 4);
            h += 4;
            mask(b, off, f, h, n, key, 0);
        } else {
            System.arraycopy(b, off, f, h, n);
        }
        rawOut.write(f, 0, h + n);
    }

    /**
     * Sends a close frame once (best effort), waiting for a frame in progress at most {@code waitMillis}
     * (-1: as long as it takes): ending a conduit must not hang on a peer that stopped reading.
     */
    private void sendClose(int code, String reason, long waitMillis) {
        try {
            if (waitMillis < 0) writeLock.lock();
            else if (!writeLock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (closeSent) return;
            closeSent = true;
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + Math.min(text.length, MAX_CONTROL - 2)];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, payload.length - 2);
            writeFrameLocked(OP_CLOSE, payload, 0, payload.length);
            rawOut.flush();
        } catch (IOException ignored) {
            // the connection is going anyway
        } finally {
            writeLock.unlock();
        }
    }

    /** The tunnel's byte stream from the peer's binary messages. Reader thread only. */
    private final class Input extends InputStream {
        private final byte[] key = new byte[4];
        private final byte[] control = new byte[MAX_CONTROL];
        private long remaining; // payload bytes of the current data frame not read yet
        private int keyPos;
        private boolean masked;
        private boolean inMessage; // a binary message whose final frame has not come yet
        private long messageBytes;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (remaining == 0) {
                if (ended || !nextFrame()) return -1;
            }
            int n = raw.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("connection cut inside a WebSocket frame");
            if (masked) {
                mask(b, off, b, off, n, key, keyPos);
                keyPos = (keyPos + n) & 3;
            }
            remaining -= n;
            return n;
        }

        /** Reads frame headers (answering control frames) until a data frame with payload starts; false at the end. */
        private boolean nextFrame() throws IOException {
            int b0 = raw.read();
            if (b0 < 0) {
                if (inMessage) throw new EOFException("connection cut inside a WebSocket message");
                ended = true; // TCP end without a close frame: the tunnel ends as if the peer closed
                return false;
            }
            int b1 = readByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            if ((b0 & 0x70) != 0) throw fail(CLOSE_PROTOCOL_ERROR, "reserved bits set (no extension was agreed)");
            masked = (b1 & 0x80) != 0;
            if (masked && client) throw fail(CLOSE_PROTOCOL_ERROR, "masked frame from the server");
            if (!masked && !client) throw fail(CLOSE_PROTOCOL_ERROR, "unmasked frame from the client");
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) length = (length << 8) | readByte();
                if (length < 0) throw fail(CLOSE_PROTOCOL_ERROR, "frame length with the most significant bit set");
            }
            if (masked) {
                for (int i = 0; i < 4; i++) key[i] = (byte) readByte();
            }
            keyPos = 0;
            if (opcode >= 0x8) return control(opcode, fin, length);
            switch (opcode) {
                case OP_BINARY -> {
                    if (inMessage) throw fail(CLOSE_PROTOCOL_ERROR, "new message before the last one ended");
                    messageBytes = 0;
                }
                case OP_CONTINUATION -> {
                    if (!inMessage) throw fail(CLOSE_PROTOCOL_ERROR, "continuation frame outside a message");
                }
                case OP_TEXT -> throw fail(CLOSE_PROTOCOL_ERROR, "text message (the tunnel is binary)");
                default -> throw fail(CLOSE_PROTOCOL_ERROR, "unknown opcode " + opcode);
            }
            if (length > MAX_MESSAGE - messageBytes) throw fail(CLOSE_TOO_BIG, "message over " + MAX_MESSAGE + " bytes");
            messageBytes += length;
            inMessage = !fin;
            remaining = length;
            return true;
        }

        /** Answers a control frame; true to keep reading, false when it was a close. */
        private boolean control(int opcode, boolean fin, long length) throws IOException {
            if (!fin) throw fail(CLOSE_PROTOCOL_ERROR, "fragmented control frame");
            if (length > MAX_CONTROL) throw fail(CLOSE_PROTOCOL_ERROR, "control frame of " + length + " bytes (at most 125)");
            int n = (int) length;
            readFully(control, n);
            if (masked) mask(control, 0, control, 0, n, key, 0);
            switch (opcode) {
                case OP_PING -> {
                    writeLock.lock();
                    try {
                        if (!closeSent) {
                            writeFrameLocked(OP_PONG, control, 0, n);
                            rawOut.flush();
                        }
                    } finally {
                        writeLock.unlock();
                    }
                    return true;
                }
                case OP_PONG -> {
                    return true;
                }
                case OP_CLOSE -> {
                    if (n == 1) throw fail(CLOSE_PROTOCOL_ERROR, "close frame with a 1-byte payload");
                    int code = n >= 2 ? ((control[0] & 0xff) << 8) | (control[1] & 0xff) : CLOSE_NORMAL;
                    if (!sendableCloseCode(code)) throw fail(CLOSE_PROTOCOL_ERROR, "close code " + code + " is not one a peer may send");
                    // the close handshake: echo the peer's code, then the input ends
                    sendClose(code, "", -1);
                    ended = true;
                    return false;
                }
                default -> throw fail(CLOSE_PROTOCOL_ERROR, "unknown control opcode " + opcode);
            }
        }

        private int readByte() throws IOException {
            int b = raw.read();
            if (b < 0) throw new EOFException("connection cut inside a WebSocket frame header");
            return b;
        }

        private void readFully(byte[] b, int n) throws IOException {
            int off = 0;
            while (off < n) {
                int r = raw.read(b, off, n - off);
                if (r < 0) throw new EOFException("connection cut inside a WebSocket control frame");
                off += r;
            }
        }

        private ProtocolException fail(int code, String why) {
            closeCode = code;
            sendClose(code, why, 0);
            ended = true;
            return new ProtocolException("WebSocket: " + why);
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** Each write goes out as binary frames of at most {@link #MAX_FRAME_OUT} bytes. Writer thread only. */
    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, MAX_FRAME_OUT);
                writeFrame(OP_BINARY, b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            rawOut.flush();
        }

        @Override
        public void close() {
            WebSocketConduit.this.close();
        }
    }
}
