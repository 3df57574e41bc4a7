package pong.transport.http2;

import java.io.IOException;

/**
 * A violation of RFC 9113 or RFC 7541 found in what the peer sent, as data: the error code to send and
 * its scope. A stream error (stream != 0) ends that stream with RST_STREAM; a connection error (stream 0)
 * ends the connection with GOAWAY.
 *
 * <p>No stack trace: the cause is in the peer's bytes, not in our call path, and a peer can make us build
 * many of these.
 */
public class Http2Exception extends IOException {
    private static final long serialVersionUID = 1L;

    private final Http2Error error;
    private final int stream;

    public Http2Exception(Http2Error error, String message) {
        this(error, 0, message);
    }

    public Http2Exception(Http2Error error, int stream, String message) {
        super(message);
        this.error = error;
        this.stream = stream;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    public Http2Error error() {
        return error;
    }

    /** The stream the error is limited to, 0 for a connection error. */
    public int stream() {
        return stream;
    }

    public boolean isConnectionError() {
        return stream == 0;
    }

    @Override
    public String getMessage() {
        return error + (stream == 0 ? "" : " on stream " + stream) + ": " + super.getMessage();
    }
}
