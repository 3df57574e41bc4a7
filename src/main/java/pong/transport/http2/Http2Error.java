package pong.transport.http2;

/** The error codes of RFC 9113 section 7, carried by RST_STREAM and GOAWAY. Unknown codes read as {@link #UNKNOWN}. */
public enum Http2Error {
    NO_ERROR(0x0),
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    FLOW_CONTROL_ERROR(0x3),
    SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5),
    FRAME_SIZE_ERROR(0x6),
    REFUSED_STREAM(0x7),
    CANCEL(0x8),
    COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa),
    ENHANCE_YOUR_CALM(0xb),
    INADEQUATE_SECURITY(0xc),
    HTTP_1_1_REQUIRED(0xd),
    /** A code this version does not know; RFC 9113 section 7 says to treat it as INTERNAL_ERROR, we keep it apart for logs. */
    UNKNOWN(-1);

    private final int code;

    Http2Error(int code) {
        this.code = code;
    }

    /** The 32-bit wire value ({@link #UNKNOWN} writes as INTERNAL_ERROR). */
    public int code() {
        return this == UNKNOWN ? INTERNAL_ERROR.code : code;
    }

    public static Http2Error of(int code) {
        for (Http2Error e : values()) {
            if (e.code == code) return e;
        }
        return UNKNOWN;
    }
}
