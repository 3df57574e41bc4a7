package pong.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes frames onto a tunnel connection. Not thread-safe: the tunnel's writer thread is its only user.
 * Frames are buffered by the given stream; {@link #flush()} pushes them out.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final byte[] header = new byte[Frame.HEADER_LENGTH];

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public void write(Frame frame) throws IOException {
        encodeHeader(frame.length(), frame.streamId(), frame.type(), header);
        out.write(header);
        out.write(frame.payload());
    }

    /**
     * Writes one frame whose payload is {@code len} bytes of {@code b} from {@code off}, without a
     * {@link Frame} for it: the bytes are copied out (or sent) before this returns, so the caller may
     * reuse the array at once.
     */
    public void write(int streamId, byte type, byte[] b, int off, int len) throws IOException {
        if (len > Frame.MAX_PAYLOAD) throw new IllegalArgumentException("payload of " + len + " bytes exceeds " + Frame.MAX_PAYLOAD);
        encodeHeader(Frame.HEADER_LENGTH + len, streamId, type, header);
        out.write(header);
        out.write(b, off, len);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** The whole frame as bytes; for tests and tools that build raw traffic. */
    public static byte[] encode(Frame frame) {
        byte[] b = new byte[frame.length()];
        encodeHeader(frame.length(), frame.streamId(), frame.type(), b);
        System.arraycopy(frame.payload(), 0, b, Frame.HEADER_LENGTH, frame.payload().length);
        return b;
    }

    private static void encodeHeader(int len, int id, byte type, byte[] b) {
        b[0] = (byte) (len >>> 8);
        b[1] = (byte) len;
        b[2] = (byte) (id >>> 24);
        b[3] = (byte) (id >>> 16);
        b[4] = (byte) (id >>> 8);
        b[5] = (byte) id;
        b[6] = type;
    }
}
