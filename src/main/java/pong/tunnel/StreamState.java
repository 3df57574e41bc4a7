package pong.tunnel;

/**
 * The lifecycle of a stream, mirroring the spec's frames: finish closes one direction (half close),
 * close ends the stream, rst aborts it.
 *
 * <pre>
 *            we send finish              peer sends finish
 *   OPEN ------------------> SEND_CLOSED -----------------> CLOSED
 *     |  peer sends finish                we send close       ^
 *     +------------------> RECEIVE_CLOSED --------------------+
 *   any state --rst either way--> RESET;   peer sends close --> CLOSED
 * </pre>
 */
public enum StreamState {
    OPEN,
    /** We have sent finish: our direction is done, the peer's still flows. */
    SEND_CLOSED,
    /** The peer has sent finish: its direction is done, ours still flows. */
    RECEIVE_CLOSED,
    CLOSED,
    RESET;

    public boolean canSend() {
        return this == OPEN || this == RECEIVE_CLOSED;
    }

    public boolean canReceive() {
        return this == OPEN || this == SEND_CLOSED;
    }

    public boolean isDone() {
        return this == CLOSED || this == RESET;
    }

    /** After our direction ends; only legal while {@link #canSend()}. */
    StreamState sendEnded() {
        return switch (this) {
            case OPEN -> SEND_CLOSED;
            case RECEIVE_CLOSED -> CLOSED;
            default -> throw new IllegalStateException("cannot end sending in state " + this);
        };
    }

    /** After the peer's finish; a finish in a state that no longer receives changes nothing. */
    StreamState receiveEnded() {
        return switch (this) {
            case OPEN -> RECEIVE_CLOSED;
            case SEND_CLOSED -> CLOSED;
            default -> this;
        };
    }
}
