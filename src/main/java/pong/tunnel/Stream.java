package pong.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.PongException;

/**
 * One proxied connection carried by a tunnel: the bytes towards the peer go out as data frames
 * through the tunnel's writer, the bytes from the peer wait in an inbound queue until the stream's
 * own thread takes them. The lifecycle is the {@link StreamState} machine; every transition happens
 * here, under this stream's lock.
 *
 * <p>Threading: {@link #write}, {@link #finish} and {@link #take} are called by the stream's own
 * threads (the relay); the {@code on*} methods by the tunnel's reader thread; {@link #reset} from anywhere.
 */
public final class Stream {
    private static final System.Logger LOG = System.getLogger(Stream.class.getName());

    private final Tunnel tunnel;
    private final int id;
    final TunnelWriter.Lane lane;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int inboundBytes;
    private StreamState state = StreamState.OPEN;
    private PongException resetCause;
    private Runnable onReset;

    Stream(Tunnel tunnel, int id) {
        this.tunnel = tunnel;
        this.id = id;
        this.lane = tunnel.writer().newLane();
    }

    public int id() {
        return id;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    public StreamState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Runs once if the stream is reset (by either side or by the loss of the tunnel); the relay closes its socket there. */
    public void onReset(Runnable action) {
        boolean now;
        lock.lock();
        try {
            onReset = action;
            now = state == StreamState.RESET;
        } finally {
            lock.unlock();
        }
        if (now) action.run();
    }

    // ---- the stream's own threads

    /**
     * Sends bytes to the peer, taking ownership of the array. Waits while the tunnel is backed up.
     *
     * @throws IOException when this direction is closed, the stream was reset or the tunnel is gone
     */
    public void write(byte[] data) throws IOException {
        int max = tunnel.maxDataPayload();
        for (int off = 0; off < data.length; off += max) {
            byte[] chunk = data.length <= max ? data : java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + max));
            checkCanSend();
            tunnel.writer().send(lane, new Frame(id, FrameType.DATA, chunk));
        }
    }

    /** Ends our direction: finish while the peer still sends, close when its direction is already done. */
    public void finish() throws IOException {
        FrameType type;
        lock.lock();
        try {
            if (!state.canSend()) return;
            type = state == StreamState.RECEIVE_CLOSED ? FrameType.CLOSE : FrameType.FINISH;
            state = state.sendEnded();
        } finally {
            lock.unlock();
        }
        tunnel.writer().sendLast(lane, new Frame(id, type));
        if (type == FrameType.CLOSE) tunnel.forget(this);
    }

    /**
     * The next bytes from the peer, waiting for them; null once the peer has ended its direction and
     * everything before that was taken.
     *
     * @throws PongException carrying the rst's code when the stream was reset
     */
    public byte[] take() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (state == StreamState.RESET) throw resetCause;
                byte[] chunk = inbound.poll();
                if (chunk != null) {
                    inboundBytes -= chunk.length;
                    tunnel.released(chunk.length);
                    drained.signalAll();
                    return chunk;
                }
                if (!state.canReceive()) return null;
                readable.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a stream");
        } finally {
            lock.unlock();
        }
    }

    /** Aborts the stream: sends rst with this code (and the reason, to peers that take text) and fails local readers and writers. */
    public void reset(ErrorCode code, String reason) {
        StreamState before = resetHere(new PongException(code, reason));
        if (before == StreamState.RESET) return;
        // A stream the peer has already closed is forgotten there: only drop what is queued.
        tunnel.writer().reset(lane, before == StreamState.CLOSED ? null : tunnel.rstFrame(id, code, reason));
        LOG.log(Level.DEBUG, "{0} stream {1} reset here: {2} {3}", tunnel, id, code, reason);
    }

    // ---- the tunnel's reader thread

    /**
     * Data from the peer. Waits (blocking the tunnel's reader) while this stream already holds its
     * limit of unread bytes: without flow control that is the only way to bound memory.
     */
    void onData(byte[] payload) throws InterruptedException {
        if (payload.length == 0) return;
        lock.lock();
        try {
            while (state.canReceive() && inboundBytes >= tunnel.inboundLimit()) drained.await();
            if (!state.canReceive()) return;
            inbound.add(payload);
            inboundBytes += payload.length;
            tunnel.buffered(payload.length);
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onFinish() {
        boolean done;
        lock.lock();
        try {
            state = state.receiveEnded();
            done = state.isDone();
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        if (done) tunnel.forget(this);
    }

    /** The peer is done with both directions: what we still had to send is dropped. */
    void onClose() {
        lock.lock();
        try {
            if (state.isDone()) return;
            state = StreamState.CLOSED;
            readable.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        tunnel.writer().reset(lane, null);
        tunnel.forget(this);
    }

    void onPeerReset(ErrorCode code, String reason) {
        String text = "reset by tunnel peer: " + code + (reason.isEmpty() ? "" : ", " + reason);
        if (resetHere(new PongException(code, text)) != StreamState.RESET) tunnel.writer().reset(lane, null);
    }

    /** The tunnel connection is gone: fail like a reset, nothing to send. */
    void onTunnelLost() {
        resetHere(new PongException(ErrorCode.ERR_CONN_TIMEOUT, "tunnel connection lost"));
    }

    /** Moves to RESET and fails local readers and writers; returns the state before. */
    private StreamState resetHere(PongException cause) {
        Runnable action;
        StreamState before;
        lock.lock();
        try {
            before = state;
            if (before == StreamState.RESET) return before;
            state = StreamState.RESET;
            resetCause = cause;
            tunnel.released(inboundBytes);
            inbound.clear();
            inboundBytes = 0;
            readable.signalAll();
            drained.signalAll();
            action = onReset;
        } finally {
            lock.unlock();
        }
        tunnel.forget(this);
        if (action != null) action.run();
        return before;
    }

    private void checkCanSend() throws IOException {
        lock.lock();
        try {
            if (state == StreamState.RESET) throw resetCause;
            if (!state.canSend()) throw new IOException("stream " + id + " is closed for sending");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "stream " + id;
    }
}
