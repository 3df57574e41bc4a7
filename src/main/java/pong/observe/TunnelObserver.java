package pong.observe;

import java.util.List;
import pong.protocol.Address;
import pong.protocol.ErrorCode;

/**
 * What both halves report about their work: tunnels, streams, dials, rejections, pings and
 * reconnects. The metrics registry and the access log are implementations; tests can register their
 * own. Every method has an empty default, so an implementation overrides only what it uses.
 *
 * <p>Threading: called from any thread (readers, writers, stream threads, accept loops), often on hot
 * paths: implementations must be thread-safe, quick, and must never block or throw.
 */
public interface TunnelObserver {
    /** Reports nothing. */
    TunnelObserver NONE = new TunnelObserver() {
    };

    /** A tunnel connection passed its handshake (remote: the connection header; local: connected to remote). */
    default void tunnelOpened(TunnelInfo tunnel) {
    }

    /** A tunnel ended; {@code detail} is the human text for logs (may be empty). */
    default void tunnelClosed(TunnelInfo tunnel, CloseReason reason, String detail) {
    }

    /** A stream was opened (local: by a front for an app; remote: by the peer's opening frame). */
    default void streamOpened(StreamInfo stream) {
    }

    /** A stream ended; called once per stream that was reported opened. */
    default void streamEnded(StreamInfo stream, StreamEnd end) {
    }

    /**
     * Remote dialed a destination.
     *
     * @param failure null when the connection was made, else the rst code the stream got
     * @param nanos   how long the dial took, name resolution included
     */
    default void dialed(Address target, ErrorCode failure, long nanos) {
    }

    /** Something was turned away before it became a tunnel or a stream; {@code source} is the peer's address. */
    default void rejected(Rejection reason, String source, String detail) {
    }

    /** Local got the answer to a ping after {@code nanos}. */
    default void pingRoundTrip(TunnelInfo tunnel, long nanos) {
    }

    /** Local tried to reach remote again after losing it; {@code succeeded} says whether this attempt did. */
    default void reconnect(String endpoint, boolean succeeded) {
    }

    /** One observer that passes every event to each of {@code observers}, in order. */
    static TunnelObserver all(List<TunnelObserver> observers) {
        List<TunnelObserver> real = observers.stream().filter(o -> o != NONE).toList();
        if (real.isEmpty()) return NONE;
        if (real.size() == 1) return real.get(0);
        return new CompositeObserver(real);
    }
}
