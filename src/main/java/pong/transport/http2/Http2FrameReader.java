package pong.transport.http2;

import static pong.transport.http2.Http2Frame.FLAG_ACK;
import static pong.transport.http2.Http2Frame.FLAG_END_HEADERS;
import static pong.transport.http2.Http2Frame.FLAG_END_STREAM;
import static pong.transport.http2.Http2Frame.FLAG_PADDED;
import static pong.transport.http2.Http2Frame.FLAG_PRIORITY;
import static pong.transport.http2.Http2Frame.HEADER_LENGTH;
import static pong.transport.http2.Http2Frame.MAX_MAX_FRAME_SIZE;
import static pong.transport.http2.Http2Frame.MAX_WINDOW;
import static pong.transport.http2.Http2Frame.MIN_MAX_FRAME_SIZE;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/2 frames (RFC 9113 section 4 and 6) from a byte stream and checks what a frame alone can tell:
 * lengths, stream 0 or not, padding. Stream state and flow control are the connection's business.
 * Padding is stripped, PRIORITY (frame and HEADERS field) is read and dropped, and a HEADERS or PUSH_PROMISE
 * frame is returned only with all its CONTINUATION frames joined to it (RFC 9113 section 6.10: nothing may
 * come between them).
 *
 * <p>Limits: a frame longer than {@link #maxFrameSize} is a FRAME_SIZE_ERROR before any payload is read;
 * a joined header block longer than {@code maxHeaderBlock} or split into more than {@link #MAX_CONTINUATIONS}
 * frames is ENHANCE_YOUR_CALM (a CONTINUATION stream without end would otherwise pin the connection).
 *
 * <p>Threading: one reader thread; {@link #maxFrameSize(int)} from that same thread.
 */
public final class Http2FrameReader {
    /** CONTINUATION frames allowed after one HEADERS frame; empty ones cost nothing else, so count them. */
    public static final int MAX_CONTINUATIONS = 64;

    private final InputStream in;
    private final int maxHeaderBlock;
    private final byte[] header = new byte[HEADER_LENGTH];
    private int maxFrameSize;

    public Http2FrameReader(InputStream in, int maxFrameSize, int maxHeaderBlock) {
        this.in = in;
        this.maxHeaderBlock = maxHeaderBlock;
        maxFrameSize(maxFrameSize);
    }

    /** The largest payload accepted from now on (what we announced as SETTINGS_MAX_FRAME_SIZE). */
    public void maxFrameSize(int size) {
        if (size < MIN_MAX_FRAME_SIZE || size > MAX_MAX_FRAME_SIZE) throw new IllegalArgumentException("max frame size " + size);
        this.maxFrameSize = size;
    }

    /** The next frame, or null if the stream ended cleanly between frames. */
    public Http2Frame read() throws IOException {
        while (true) {
            if (!readHeader(true)) return null;
            int length = length();
            int type = header[3] & 0xff;
            int flags = header[4] & 0xff;
            int stream = streamId();
            byte[] payload = payload(length);
            Http2Frame f = parse(type, flags, stream, payload);
            if (f != null) return f;
        }
    }

    private Http2Frame parse(int type, int flags, int stream, byte[] p) throws IOException {
        return switch (type) {
            case Http2Frame.TYPE_DATA -> {
                requireStream(stream, "DATA");
                byte[] data = unpad(flags, p, 0, stream);
                yield new Http2Frame.Data(stream, data, (flags & FLAG_END_STREAM) != 0, p.length);
            }
            case Http2Frame.TYPE_HEADERS -> {
                requireStream(stream, "HEADERS");
                int skip = (flags & FLAG_PRIORITY) != 0 ? 5 : 0;
                byte[] fragment = unpad(flags, p, skip, stream);
                byte[] block = (flags & FLAG_END_HEADERS) != 0 ? fragment : continuations(stream, fragment);
                yield new Http2Frame.Headers(stream, block, (flags & FLAG_END_STREAM) != 0);
            }
            case Http2Frame.TYPE_PRIORITY -> {
                requireStream(stream, "PRIORITY");
                if (p.length != 5) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, stream, "PRIORITY of " + p.length + " bytes");
                yield new Http2Frame.Priority(stream);
            }
            case Http2Frame.TYPE_RST_STREAM -> {
                requireStream(stream, "RST_STREAM");
                if (p.length != 4) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "RST_STREAM of " + p.length + " bytes");
                yield new Http2Frame.RstStream(stream, Http2Error.of(int32(p, 0)));
            }
            case Http2Frame.TYPE_SETTINGS -> settings(flags, stream, p);
            case Http2Frame.TYPE_PUSH_PROMISE -> {
                requireStream(stream, "PUSH_PROMISE");
                byte[] rest = unpad(flags, p, 0, stream);
                if (rest.length < 4) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "PUSH_PROMISE of " + p.length + " bytes");
                int promised = int32(rest, 0) & MAX_WINDOW;
                byte[] fragment = Arrays.copyOfRange(rest, 4, rest.length);
                byte[] block = (flags & FLAG_END_HEADERS) != 0 ? fragment : continuations(stream, fragment);
                yield new Http2Frame.PushPromise(stream, promised, block);
            }
            case Http2Frame.TYPE_PING -> {
                requireConnection(stream, "PING");
                if (p.length != 8) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "PING of " + p.length + " bytes");
                yield new Http2Frame.Ping((flags & FLAG_ACK) != 0, ((long) int32(p, 0) << 32) | (int32(p, 4) & 0xffffffffL));
            }
            case Http2Frame.TYPE_GOAWAY -> {
                requireConnection(stream, "GOAWAY");
                if (p.length < 8) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "GOAWAY of " + p.length + " bytes");
                yield new Http2Frame.GoAway(int32(p, 0) & MAX_WINDOW, Http2Error.of(int32(p, 4)), Arrays.copyOfRange(p, 8, p.length));
            }
            case Http2Frame.TYPE_WINDOW_UPDATE -> {
                if (p.length != 4) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "WINDOW_UPDATE of " + p.length + " bytes");
                int increment = int32(p, 0) & MAX_WINDOW;
                if (increment == 0) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, stream, "WINDOW_UPDATE of 0");
                yield new Http2Frame.WindowUpdate(stream, increment);
            }
            case Http2Frame.TYPE_CONTINUATION -> throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "CONTINUATION without HEADERS");
            default -> new Http2Frame.Unknown(stream, type);
        };
    }

    private static Http2Frame settings(int flags, int stream, byte[] p) throws Http2Exception {
        requireConnection(stream, "SETTINGS");
        boolean ack = (flags & FLAG_ACK) != 0;
        if (ack && p.length != 0) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
        if (p.length % 6 != 0) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "SETTINGS of " + p.length + " bytes");
        List<Http2Frame.Setting> values = new ArrayList<>(p.length / 6);
        for (int i = 0; i < p.length; i += 6) {
            int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
            long value = int32(p, i + 2) & 0xffffffffL;
            switch (id) {
                case Http2Frame.Setting.ENABLE_PUSH -> {
                    if (value > 1) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH " + value);
                }
                case Http2Frame.Setting.INITIAL_WINDOW_SIZE -> {
                    if (value > MAX_WINDOW) throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE " + value);
                }
                case Http2Frame.Setting.MAX_FRAME_SIZE -> {
                    if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                        throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE " + value);
                    }
                }
                default -> {
                    // others carry no rule here; unknown ids are ignored (RFC 9113 section 6.5.2)
                }
            }
            values.add(new Http2Frame.Setting(id, value));
        }
        return new Http2Frame.Settings(ack, List.copyOf(values));
    }

    /** Reads the CONTINUATION frames that complete a header block. */
    private byte[] continuations(int stream, byte[] first) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream(first.length * 2);
        block.writeBytes(first);
        for (int n = 0; ; n++) {
            if (n >= MAX_CONTINUATIONS) throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "more than " + MAX_CONTINUATIONS + " CONTINUATION frames");
            readHeader(false);
            int length = length();
            if ((header[3] & 0xff) != Http2Frame.TYPE_CONTINUATION || streamId() != stream) {
                throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "header block of stream " + stream + " interrupted by another frame");
            }
            if (block.size() + (long) length > maxHeaderBlock) {
                throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "header block over " + maxHeaderBlock + " bytes");
            }
            block.writeBytes(payload(length));
            if ((header[4] & FLAG_END_HEADERS) != 0) return block.toByteArray();
        }
    }

    private static byte[] unpad(int flags, byte[] p, int skip, int stream) throws Http2Exception {
        if ((flags & FLAG_PADDED) == 0) {
            if (skip == 0) return p;
            if (p.length < skip) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "frame too short for its fields");
            return Arrays.copyOfRange(p, skip, p.length);
        }
        if (p.length < 1 + skip) throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "padded frame too short");
        int pad = p[0] & 0xff;
        int end = p.length - pad;
        if (end < 1 + skip) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "padding of " + pad + " bytes fills the frame on stream " + stream);
        return Arrays.copyOfRange(p, 1 + skip, end);
    }

    private static void requireStream(int stream, String type) throws Http2Exception {
        if (stream == 0) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, type + " on stream 0");
    }

    private static void requireConnection(int stream, String type) throws Http2Exception {
        if (stream != 0) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, type + " on stream " + stream);
    }

    /** Reads the 9-byte header; false at a clean end before its first byte when allowed. */
    private boolean readHeader(boolean endAllowed) throws IOException {
        int n = in.readNBytes(header, 0, HEADER_LENGTH);
        if (n == 0 && endAllowed) return false;
        if (n < HEADER_LENGTH) throw new EOFException("connection ended inside a frame header");
        int length = length();
        if (length > maxFrameSize) {
            throw new Http2Exception(Http2Error.FRAME_SIZE_ERROR, "frame of " + length + " bytes, limit " + maxFrameSize);
        }
        return true;
    }

    private byte[] payload(int length) throws IOException {
        byte[] p = in.readNBytes(length);
        if (p.length < length) throw new EOFException("connection ended inside a frame");
        return p;
    }

    private int length() {
        return ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
    }

    private int streamId() {
        return int32(header, 5) & MAX_WINDOW;
    }

    static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
