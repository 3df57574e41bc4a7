package pong.transport.http2;

/**
 * The stream states of RFC 9113 section 5.1 that this endpoint uses. A stream is created when its HEADERS are
 * sent or received (idle -> open, or straight to half-closed when they carry END_STREAM); server push is
 * disabled, so the reserved states never occur.
 */
enum StreamState {
    OPEN,
    /** We sent END_STREAM; the peer may still send. */
    HALF_CLOSED_LOCAL,
    /** The peer sent END_STREAM; we may still send. */
    HALF_CLOSED_REMOTE,
    CLOSED;

    /** Section 5.1: "open" -> "half-closed (local)", "half-closed (remote)" -> "closed" on sending END_STREAM. */
    StreamState afterSendingEnd() {
        return switch (this) {
            case OPEN -> HALF_CLOSED_LOCAL;
            case HALF_CLOSED_REMOTE, CLOSED -> CLOSED;
            case HALF_CLOSED_LOCAL -> throw new IllegalStateException("END_STREAM sent twice");
        };
    }

    /** Section 5.1: "open" -> "half-closed (remote)", "half-closed (local)" -> "closed" on receiving END_STREAM. */
    StreamState afterReceivingEnd() {
        return switch (this) {
            case OPEN -> HALF_CLOSED_REMOTE;
            case HALF_CLOSED_LOCAL, CLOSED -> CLOSED;
            case HALF_CLOSED_REMOTE -> throw new IllegalStateException("END_STREAM received twice");
        };
    }

    /** Section 5.1: frames other than WINDOW_UPDATE, PRIORITY and RST_STREAM in "half-closed (remote)" or "closed" are STREAM_CLOSED. */
    boolean peerMaySend() {
        return this == OPEN || this == HALF_CLOSED_LOCAL;
    }

    boolean weMaySend() {
        return this == OPEN || this == HALF_CLOSED_REMOTE;
    }
}
