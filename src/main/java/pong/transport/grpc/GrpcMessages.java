package pong.transport.grpc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The gRPC wire form of a tunnel byte stream (docs/extensions.md, "gRPC wire form"): each chunk of tunnel
 * bytes travels as one length-prefixed gRPC message (compressed flag 0, 4-byte big-endian length) whose body
 * is a protobuf message with the chunk in field 1 ({@code bytes}): tag 0x0A, varint length, the bytes.
 * Written and parsed by hand: a few bytes do not need a protobuf library.
 *
 * <p>Threading: a {@link Writer} belongs to one writing thread, a {@link Reader} to one reading thread.
 */
public final class GrpcMessages {
    /** Compressed flag + 4-byte length. */
    public static final int PREFIX_LENGTH = 5;
    /** Protobuf key of field 1 with wire type 2 (length-delimited): (1 << 3) | 2. */
    public static final int FIELD_1_TAG = 0x0A;
    /** Prefix + tag + the longest varint a chunk length needs (5 bytes for 32 bits). */
    public static final int MAX_OVERHEAD = PREFIX_LENGTH + 1 + 5;

    private GrpcMessages() {
    }

    static int varintLength(int v) {
        int n = 1;
        while ((v & ~0x7f) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /**
     * Writes the framing of one message carrying a chunk of n bytes into dst at off; returns its length
     * (the chunk follows it directly).
     */
    public static int writeHeader(byte[] dst, int off, int n) {
        int body = 1 + varintLength(n) + n;
        dst[off] = 0; // not compressed
        dst[off + 1] = (byte) (body >>> 24);
        dst[off + 2] = (byte) (body >>> 16);
        dst[off + 3] = (byte) (body >>> 8);
        dst[off + 4] = (byte) body;
        dst[off + 5] = (byte) FIELD_1_TAG;
        int p = off + 6;
        int v = n;
        while ((v & ~0x7f) != 0) {
            dst[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        dst[p++] = (byte) v;
        return p - off;
    }

    /** Turns bytes written into gRPC messages of at most maxChunk tunnel bytes each, one write to out per message. */
    public static final class Writer extends OutputStream {
        private final OutputStream out;
        private final int maxChunk;
        private final byte[] buf;

        public Writer(OutputStream out, int maxChunk) {
            if (maxChunk < 1) throw new IllegalArgumentException("maxChunk " + maxChunk);
            this.out = out;
            this.maxChunk = maxChunk;
            this.buf = new byte[MAX_OVERHEAD + maxChunk];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, maxChunk);
                int h = writeHeader(buf, 0, n);
                System.arraycopy(b, off, buf, h, n);
                out.write(buf, 0, h + n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Reads gRPC messages and yields the tunnel bytes of their field 1. Other fields are skipped by wire type
     * (a newer peer may add some); protobuf's rule for a repeated non-repeated field holds: the last field 1
     * of a message counts. A compressed message, a message over maxMessage bytes, or a body that is not a
     * valid protobuf message is an {@link IOException}; the end of the input inside a message is an
     * {@link EOFException}, between messages the end of the byte stream.
     */
    public static final class Reader extends InputStream {
        private final InputStream in;
        private final int maxMessage;
        private final byte[] prefix = new byte[PREFIX_LENGTH];
        private byte[] message = new byte[256];
        /** The tunnel bytes of the current message: message[pos, end). */
        private int pos;
        private int end;
        private int varintEnd;

        public Reader(InputStream in, int maxMessage) {
            this.in = in;
            this.maxMessage = maxMessage;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos == end) {
                if (!nextMessage()) return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(message, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return end - pos;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private boolean nextMessage() throws IOException {
            int got = in.readNBytes(prefix, 0, PREFIX_LENGTH);
            if (got == 0) return false;
            if (got < PREFIX_LENGTH) throw new EOFException("gRPC stream ended inside a message prefix");
            if (prefix[0] != 0) throw new IOException("compressed gRPC message (flag " + (prefix[0] & 0xff) + "): not negotiated");
            long length = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8) | (prefix[4] & 0xff);
            if (length > maxMessage) throw new IOException("gRPC message of " + length + " bytes, limit " + maxMessage);
            int n = (int) length;
            if (message.length < n) message = new byte[Math.max(n, Math.min(2 * message.length, maxMessage))];
            if (in.readNBytes(message, 0, n) < n) throw new EOFException("gRPC stream ended inside a message");
            parse(n);
            return true;
        }

        /** Finds the last field 1 in message[0, n) and points pos/end at its bytes. */
        private void parse(int n) throws IOException {
            pos = 0;
            end = 0;
            int p = 0;
            while (p < n) {
                long key = varint(p, n);
                p = varintEnd;
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 0) throw new IOException("protobuf field number 0");
                switch (wire) {
                    case 0 -> {
                        varint(p, n);
                        p = varintEnd;
                    }
                    case 1 -> p = skip(p, 8, n);
                    case 5 -> p = skip(p, 4, n);
                    case 2 -> {
                        long len = varint(p, n);
                        p = varintEnd;
                        if (len < 0 || len > n - p) throw new IOException("protobuf field " + field + " runs past its message");
                        if (field == 1) {
                            pos = p;
                            end = p + (int) len;
                        }
                        p += (int) len;
                    }
                    default -> throw new IOException("protobuf wire type " + wire + " in a gRPC tunnel message");
                }
            }
        }

        /** Reads a varint at p; the position after it is left in varintEnd. */
        private long varint(int p, int n) throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= n) throw new IOException("protobuf varint runs past its message");
                int b = message[p++] & 0xff;
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    varintEnd = p;
                    return v;
                }
            }
            throw new IOException("protobuf varint longer than 10 bytes");
        }

        private static int skip(int p, int k, int n) throws IOException {
            if (k > n - p) throw new IOException("protobuf field runs past its message");
            return p + k;
        }
    }
}
