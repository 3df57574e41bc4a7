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
    RST(0x09);

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

    /** Types that open a stream (a command frame carrying a SOCKS5 address). */
    public boolean opensStream() {
        return this == CONNECT || this == BIND || this == ASSOCIATE || this == RELAY;
    }
}
