package pong.protocol;

import java.io.IOException;

/** A failure that maps to one of the protocol's error codes, so that it can be sent in an rst or a SOCKS reply. */
public class PongException extends IOException {
    private final ErrorCode code;

    public PongException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public PongException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
