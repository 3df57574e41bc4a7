package pong.protocol;

/**
 * Frame types, with the codes and names of the pong spec. The codes above {@link #RST} are
 * our extensions (docs/extensions.md); they are sent only to a peer that announced them.
 */
public enum FrameType {
    DATA(0x00),
    CONNECT(0x01),
    BIND(0x02),
    ASSOCIATE(0x03),
    RELAY(0x05),
    SET(0x06),
    FINISH(0x07),
    CLOSE(0x08),
    RST(0x09),
    /** Extension: grants the peer more send credit on a stream (docs/extensions.md). */
    WINDOW(0x0A),
    /** Extension: liveness probe on stream 0; answered with PONG carrying the same payload. */
    PING(0x0B),
    PONG(0x0C),
    /** Extension: remote's destination is connected (sent before any data of the stream). */
    CONNECTED(0x0D),
    /**
     * Extension, on stream 0: the sender is going away. From remote it carries the highest stream id it
     * accepted (streams above it are never dialed and may be opened again elsewhere); from local, 0.
     */
    DRAIN(0x0E);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) BY_CODE[t.code] = t;
    }

    public final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    /** The type with this code, or null when the code is not one we know. */
    public static FrameType of(byte code) {
        return BY_CODE[code & 0xff];
    }

    /** Our extension types: unknown types for a peer that has not announced the extension. */
    public boolean isExtension() {
        return (code & 0xff) > RST.code;
    }

    /** Types that open a stream (a command frame carrying a SOCKS5 address). */
    public boolean opensStream() {
        return this == CONNECT || this == BIND || this == ASSOCIATE || this == RELAY;
    }
}
