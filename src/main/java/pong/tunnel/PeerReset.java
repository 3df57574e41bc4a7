package pong.tunnel;

import pong.protocol.ErrorCode;
import pong.protocol.PongException;

/**
 * A stream the tunnel's peer reset (an rst frame), with the peer's text. {@link #refused()} when the
 * rst came before the peer sent anything on the stream: on local that is remote turning the stream down
 * (dst.deny, a failed dial, a limit) rather than a destination breaking off an exchange.
 */
public final class PeerReset extends PongException {
    private final String peerText;
    private final boolean refused;

    PeerReset(ErrorCode code, String peerText, boolean refused) {
        super(code, "reset by tunnel peer: " + code + (peerText.isEmpty() ? "" : ", " + peerText));
        this.peerText = peerText;
        this.refused = refused;
    }

    /** What the peer said about the reset; empty when it sent the code alone (plain-spec peers do). */
    public String peerText() {
        return peerText;
    }

    /** True when the reset came before any data or connect confirmation from the peer. */
    public boolean refused() {
        return refused;
    }
}
