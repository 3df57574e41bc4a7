package pong.observe;

import java.util.Locale;

/** Why a tunnel ended: a small fixed set, so it can be a metrics label. */
public enum CloseReason {
    /** The peer closed the connection (end of stream). */
    PEER_CLOSED,
    /** The peer broke the protocol. */
    PROTOCOL_ERROR,
    /** Local: no answer to a ping in time. */
    PING_TIMEOUT,
    /** Remote: no streams and nothing received for tunnel.idle.timeout. */
    IDLE,
    /** This half is stopping. */
    SHUTDOWN,
    /** Remote: the client said it was stopping (a drain frame from local) before it closed. */
    CLIENT_LEFT,
    /** Reading or writing the connection failed (reset, broken pipe, TLS error). */
    IO_ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
