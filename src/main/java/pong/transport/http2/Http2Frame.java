package pong.transport.http2;

import java.util.List;

/**
 * One HTTP/2 frame as {@link Http2FrameReader} hands it on (RFC 9113 section 6): padding already stripped,
 * PRIORITY fields of HEADERS dropped, CONTINUATION frames joined into their HEADERS or PUSH_PROMISE block.
 * Immutable; arrays are owned by the frame and not copied.
 */
public sealed interface Http2Frame {
    int TYPE_DATA = 0x0;
    int TYPE_HEADERS = 0x1;
    int TYPE_PRIORITY = 0x2;
    int TYPE_RST_STREAM = 0x3;
    int TYPE_SETTINGS = 0x4;
    int TYPE_PUSH_PROMISE = 0x5;
    int TYPE_PING = 0x6;
    int TYPE_GOAWAY = 0x7;
    int TYPE_WINDOW_UPDATE = 0x8;
    int TYPE_CONTINUATION = 0x9;

    int FLAG_END_STREAM = 0x1;
    int FLAG_ACK = 0x1;
    int FLAG_END_HEADERS = 0x4;
    int FLAG_PADDED = 0x8;
    int FLAG_PRIORITY = 0x20;

    /** Frame header: 24-bit length, type, flags, reserved bit + 31-bit stream id. */
    int HEADER_LENGTH = 9;
    /** The initial SETTINGS_MAX_FRAME_SIZE and the smallest value a peer may announce. */
    int MIN_MAX_FRAME_SIZE = 16_384;
    /** The largest SETTINGS_MAX_FRAME_SIZE (2^24-1). */
    int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** The largest flow-control window (2^31-1). */
    int MAX_WINDOW = Integer.MAX_VALUE;
    /** The initial window of the connection and of every stream until SETTINGS change it. */
    int DEFAULT_WINDOW = 65_535;

    /** The stream the frame belongs to, 0 for connection frames. */
    int stream();

    /** @param flowLength the whole payload as flow control counts it (data + padding + pad length byte) */
    record Data(int stream, byte[] data, boolean endStream, int flowLength) implements Http2Frame {
    }

    /** @param block the complete header block fragment after joining CONTINUATION frames */
    record Headers(int stream, byte[] block, boolean endStream) implements Http2Frame {
    }

    record Priority(int stream) implements Http2Frame {
    }

    record RstStream(int stream, Http2Error error) implements Http2Frame {
    }

    record Settings(boolean ack, List<Setting> values) implements Http2Frame {
        public int stream() {
            return 0;
        }
    }

    /** One SETTINGS parameter; value is the unsigned 32-bit wire value. */
    record Setting(int id, long value) {
        public static final int HEADER_TABLE_SIZE = 0x1;
        public static final int ENABLE_PUSH = 0x2;
        public static final int MAX_CONCURRENT_STREAMS = 0x3;
        public static final int INITIAL_WINDOW_SIZE = 0x4;
        public static final int MAX_FRAME_SIZE = 0x5;
        public static final int MAX_HEADER_LIST_SIZE = 0x6;
    }

    record PushPromise(int stream, int promised, byte[] block) implements Http2Frame {
    }

    record Ping(boolean ack, long payload) implements Http2Frame {
        public int stream() {
            return 0;
        }
    }

    record GoAway(int lastStream, Http2Error error, byte[] debug) implements Http2Frame {
        public int stream() {
            return 0;
        }
    }

    record WindowUpdate(int stream, int increment) implements Http2Frame {
    }

    /** A frame of a type this implementation does not know; RFC 9113 section 4.1 says to ignore it. */
    record Unknown(int stream, int type) implements Http2Frame {
    }
}
