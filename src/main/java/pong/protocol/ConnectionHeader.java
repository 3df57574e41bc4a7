package pong.protocol;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.UUID;

/** The 17 bytes local sends first on a tunnel connection: version, then the client id (RFC 4122 byte order). */
public record ConnectionHeader(int version, UUID clientId) {
    public static final int LENGTH = 17;
    public static final int VERSION = 0;

    public static ConnectionHeader of(UUID clientId) {
        return new ConnectionHeader(VERSION, clientId);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH)
                .put((byte) version)
                .putLong(clientId.getMostSignificantBits())
                .putLong(clientId.getLeastSignificantBits())
                .array();
    }

    /** The raw 16 client-id bytes, for constant-time comparison. */
    public static byte[] idBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    public static ConnectionHeader read(InputStream in) throws IOException {
        byte[] b = new byte[LENGTH];
        new DataInputStream(in).readFully(b);
        ByteBuffer buf = ByteBuffer.wrap(b);
        int version = buf.get() & 0xff;
        return new ConnectionHeader(version, new UUID(buf.getLong(), buf.getLong()));
    }
}
