package pong.observe;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import pong.protocol.ErrorCode;

/**
 * A stream that has been reported opened, carried with the stream so that whoever sees it end (the
 * relay, or a front whose stream failed before relaying) reports the end once, with its bytes.
 *
 * <p>Threading: {@link #ended} from any thread; only the first call reports.
 */
public final class StreamWatch {
    private final TunnelObserver observer;
    private final StreamInfo info;
    private final AtomicBoolean ended = new AtomicBoolean();

    private StreamWatch(TunnelObserver observer, StreamInfo info) {
        this.observer = observer;
        this.info = info;
    }

    /** Reports the stream opened and returns the watch that will report its end. */
    public static StreamWatch opened(TunnelObserver observer, StreamInfo info) {
        observer.streamOpened(info);
        return new StreamWatch(observer, info);
    }

    public StreamInfo info() {
        return info;
    }

    /**
     * Reports the end once.
     *
     * @param code        the rst code if the stream was reset (either side), null if it ended cleanly
     * @param fromSocket  bytes read from this half's socket (the app's on local, the destination's on remote)
     * @param toSocket    bytes written to that socket
     * @param socketPeer  that socket's remote address (local: the app's; remote: the address dialed), or null
     */
    public void ended(ErrorCode code, long fromSocket, long toSocket, SocketAddress socketPeer) {
        String peer = TunnelInfo.address(socketPeer);
        if (!ended.compareAndSet(false, true)) return;
        boolean local = "local".equals(info.tunnel().side());
        long up = local ? fromSocket : toSocket;
        long down = local ? toSocket : fromSocket;
        StreamEnd.Outcome outcome = code == null ? StreamEnd.Outcome.FINISH : StreamEnd.outcomeOf(code);
        // on local the relay's socket is the app's: it names the app when the opener did not
        StreamInfo info = local && this.info.app().isEmpty() && !peer.isEmpty()
                ? new StreamInfo(this.info.tunnel(), this.info.id(), this.info.front(), this.info.target(), peer, this.info.startNanos())
                : this.info;
        observer.streamEnded(info, new StreamEnd(outcome, code, up, down, System.nanoTime() - info.startNanos(),
                local ? "" : peer));
    }

    /** Reports a stream that was reset with {@code code} before it carried a byte (a failed dial, a refused open). */
    public void failed(ErrorCode code) {
        ended(code, 0, 0, null);
    }

    /** Reports a stream that ended with {@code end} as is (a front whose stream failed before relaying). */
    public void ended(StreamEnd end) {
        if (ended.compareAndSet(false, true)) observer.streamEnded(info, end);
    }
}
