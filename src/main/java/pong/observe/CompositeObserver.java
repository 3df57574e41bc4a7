package pong.observe;

import java.util.List;
import pong.protocol.Address;
import pong.protocol.ErrorCode;

/**
 * Fans every event out to several observers in order. One observer that throws (a bug) does not keep
 * the event from the others, and never reaches the component that reported it.
 */
final class CompositeObserver implements TunnelObserver {
    private static final System.Logger LOG = System.getLogger(CompositeObserver.class.getName());

    private final TunnelObserver[] observers;

    CompositeObserver(List<TunnelObserver> observers) {
        this.observers = observers.toArray(TunnelObserver[]::new);
    }

    private interface Event {
        void to(TunnelObserver o);
    }

    private void each(Event e) {
        for (TunnelObserver o : observers) {
            try {
                e.to(o);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.ERROR, "observer " + o.getClass().getSimpleName() + " failed", ex);
            }
        }
    }

    @Override
    public void tunnelOpened(TunnelInfo tunnel) {
        each(o -> o.tunnelOpened(tunnel));
    }

    @Override
    public void tunnelClosed(TunnelInfo tunnel, CloseReason reason, String detail) {
        each(o -> o.tunnelClosed(tunnel, reason, detail));
    }

    @Override
    public void streamOpened(StreamInfo stream) {
        each(o -> o.streamOpened(stream));
    }

    @Override
    public void streamEnded(StreamInfo stream, StreamEnd end) {
        each(o -> o.streamEnded(stream, end));
    }

    @Override
    public void dialed(Address target, ErrorCode failure, long nanos) {
        each(o -> o.dialed(target, failure, nanos));
    }

    @Override
    public void rejected(Rejection reason, String source, String detail) {
        each(o -> o.rejected(reason, source, detail));
    }

    @Override
    public void pingRoundTrip(TunnelInfo tunnel, long nanos) {
        each(o -> o.pingRoundTrip(tunnel, nanos));
    }

    @Override
    public void reconnect(String endpoint, boolean succeeded) {
        each(o -> o.reconnect(endpoint, succeeded));
    }
}
