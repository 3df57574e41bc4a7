package pong.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import pong.protocol.Frame;
import pong.protocol.FrameType;

/**
 * What pong-go does on the wire, as recorded in the spec folder's NOTES.md, shared by the two scripted
 * peers ({@link GoRemotePeer}, {@link GoLocalPeer}). Stateless.
 */
final class PongGo {
    /** Largest data payload pong-go sends (one frame per socket read). */
    static final int MAX_DATA = 8096;
    /** pong-go's local opens another tunnel connection once this many streams are live on one. */
    static final int STREAMS_PER_CONNECTION = 30;
    /** pong-go's own code for "timeout": its remote answers a finish with rst 16. */
    static final byte RST_TIMEOUT = 16;
    /** pong-go's code for an unknown command; the same number as the spec's. */
    static final byte RST_UNKNOWN_COMMAND = 7;
    /** Longest payload of a non-data frame on a live stream that pong-go survives. */
    static final int MAX_COMMAND_PAYLOAD = 7;

    private PongGo() {
    }

    /** True for a frame on a live stream that makes the real pong-go exit. */
    static boolean crashes(Frame frame) {
        return frame.type() != FrameType.DATA.code && frame.payload().length > MAX_COMMAND_PAYLOAD;
    }

    /** The next chunk of a socket as pong-go reads it (at most 8096 bytes), or null at EOF. */
    static byte[] readChunk(InputStream in, byte[] buf) throws IOException {
        int n = in.read(buf, 0, MAX_DATA);
        return n < 0 ? null : Arrays.copyOf(buf, n);
    }

    /** Reads one HTTP/1.1 head up to its blank line, byte by byte (nothing after it), as ISO-8859-1 text with its CRLFs. */
    static String readHttpHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new EOFException("closed inside an HTTP head");
            if (head.length() > 16 * 1024) throw new IOException("HTTP head too long");
            head.append((char) b);
        }
        return head.toString();
    }

    static Frame data(int streamId, byte[] chunk) {
        return new Frame(streamId, FrameType.DATA, chunk);
    }

    static Frame rst(int streamId, byte code) {
        return new Frame(streamId, FrameType.RST, new byte[] {code});
    }
}
