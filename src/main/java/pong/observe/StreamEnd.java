package pong.observe;

import java.util.Locale;
import pong.protocol.ErrorCode;

/**
 * How a stream ended and what it carried. "Up" is always the app's direction (app to destination),
 * "down" the destination's, on both halves.
 *
 * @param outcome   how it ended
 * @param code      the rst code when {@code outcome} is {@link Outcome#RST} or {@link Outcome#TIMEOUT}, else null
 * @param bytesUp   payload bytes from the app towards the destination
 * @param bytesDown payload bytes from the destination towards the app
 * @param nanos     how long the stream lived
 * @param dialed    remote: the address actually connected to (ip:port); local: empty
 */
public record StreamEnd(Outcome outcome, ErrorCode code, long bytesUp, long bytesDown, long nanos, String dialed) {

    public enum Outcome {
        /** Both directions ended with finish frames: a complete exchange. */
        FINISH,
        /** One side closed the whole stream (close frame) before the other had finished. */
        CLOSE,
        /** Aborted with an rst frame (either side, or the tunnel was lost). */
        RST,
        /** Aborted because it went idle past stream.idle.timeout, or the dial timed out. */
        TIMEOUT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome for a stream that was reset with {@code code}: timeouts get their own outcome. */
    public static Outcome outcomeOf(ErrorCode code) {
        return code == ErrorCode.ERR_TTL_EXPIRED || code == ErrorCode.ERR_DIAL_TIMEOUT ? Outcome.TIMEOUT : Outcome.RST;
    }

    /** "finish", "close", "timeout (rst 6)", "rst 4 (host unreachable)": the access log's words. */
    public String describe() {
        return switch (outcome) {
            case FINISH, CLOSE -> outcome.label();
            case TIMEOUT -> "timeout(rst" + (code == null ? "" : code.code) + ")";
            case RST -> "rst" + (code == null ? "" : code.code);
        };
    }
}
