package pong.transport.http2;

import static pong.transport.http2.Http2Frame.FLAG_ACK;
import static pong.transport.http2.Http2Frame.FLAG_END_HEADERS;
import static pong.transport.http2.Http2Frame.FLAG_END_STREAM;
import static pong.transport.http2.Http2Frame.HEADER_LENGTH;
import static pong.transport.http2.Http2Frame.MAX_MAX_FRAME_SIZE;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes HTTP/2 frames (RFC 9113 section 6) to a byte stream; header blocks larger than the peer's
 * SETTINGS_MAX_FRAME_SIZE are split into HEADERS + CONTINUATION. Writes no padding and no priority.
 *
 * <p>Threading: not thread-safe; one writer thread owns it (the connection's writer serializes frames).
 */
public final class Http2FrameWriter {
    private final OutputStream out;
    private final byte[] header = new byte[HEADER_LENGTH];
    private final byte[] small = new byte[8];

    /** @param out best buffered: every frame is two writes */
    public Http2FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Any frame as given, unchecked (also for tests that must send what a broken peer would). */
    public void frame(int type, int flags, int stream, byte[] payload, int off, int len) throws IOException {
        if (len < 0 || len > MAX_MAX_FRAME_SIZE) throw new IllegalArgumentException("frame length " + len);
        header[0] = (byte) (len >>> 16);
        header[1] = (byte) (len >>> 8);
        header[2] = (byte) len;
        header[3] = (byte) type;
        header[4] = (byte) flags;
        putInt(header, 5, stream);
        out.write(header);
        if (len > 0) out.write(payload, off, len);
    }

    public void data(int stream, byte[] b, int off, int len, boolean endStream) throws IOException {
        frame(Http2Frame.TYPE_DATA, endStream ? FLAG_END_STREAM : 0, stream, b, off, len);
    }

    /** A whole header block, in pieces of at most maxFrameSize bytes. */
    public void headers(int stream, byte[] block, boolean endStream, int maxFrameSize) throws IOException {
        int first = Math.min(block.length, maxFrameSize);
        int flags = (endStream ? FLAG_END_STREAM : 0) | (first == block.length ? FLAG_END_HEADERS : 0);
        frame(Http2Frame.TYPE_HEADERS, flags, stream, block, 0, first);
        for (int off = first; off < block.length; ) {
            int n = Math.min(block.length - off, maxFrameSize);
            frame(Http2Frame.TYPE_CONTINUATION, off + n == block.length ? FLAG_END_HEADERS : 0, stream, block, off, n);
            off += n;
        }
    }

    public void rstStream(int stream, Http2Error error) throws IOException {
        putInt(small, 0, error.code());
        frame(Http2Frame.TYPE_RST_STREAM, 0, stream, small, 0, 4);
    }

    public void settings(List<Http2Frame.Setting> values) throws IOException {
        byte[] p = new byte[values.size() * 6];
        int i = 0;
        for (Http2Frame.Setting s : values) {
            p[i] = (byte) (s.id() >>> 8);
            p[i + 1] = (byte) s.id();
            putInt(p, i + 2, (int) s.value());
            i += 6;
        }
        frame(Http2Frame.TYPE_SETTINGS, 0, 0, p, 0, p.length);
    }

    public void settingsAck() throws IOException {
        frame(Http2Frame.TYPE_SETTINGS, FLAG_ACK, 0, small, 0, 0);
    }

    public void ping(boolean ack, long payload) throws IOException {
        putInt(small, 0, (int) (payload >>> 32));
        putInt(small, 4, (int) payload);
        frame(Http2Frame.TYPE_PING, ack ? FLAG_ACK : 0, 0, small, 0, 8);
    }

    public void goAway(int lastStream, Http2Error error, byte[] debug) throws IOException {
        byte[] p = new byte[8 + debug.length];
        putInt(p, 0, lastStream);
        putInt(p, 4, error.code());
        System.arraycopy(debug, 0, p, 8, debug.length);
        frame(Http2Frame.TYPE_GOAWAY, 0, 0, p, 0, p.length);
    }

    public void windowUpdate(int stream, int increment) throws IOException {
        putInt(small, 0, increment);
        frame(Http2Frame.TYPE_WINDOW_UPDATE, 0, stream, small, 0, 4);
    }

    public void flush() throws IOException {
        out.flush();
    }

    private static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
