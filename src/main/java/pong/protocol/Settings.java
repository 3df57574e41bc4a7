package pong.protocol;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload of a set frame on stream 0: a list of {@code key(2) | length(2) | value} entries,
 * all big-endian. Receivers skip keys they do not know, so more settings can be added later
 * without breaking older peers (docs/extensions.md).
 */
public final class Settings {
    /** Announces our extensions; the value is one byte, the extension version (1). */
    public static final int KEY_EXTENSIONS = 0x0001;
    /** Send credit (u32) the peer starts with on every stream the peer opens. */
    public static final int KEY_INITIAL_WINDOW = 0x0002;
    /**
     * Whether the announcer wants {@code connected} frames for the streams it opens: one byte, 1 yes,
     * 0 no. Absent means yes. Local says no unless socks.confirm is on: an unused confirmation costs a
     * TLS record and a wake-up of its reader for every stream opened.
     */
    public static final int KEY_CONNECT_CONFIRM = 0x0003;

    /**
     * Whether the announcer understands the drain frame: one byte, 1 yes. Absent (or anything else)
     * means no, and the other side then never sends one.
     */
    public static final int KEY_DRAIN = 0x0004;

    public static final int EXTENSIONS_VERSION = 1;

    private final Map<Integer, byte[]> entries;

    private Settings(Map<Integer, byte[]> entries) {
        this.entries = entries;
    }

    public static Settings announce(int initialWindow) {
        Map<Integer, byte[]> m = new LinkedHashMap<>();
        m.put(KEY_EXTENSIONS, new byte[] {EXTENSIONS_VERSION});
        m.put(KEY_INITIAL_WINDOW, ByteBuffer.allocate(4).putInt(initialWindow).array());
        return new Settings(m);
    }

    /** Local's announcement: also says whether it wants connect confirmations. */
    public static Settings announce(int initialWindow, boolean connectConfirm) {
        Settings s = announce(initialWindow);
        s.entries.put(KEY_CONNECT_CONFIRM, new byte[] {(byte) (connectConfirm ? 1 : 0)});
        return s;
    }

    /** The same announcement, also saying that the drain frame is understood. */
    public Settings withDrain() {
        entries.put(KEY_DRAIN, new byte[] {1});
        return this;
    }

    /** True when the announcer understands the drain frame. */
    public boolean understandsDrain() {
        byte[] v = entries.get(KEY_DRAIN);
        return v != null && v.length == 1 && v[0] == 1;
    }

    /** @throws ProtocolException when an entry runs past the payload */
    public static Settings decode(byte[] payload) throws ProtocolException {
        Map<Integer, byte[]> m = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(payload);
        while (b.hasRemaining()) {
            if (b.remaining() < 4) throw new ProtocolException("set frame: truncated entry");
            int key = b.getShort() & 0xffff;
            int len = b.getShort() & 0xffff;
            if (b.remaining() < len) throw new ProtocolException("set frame: entry " + key + " runs past the frame");
            byte[] v = new byte[len];
            b.get(v);
            m.put(key, v);
        }
        return new Settings(m);
    }

    public byte[] encode() {
        int n = 0;
        for (byte[] v : entries.values()) n += 4 + v.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        entries.forEach((k, v) -> b.putShort((short) (int) k).putShort((short) v.length).put(v));
        return b.array();
    }

    /** The extension version the peer announced, or 0 when it announced none. */
    public int extensionsVersion() {
        byte[] v = entries.get(KEY_EXTENSIONS);
        return v == null || v.length < 1 ? 0 : v[0] & 0xff;
    }

    /** False only when the peer said it wants no {@code connected} frames. */
    public boolean wantsConnectConfirm() {
        byte[] v = entries.get(KEY_CONNECT_CONFIRM);
        return v == null || v.length != 1 || v[0] != 0;
    }

    /** The announced initial window, or the fallback when absent or malformed. */
    public int initialWindow(int fallback) {
        byte[] v = entries.get(KEY_INITIAL_WINDOW);
        if (v == null || v.length != 4) return fallback;
        int w = ByteBuffer.wrap(v).getInt();
        return w < 0 ? fallback : w;
    }
}
