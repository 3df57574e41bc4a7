package pong.protocol;

import java.io.IOException;

/** The peer broke the framing or the connection rules; the whole tunnel connection is closed. */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
