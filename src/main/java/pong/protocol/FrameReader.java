package pong.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a tunnel connection. Used by the tunnel's reader thread only.
 */
public final class FrameReader {
    private final DataInputStream in;

    public FrameReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /**
     * The next frame, or null when the connection ended cleanly between frames.
     *
     * @throws ProtocolException on a length field outside 7..65507
     * @throws EOFException when the connection ends inside a frame
     */
    public Frame read() throws IOException {
        int hi = in.read();
        if (hi < 0) return null;
        int lo = in.read();
        if (lo < 0) throw new EOFException("connection ended inside a frame header");
        int len = (hi << 8) | lo;
        if (len < Frame.HEADER_LENGTH) {
            throw new ProtocolException("frame length " + len + " is shorter than the 7-byte header");
        }
        if (len > Frame.MAX_LENGTH) {
            throw new ProtocolException("frame length " + len + " exceeds " + Frame.MAX_LENGTH);
        }
        int streamId = in.readInt();
        byte type = in.readByte();
        byte[] payload = new byte[len - Frame.HEADER_LENGTH];
        in.readFully(payload);
        return new Frame(streamId, type, payload);
    }
}
