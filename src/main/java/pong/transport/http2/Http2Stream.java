package pong.transport.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream as a bidirectional byte stream: the peer's header block, a body {@link #input()}, a body
 * {@link #output()}, trailers either way, and {@link #reset} for an abort. Ending the output sends END_STREAM;
 * an error on this stream ends it with RST_STREAM and touches no other stream of the connection.
 *
 * <p>Threading: at most one thread reads {@link #input()} and at most one writes {@link #output()} (and sends
 * headers or trailers); {@link #reset} from any thread. All state below is guarded by the connection's lock;
 * {@link #readable} and {@link #writable} are conditions of that lock.
 */
public final class Http2Stream {
    private final Http2Connection conn;
    private final int id;
    final Condition readable;
    final Condition writable;

    // guarded by conn.lock
    StreamState state = StreamState.OPEN;
    long sendWindow;
    /** Bytes the peer may still send before it must wait for a WINDOW_UPDATE. */
    long recvWindow;
    /** Bytes read by the application and not yet given back to the peer. */
    int unacked;
    List<HeaderField> headers;
    List<HeaderField> trailers;
    /** Received, unread bytes: a ring of count bytes from head; grows up to the stream window. */
    byte[] buf;
    int head;
    int count;
    boolean remoteEnded;
    boolean localEnded;
    boolean inputClosed;
    Http2Error resetCode;
    boolean resetByPeer;
    IOException failure;

    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    Http2Stream(Http2Connection conn, int id, long sendWindow, long recvWindow) {
        this.conn = conn;
        this.id = id;
        this.sendWindow = sendWindow;
        this.recvWindow = recvWindow;
        this.readable = conn.newCondition();
        this.writable = conn.newCondition();
    }

    public int id() {
        return id;
    }

    public Http2Connection connection() {
        return conn;
    }

    /**
     * The peer's first header block: the request on a server, the final response on a client (1xx responses
     * are skipped). Waits for it; fails if the stream or connection ended first.
     */
    public List<HeaderField> awaitHeaders() throws IOException {
        return conn.awaitHeaders(this);
    }

    /** Sends our header block (the response on a server); endStream ends our side at once. */
    public void sendHeaders(List<HeaderField> fields, boolean endStream) throws IOException {
        conn.sendHeaders(this, fields, endStream);
    }

    /** Sends trailers, which end our side (HEADERS with END_STREAM). */
    public void sendTrailers(List<HeaderField> fields) throws IOException {
        conn.sendHeaders(this, fields, true);
    }

    /** The peer's trailers, empty if it sent none; meaningful once {@link #input()} has reached its end. */
    public List<HeaderField> trailers() {
        return conn.trailers(this);
    }

    /** The body the peer sends; read() returns -1 at END_STREAM and throws if the stream was reset or the connection failed. */
    public InputStream input() {
        return input;
    }

    /** The body we send, in DATA frames as the windows allow; close() sends END_STREAM. */
    public OutputStream output() {
        return output;
    }

    /** Received bytes not yet read (at most the stream window). */
    public int buffered() {
        return conn.available(this);
    }

    /** Ends the stream now with RST_STREAM (nothing if it is already closed); both directions fail from then on. */
    public void reset(Http2Error error) {
        conn.reset(this, error, false);
    }

    /** The code this stream was reset with, by either side; null while it was not. */
    public Http2Error resetCode() {
        return conn.resetCode(this);
    }

    @Override
    public String toString() {
        return conn.name() + "#" + id;
    }

    private final class Input extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            try {
                return conn.read(Http2Stream.this, b, off, len);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading " + Http2Stream.this);
            }
        }

        @Override
        public int available() {
            return conn.available(Http2Stream.this);
        }

        /** Drops what is buffered and what still comes (its flow-control credit goes back to the peer). */
        @Override
        public void close() {
            conn.closeInput(Http2Stream.this);
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                conn.write(Http2Stream.this, b, off, len);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted writing " + Http2Stream.this);
            }
        }

        /** Frames leave as soon as the writer takes them; nothing is held back here. */
        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            conn.endOutput(Http2Stream.this);
        }
    }
}
