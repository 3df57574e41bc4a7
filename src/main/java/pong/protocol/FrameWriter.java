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
        encodeHeader(frame, header);
        out.write(header);
        out.write(frame.payload());
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** The whole frame as bytes; for tests and tools that build raw traffic. */
    public static byte[] encode(Frame frame) {
        byte[] b = new byte[frame.length()];
        encodeHeader(frame, b);
        System.arraycopy(frame.payload(), 0, b, Frame.HEADER_LENGTH, frame.payload().length);
        return b;
    }

    private static void encodeHeader(Frame frame, byte[] b) {
        int len = frame.length();
        int id = frame.streamId();
        b[0] = (byte) (len >>> 8);
        b[1] = (byte) len;
        b[2] = (byte) (id >>> 24);
        b[3] = (byte) (id >>> 16);
        b[4] = (byte) (id >>> 8);
        b[5] = (byte) id;
        b[6] = frame.type();
    }
}
