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
    /** The header bytes of the frame being read, reused: a header costs no allocation and at most two reads. */
    private final byte[] header = new byte[Frame.HEADER_LENGTH];
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
        int got = in.read(header, 0, 2);
        if (got < 0) return false;
        fillHeader(got, 2);
        int len = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
        if (len < Frame.HEADER_LENGTH) {
            throw new ProtocolException("frame length " + len + " is shorter than the 7-byte header");
        }
        if (len > Frame.MAX_LENGTH) {
            throw new ProtocolException("frame length " + len + " exceeds " + Frame.MAX_LENGTH);
        }
        fillHeader(2, Frame.HEADER_LENGTH); // the length is judged before the rest of the header arrives
        streamId = ((header[2] & 0xff) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        type = header[6];
        payloadLength = len - Frame.HEADER_LENGTH;
        payloadLeft = true;
        return true;
    }

    /** Reads header bytes {@code from} up to {@code to}; the connection may not end before. */
    private void fillHeader(int from, int to) throws IOException {
        while (from < to) {
            int n = in.read(header, from, to - from);
            if (n < 0) throw new EOFException("connection ended inside a frame header");
            from += n;
        }
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
