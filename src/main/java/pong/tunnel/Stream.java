package pong.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import pong.observe.StreamWatch;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.PongException;

/**
 * One proxied connection carried by a tunnel: the bytes towards the peer go out as data frames
 * through the tunnel's writer, the bytes from the peer wait in an inbound queue until the stream's
 * own thread takes them. The lifecycle is the {@link StreamState} machine; every transition happens
 * here, under this stream's lock. With flow control on, {@link #write} never has more unacknowledged
 * bytes in flight than the peer granted.
 *
 * <p>Replay (local): until remote shows it accepted the stream (any frame from it on the stream, or a
 * drain frame naming an id at or above ours), the stream keeps what it sent, up to the first window. A
 * drain frame from remote can then move it to another tunnel ({@link Tunnel#adopt}): it gets a new id
 * there, and its opening frame, kept data and finish are sent again. Tunnel, id, lane and window change
 * only under this stream's lock; a write that raced with the move and went to the old lane is not lost
 * (its bytes were kept and replayed).
 *
 * <p>Received bytes wait in {@link Chunk}s of the tunnel's pool, one per data frame, and sent bytes
 * are copied out of the caller's array before {@link #write} returns: a bulk transfer allocates nothing
 * per frame either way. The inbound queue owns its chunks (under this stream's lock) until
 * {@link #takeChunk} hands one to the stream's reading thread, which gives it back after writing it out;
 * a reset gives back what is still queued.
 *
 * <p>Threading: {@link #write}, {@link #finish} and {@link #take} are called by the stream's own
 * threads (the relay); the {@code on*} methods by the tunnel's reader thread; {@link #reset} from anywhere.
 * Lock order: the tunnel's open lock, then this stream's lock, then the flow control's lock (the chunk
 * pool's monitor is a leaf under any of them).
 */
public final class Stream {
    private static final System.Logger LOG = System.getLogger(Stream.class.getName());

    private static final long DATAGRAM_CREDIT_WAIT_MILLIS = 1000;

    private volatile Tunnel tunnel;
    private volatile int id;
    volatile TunnelWriter.Lane lane;
    volatile FlowControl.Window window;

    /** What opened the stream, kept while it may be replayed; null for streams the peer opened. */
    private FrameType openType;
    private Address openTarget;
    /** Data sent and not yet known accepted by the peer; null once accepted or past the first window. */
    private List<byte[]> kept;
    private int keptBytes;
    /** Set once the peer is known to have accepted the stream (read without the lock as a fast path). */
    private volatile boolean accepted;
    /** Between a drain that handed the stream back and its adoption by another tunnel: senders wait. */
    private boolean moving;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final Condition credited = lock.newCondition();
    private final ArrayDeque<Chunk> inbound = new ArrayDeque<>();
    private int inboundBytes;
    private long sendCredit;
    /** Bytes sent before the peer's announcement arrived: at most the allowance it accepts past its credit. */
    private long sentUnannounced;
    private boolean connected;
    /** The peer sent data or a connect confirmation: a reset from now on is not a refusal. */
    private boolean answered;
    private Consumer<PeerReset> onRefused;
    private boolean refusalTaken;
    private StreamState state = StreamState.OPEN;
    private PongException resetCause;
    private Runnable onReset;
    private volatile StreamWatch watch;

    Stream(Tunnel tunnel, int id, boolean peerOpened) {
        this.tunnel = tunnel;
        this.id = id;
        this.lane = tunnel.writer().newLane();
        this.window = tunnel.flow().open(this, peerOpened);
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

    /**
     * Runs once, on the tunnel's reader thread, if the peer resets the stream before it sent anything
     * on it (remote refused it); must be quick. Set right after opening, before frames can arrive for it.
     */
    public void onRefused(Consumer<PeerReset> action) {
        PeerReset now;
        lock.lock();
        try {
            onRefused = action;
            now = takeRefusal();
        } finally {
            lock.unlock();
        }
        if (now != null) action.accept(now);
    }

    /** Under the lock: the refusal to report, once, when there is one and someone to report it to. */
    private PeerReset takeRefusal() {
        if (refusalTaken || onRefused == null || state != StreamState.RESET || !(resetCause instanceof PeerReset p) || !p.refused()) {
            return null;
        }
        refusalTaken = true;
        return p;
    }

    // ---- the stream's own threads

    /** Sends all of {@code data} to the peer, as {@link #write(byte[], int, int)} does. */
    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /**
     * Sends {@code len} bytes of {@code b} from {@code off} to the peer, as data frames of at most the
     * tunnel's payload. Waits while the peer's credit is used up or the tunnel is backed up. The bytes
     * are copied or written out before this returns: the caller may reuse the array.
     *
     * @throws IOException when this direction is closed, the stream was reset or the tunnel is gone
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int max = tunnel.maxDataPayload();
        int end = off + len;
        while (off < end) {
            int n;
            Tunnel t;
            TunnelWriter.Lane l;
            int sid;
            boolean more;
            lock.lock();
            try {
                n = acquireCredit(Math.min(max, end - off));
                // the next frame follows at once only if its credit is here: never leave a frame unflushed
                // while waiting for credit its delivery would bring
                more = off + n < end && sendCredit > 0 && tunnel.peerHasExtensions();
                keep(b, off, n);
                // where the frame goes, taken under the lock (no Route object per frame on this path)
                t = tunnel;
                l = lane;
                sid = id;
            } finally {
                lock.unlock();
            }
            try {
                t.writer().sendData(l, sid, b, off, n, more);
            } catch (IOException e) {
                if (!movedFrom(l)) throw e; // moved meanwhile: the bytes went with the replay
            }
            off += n;
        }
    }

    /** Local: keeps what opened the stream, so that a drain can replay it elsewhere. */
    void keepForReplay(FrameType type, Address target) {
        lock.lock();
        try {
            openType = type;
            openTarget = target;
            kept = new ArrayList<>();
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock: keeps a copy of sent bytes while they may have to be replayed, up to the first window. */
    private void keep(byte[] b, int off, int n) {
        if (kept == null || accepted) return;
        if (keptBytes + n > tunnel.replayLimit()) {
            kept = null; // too much to hold: this stream can no longer move
            return;
        }
        kept.add(Arrays.copyOfRange(b, off, off + n));
        keptBytes += n;
    }

    /** Where the stream's frames go: captured under the lock, used after it. */
    private record Route(Tunnel tunnel, TunnelWriter.Lane lane, int id) {
    }

    /** Caller holds the lock. */
    private Route route() {
        return new Route(tunnel, lane, id);
    }

    /**
     * Queues a frame where the stream was when the route was taken ({@code last}: and closes the lane
     * behind it). False when the stream moved meanwhile: the frame's content went with the replay.
     */
    private boolean sendOn(Route r, FrameType type, byte[] payload, boolean last) throws IOException {
        Frame f = payload == null ? new Frame(r.id(), type) : new Frame(r.id(), type, payload);
        try {
            if (last) r.tunnel().writer().sendLast(r.lane(), f);
            else r.tunnel().writer().send(r.lane(), f);
            return true;
        } catch (IOException e) {
            if (!movedFrom(r.lane())) throw e;
            return false;
        }
    }

    /** True when the stream left this lane for another tunnel (or is leaving): a send there failing loses nothing. */
    private boolean movedFrom(TunnelWriter.Lane l) {
        lock.lock();
        try {
            return moving || lane != l;
        } finally {
            lock.unlock();
        }
    }

    /** True while a drain could still move this stream to another tunnel (not reset, not accepted, not past the first window). */
    public boolean canMove() {
        lock.lock();
        try {
            return state != StreamState.RESET && !accepted && kept != null && openType != null;
        } finally {
            lock.unlock();
        }
    }

    /** The peer knows this stream: what was kept for a replay is dropped. */
    void accepted() {
        if (accepted) return;
        lock.lock();
        try {
            accepted = true;
            kept = null;
            keptBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A drain handed the stream back: senders wait until it is adopted elsewhere or reset. Returns its old window. */
    FlowControl.Window detach() {
        lock.lock();
        try {
            moving = true;
            return window;
        } finally {
            lock.unlock();
        }
    }

    /** What a new tunnel sends again for an adopted stream. */
    record Replay(List<Frame> frames, boolean finished) {
    }

    /**
     * Moves the stream to another tunnel under a new id (the caller, {@link Tunnel#adopt}, holds that
     * tunnel's open lock); null when it cannot move. The send credit starts over: the new tunnel's grant
     * comes with its announcement's window, less what is replayed.
     */
    Replay moveTo(Tunnel next, int newId) {
        lock.lock();
        try {
            if (state == StreamState.RESET || accepted || kept == null || openType == null) return null;
            tunnel = next;
            id = newId;
            lane = next.writer().newLane();
            window = next.flow().open(this, false);
            sendCredit = 0;
            sentUnannounced = 0;
            List<Frame> frames = new ArrayList<>();
            frames.add(new Frame(newId, openType, openTarget.encode()));
            for (byte[] chunk : kept) {
                frames.add(new Frame(newId, FrameType.DATA, chunk));
                sendCredit -= chunk.length;
                if (!next.peerHasExtensions()) sentUnannounced += chunk.length;
            }
            boolean finished = !state.canSend();
            if (finished) frames.add(new Frame(newId, FrameType.FINISH));
            return new Replay(frames, finished);
        } finally {
            lock.unlock();
        }
    }

    /** The adopting tunnel has queued the replay: senders go on, on the new lane. */
    void moved() {
        lock.lock();
        try {
            moving = false;
            credited.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one datagram as exactly one data frame, so its boundary survives, or sends nothing: false
     * when it is empty, larger than a frame, or when the peer's credit stays short for
     * {@link #DATAGRAM_CREDIT_WAIT_MILLIS} (UDP may drop; the wait covers the first grant of a stream
     * opened just before the peer's announcement arrived).
     */
    public boolean writeDatagram(byte[] datagram) throws IOException {
        if (datagram.length == 0 || datagram.length > tunnel.maxDataPayload()) return false;
        long left = TimeUnit.MILLISECONDS.toNanos(DATAGRAM_CREDIT_WAIT_MILLIS);
        Route route;
        lock.lock();
        try {
            while (true) {
                if (state == StreamState.RESET) throw resetCause;
                if (!state.canSend()) throw new IOException("stream " + id + " is closed for sending");
                if (moving) return false; // on its way to another tunnel: dropped, as UDP may
                if (tunnel.peerHasExtensions() ? sendCredit >= datagram.length
                        : tunnel.announcementWaitNanos() <= 0 || sentUnannounced + datagram.length <= tunnel.settings().streamBuffer()) break;
                if (left <= 0) return false;
                long slice = Math.min(left, Math.max(1, tunnel.announcementWaitNanos()));
                left -= slice - Math.max(0, credited.awaitNanos(slice));
            }
            if (!tunnel.peerHasExtensions()) sentUnannounced += datagram.length;
            sendCredit -= datagram.length;
            route = route();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for send credit");
        } finally {
            lock.unlock();
        }
        return sendOn(route, FrameType.DATA, datagram, false);
    }

    /** Ends our direction: finish while the peer still sends, close when its direction is already done. */
    public void finish() throws IOException {
        FrameType type;
        Route route;
        lock.lock();
        try {
            if (!state.canSend()) return;
            type = state == StreamState.RECEIVE_CLOSED ? FrameType.CLOSE : FrameType.FINISH;
            state = state.sendEnded();
            credited.signalAll();
            if (moving) return; // the adopting tunnel replays the finish
            route = route();
        } finally {
            lock.unlock();
        }
        if (sendOn(route, type, null, true) && type == FrameType.CLOSE) route.tunnel().forget(this);
    }

    /**
     * The next bytes from the peer (one data frame's payload, so a datagram stays whole), waiting for
     * them; null once the peer has ended its direction and everything before that was taken.
     *
     * @throws PongException carrying the rst's code when the stream was reset
     */
    public byte[] take() throws IOException {
        Chunk chunk = takeChunk();
        if (chunk == null) return null;
        byte[] bytes = Arrays.copyOf(chunk.bytes, chunk.length);
        chunk.release();
        return bytes;
    }

    /**
     * As {@link #take}, without a copy: the chunk of the next data frame, now the caller's. The caller
     * writes out its first {@link Chunk#length} bytes and then gives it back ({@link Chunk#release}),
     * once, touching it no more.
     */
    Chunk takeChunk() throws IOException {
        Chunk chunk;
        lock.lock();
        try {
            while (true) {
                if (state == StreamState.RESET) throw resetCause;
                chunk = inbound.poll();
                if (chunk != null) {
                    inboundBytes -= chunk.length;
                    drained.signalAll();
                    break;
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
        tunnel.consumed(this, chunk.length);
        return chunk;
    }

    /**
     * Waits until remote reports the destination connected (connect confirmation). Returns false when
     * the answer did not come in time, which is what a peer without our extensions gives.
     *
     * @throws PongException with the rst's code when the connect failed
     */
    public boolean awaitConnected(long timeoutMillis) throws IOException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (!connected && state != StreamState.RESET && inbound.isEmpty() && state.canReceive() && left > 0) {
                left = readable.awaitNanos(left);
            }
            if (state == StreamState.RESET) throw resetCause;
            return connected || !inbound.isEmpty() || !state.canReceive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the connect");
        } finally {
            lock.unlock();
        }
    }

    /** Remote's side of connect confirmation: tells the peer the destination is connected (only to peers that want it). */
    public void confirmConnected() throws IOException {
        if (tunnel.peerWantsConnected()) tunnel.writer().send(lane, new Frame(id, FrameType.CONNECTED));
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
     * Data from the peer. Waits (blocking the tunnel's reader) only while this stream holds more
     * unread bytes than the peer may send: with flow control that never happens with a well-behaved
     * peer; with a legacy peer it is the only way to bound memory.
     */
    void onData(Chunk chunk) throws InterruptedException {
        int n = chunk.length;
        FlowControl.Refusal refused = null;
        boolean queued = false;
        lock.lock();
        try {
            if (n == 0) return;
            while (state.canReceive() && inboundBytes >= tunnel.inboundLimit()) drained.await();
            if (!state.canReceive()) return;
            refused = tunnel.flow().received(window, n, tunnel.peerHasExtensions());
            if (refused == null) {
                answered = true;
                inbound.add(chunk); // the queue's from now on
                queued = true;
                inboundBytes += n;
                readable.signalAll();
                return;
            }
        } finally {
            lock.unlock();
            if (!queued) chunk.release();
        }
        LOG.log(Level.DEBUG, "{0} {1}: {2} bytes refused: {3}", tunnel, this, n, refused.reason);
        reset(ErrorCode.ERR, refused.reason);
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
            credited.signalAll();
        } finally {
            lock.unlock();
        }
        tunnel.writer().reset(lane, null);
        tunnel.forget(this);
    }

    void onPeerReset(ErrorCode code, String reason) {
        boolean refused;
        lock.lock();
        try {
            refused = !answered;
        } finally {
            lock.unlock();
        }
        if (resetHere(new PeerReset(code, reason, refused)) == StreamState.RESET) return;
        tunnel.writer().reset(lane, null);
        Consumer<PeerReset> refusedAction;
        PeerReset refusal;
        lock.lock();
        try {
            refusal = takeRefusal();
            refusedAction = onRefused;
        } finally {
            lock.unlock();
        }
        if (refusal != null) refusedAction.accept(refusal);
        LOG.log(Level.DEBUG, "{0} stream {1} reset by the peer: {2}{3}", tunnel, id, code, reason.isEmpty() ? "" : " " + reason);
    }

    /** The tunnel connection is gone: fail like a reset, nothing to send. */
    void onTunnelLost() {
        if (resetHere(new PongException(ErrorCode.ERR_CONN_TIMEOUT, "tunnel connection lost")) != StreamState.RESET) {
            LOG.log(Level.DEBUG, "{0} stream {1} cut: tunnel connection lost", tunnel, id);
        }
    }

    void onConnected() {
        lock.lock();
        try {
            connected = true;
            answered = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a writer waiting for the peer's announcement: the tunnel now knows it will not come. */
    void announcementSettled() {
        addCredit(0);
    }

    /** More send credit from the peer (a window frame, or the initial window of its announcement). */
    void addCredit(long n) {
        lock.lock();
        try {
            sendCredit += n;
            credited.signalAll();
        } finally {
            lock.unlock();
        }
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
            Chunk dropped;
            while ((dropped = inbound.poll()) != null) dropped.release();
            inboundBytes = 0;
            readable.signalAll();
            drained.signalAll();
            credited.signalAll();
            action = onReset;
        } finally {
            lock.unlock();
        }
        tunnel.flow().dropped(window);
        tunnel.forget(this);
        if (action != null) action.run();
        return before;
    }

    /**
     * Takes up to n bytes of send credit, waiting while there is none. Before the peer announced flow
     * control nothing is enforced, but what is sent is still counted so the books agree with the peer's.
     */
    private int acquireCredit(int n) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (state == StreamState.RESET) throw resetCause;
                if (!state.canSend()) throw new IOException("stream " + id + " is closed for sending");
                if (moving) {
                    credited.await();
                    continue;
                }
                if (!tunnel.peerHasExtensions()) {
                    // Until the peer's announcement arrives (or it shows it has none), send no more than the
                    // allowance it accepts past its credit (docs/extensions.md): it could not be taken back.
                    long wait = tunnel.announcementWaitNanos();
                    if (wait > 0) {
                        long room = tunnel.settings().streamBuffer() - sentUnannounced;
                        if (room <= 0) {
                            credited.awaitNanos(wait);
                            continue;
                        }
                        n = (int) Math.min(n, room);
                        sentUnannounced += n;
                    }
                    sendCredit -= n;
                    return n;
                }
                if (sendCredit > 0) {
                    int k = (int) Math.min(n, sendCredit);
                    sendCredit -= k;
                    return k;
                }
                credited.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for send credit");
        } finally {
            lock.unlock();
        }
    }

    /** One line on this stream's state and books, for diagnostics. */
    public String describe() {
        lock.lock();
        try {
            return this + " " + state + " inbound " + inboundBytes + " send credit " + sendCredit + " " + tunnel.flow().describe(window);
        } finally {
            lock.unlock();
        }
    }

    /** Attaches what reports this stream's end to the observers (set by whoever reported it opened). */
    public void watch(StreamWatch w) {
        watch = w;
    }

    /** Reports the end of a stream that never reached its relay (its open failed or was refused), if anyone observes it. */
    public void reportFailed(ErrorCode code) {
        StreamWatch w = watch;
        if (w != null) w.failed(code);
    }

    /** What reports this stream's end, or null when nobody observes it. */
    public StreamWatch watch() {
        return watch;
    }

    /** The rst code if the stream was reset (by either side, or by the loss of its tunnel), else null. */
    public ErrorCode resetCode() {
        lock.lock();
        try {
            return state == StreamState.RESET ? resetCause.code() : null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "stream " + id;
    }
}
