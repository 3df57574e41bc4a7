package pong.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a tunnel connection, either whole ({@link #read()}) or header first
 * ({@link #readHeader()}) and then the payload into an array of the caller's choosing
 * ({@link #readPayload}), so that a data frame's bytes can go straight where they are kept without an
 * array of their own. Used by the tunnel's reader thread only.
 */
public final class FrameReader {
    private final DataInputStream in;
    /** The current frame's header; its payload is still to be read while {@code payloadLeft} is set. */
    private int streamId;
    private byte type;
    private int payloadLength;
    private boolean payloadLeft;

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
        if (!readHeader()) return null;
        return readRest();
    }

    /** The payload of the frame whose header {@link #readHeader()} read, as a frame of its own. */
    public Frame readRest() throws IOException {
        byte[] payload = new byte[payloadLength];
        readPayload(payload, 0);
        return new Frame(streamId, type, payload);
    }

    /**
     * Reads the next frame's header; false when the connection ended cleanly between frames. The
     * payload ({@link #payloadLength()} bytes) must be read next, by {@link #readPayload} or {@link #readRest}.
     *
     * @throws ProtocolException on a length field outside 7..65507
     * @throws EOFException when the connection ends inside a frame
     */
    public boolean readHeader() throws IOException {
        if (payloadLeft) throw new IllegalStateException("the last frame's payload was not read");
        int hi = in.read();
        if (hi < 0) return false;
        int lo = in.read();
        if (lo < 0) throw new EOFException("connection ended inside a frame header");
        int len = (hi << 8) | lo;
        if (len < Frame.HEADER_LENGTH) {
            throw new ProtocolException("frame length " + len + " is shorter than the 7-byte header");
        }
        if (len > Frame.MAX_LENGTH) {
            throw new ProtocolException("frame length " + len + " exceeds " + Frame.MAX_LENGTH);
        }
        streamId = in.readInt();
        type = in.readByte();
        payloadLength = len - Frame.HEADER_LENGTH;
        payloadLeft = true;
        return true;
    }

    public int streamId() {
        return streamId;
    }

    /** The raw type byte of the current frame. */
    public byte type() {
        return type;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Reads past the current frame's payload. */
    public void skipPayload() throws IOException {
        if (!payloadLeft) throw new IllegalStateException("no frame header read");
        payloadLeft = false;
        in.skipNBytes(payloadLength);
    }

    /** Reads the current frame's whole payload into {@code b} at {@code off}. */
    public void readPayload(byte[] b, int off) throws IOException {
        if (!payloadLeft) throw new IllegalStateException("no frame header read");
        payloadLeft = false;
        in.readFully(b, off, payloadLength);
    }
}
