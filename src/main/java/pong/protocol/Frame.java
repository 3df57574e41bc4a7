package pong.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One frame as on the wire: {@code len(2) | stream id(4) | type(1) | payload}. The type is kept as
 * the raw byte so that frames of types we do not know can still be read and answered.
 *
 * <p>Immutable once built; the payload array is owned by the frame and must not be changed.
 */
public record Frame(int streamId, byte type, byte[] payload) {
    public static final int HEADER_LENGTH = 7;
    public static final int MAX_PAYLOAD = 65500;
    public static final int MAX_LENGTH = HEADER_LENGTH + MAX_PAYLOAD;
    /** Stream id 0 never names a stream; connection-level frames use it. */
    public static final int CONNECTION_STREAM = 0;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (payload == null) payload = EMPTY;
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
    }

    public Frame(int streamId, FrameType type, byte[] payload) {
        this(streamId, type.code, payload);
    }

    public Frame(int streamId, FrameType type) {
        this(streamId, type.code, EMPTY);
    }

    /** The known type, or null for a type this implementation does not know. */
    public FrameType frameType() {
        return FrameType.of(type);
    }

    public int length() {
        return HEADER_LENGTH + payload.length;
    }

    /** An rst frame; the text is left out when empty (peers that crash on long payloads get only the code). */
    public static Frame rst(int streamId, ErrorCode code, String text) {
        byte[] t = text == null ? EMPTY : text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(t.length, MAX_PAYLOAD - 1);
        byte[] p = new byte[1 + n];
        p[0] = code.code;
        System.arraycopy(t, 0, p, 1, n);
        return new Frame(streamId, FrameType.RST, p);
    }

    @Override
    public String toString() {
        FrameType t = frameType();
        return "Frame[stream " + streamId + ", " + (t == null ? String.format("type 0x%02x", type) : t)
                + ", " + payload.length + " bytes]";
    }
}
