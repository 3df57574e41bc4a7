package pong.tunnel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import pong.observe.CloseReason;
import pong.observe.Rejection;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.protocol.PongException;
import pong.protocol.ProtocolException;
import pong.protocol.Settings;
import pong.transport.Conduit;

/**
 * One tunnel connection and the streams it carries; the same class serves both halves. A reader
 * thread decodes frames and hands them to their streams; a writer thread ({@link TunnelWriter})
 * serializes every stream's frames onto the conduit (whatever carries the tunnel: TCP, TLS, WebSocket).
 *
 * <p>Local opens streams ({@link #open}); remote accepts them through its {@link Acceptor}.
 *
 * <p>Drain (docs/extensions.md): remote's {@link #drain} names the last stream it accepted and refuses
 * later ones; local, on that frame, takes no new stream here and hands the streams above the id to
 * {@link #onDrained}, which moves them to another tunnel ({@link #adopt}).
 *
 * <p>Data frames allocate nothing in either direction: the reader reads a data frame's header, then its
 * payload straight into a {@link Chunk} of the tunnel's {@link ChunkPool} that the stream queues for its
 * app; the writer sends from the app's array or from a pooled chunk ({@link TunnelWriter}).
 *
 * <p>Threading: {@link #open}, {@link #adopt}, {@link #drain}, {@link #close} and the queries from any
 * thread; frame dispatch only on the reader thread. Lock order: {@code openLock}, then a stream's lock,
 * then the flow control's lock.
 */
public final class Tunnel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Tunnel.class.getName());
    private static final int IO_BUFFER = 64 * 1024;
    private static final int LAST_LOCAL_ID = Integer.MAX_VALUE;
    /** A connection that ends this soon after local's header, before any frame, was most likely refused at the header. */
    private static final long RIGHT_AFTER_HEADER_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int PING_PAYLOAD = 8;
    /**
     * How long a stream that used up its allowance waits for the peer's announcement before the peer
     * counts as a legacy peer that never announces (our remote announces before any other frame).
     */
    private static final long ANNOUNCEMENT_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    /** Which half runs this end: local opens odd stream ids and accepts none, remote accepts them. */
    public enum Side { LOCAL, REMOTE }

    /**
     * Takes a stream the peer opened (any opening type: the acceptor resets those it does not serve with
     * rst 7). Runs on the reader thread, so it must hand blocking work to a thread of its own.
     */
    public interface Acceptor {
        void accept(Stream stream, FrameType type, Address target);
    }

    private final Conduit conduit;
    private final Side side;
    private final String name;
    private final TunnelSettings settings;
    private final Acceptor acceptor;
    private final TunnelWriter writer;
    private final FrameReader reader;
    private final ChunkPool chunks;
    private final Map<StreamKey, Stream> streams = new ConcurrentHashMap<>();
    /** The reader's key for looking streams up: changed for each lookup, never put in the map. Reader thread only. */
    private final StreamKey lookup = new StreamKey(0);
    private final ReentrantLock openLock = new ReentrantLock();
    private final FlowControl flow;
    private final java.util.concurrent.CountDownLatch peerSettingsSeen = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean peerExtensions;
    /** The peer's first frame was not an announcement, so it has none: a legacy peer. */
    private volatile boolean peerLegacy;
    private boolean firstFrameSeen; // reader thread only
    private final long createdNanos = System.nanoTime();
    private volatile boolean peerWantsConnected;
    /** The peer announced that it understands the drain frame. */
    private volatile boolean peerDrains;
    /** A drain frame went out (remote) or came in (local): no new stream on this tunnel. */
    private volatile boolean draining;
    /** Remote: drain() was called before the peer's announcement; the frame goes out right after ours. */
    private boolean drainWhenAnnounced; // guarded by openLock
    /** Remote: the highest stream id registered so far. Guarded by openLock. */
    private int highestAccepted;
    /** Remote: the peer's drain frame said it is leaving. */
    private volatile boolean peerLeft;
    private volatile Consumer<List<Stream>> onDrained = moved -> {
        for (Stream s : moved) s.reset(ErrorCode.ERR, "remote drained the tunnel before accepting the stream");
    };
    private volatile int peerWindow;
    private volatile long lastReceived = System.nanoTime();
    private volatile Consumer<Tunnel> onClosed = t -> { };
    private volatile boolean closed;
    /** How many streams the tunnel's end cut (set once, when it closes). */
    private volatile int streamsCut;
    private int nextId = 1;
    private volatile TunnelObserver observer = TunnelObserver.NONE;
    private volatile TunnelInfo info;
    /** Local: the payload of the keeper's last ping (its send time), to time the pong. */
    private volatile long keeperPing;
    /** Pings sent by {@link #ping} that wait for their pong, by payload; empty unless someone is waiting. */
    private final Map<Long, CountDownLatch> pingsAwaited = new ConcurrentHashMap<>();
    private boolean warnedStreamCap; // reader thread only

    /**
     * @param preamble bytes written before the first frame (local's connection header), or null
     * @param acceptor remote's handler for new streams; null on local
     */
    public Tunnel(Conduit conduit, Side side, TunnelSettings settings, byte[] preamble, Acceptor acceptor) throws IOException {
        this(conduit, side, settings, preamble, acceptor, null);
    }

    Tunnel(Conduit conduit, Side side, TunnelSettings settings, byte[] preamble, Acceptor acceptor,
           TunnelWriter.Observer observer) throws IOException {
        this.conduit = conduit;
        this.side = side;
        this.settings = settings;
        this.acceptor = acceptor;
        this.name = side.name().toLowerCase() + " tunnel " + conduit.name();
        OutputStream out = conduit.outputBuffered() ? conduit.output() : new BufferedOutputStream(conduit.output(), IO_BUFFER);
        if (preamble != null) out.write(preamble);
        this.flow = new FlowControl(settings);
        this.chunks = new ChunkPool(flow::outstanding);
        this.writer = new TunnelWriter(new FrameWriter(out), observer, this::close, settings.budget(), chunks);
        this.reader = new FrameReader(conduit.inputBuffered() ? conduit.input() : new BufferedInputStream(conduit.input(), IO_BUFFER));
    }

    /**
     * Reports this tunnel's end (with its reason), the streams its cap turns away and, on local, ping
     * round trips. Call before {@link #start}; the opener reports the tunnel opened.
     */
    public void observe(TunnelObserver observer, TunnelInfo info) {
        this.observer = observer;
        this.info = info;
    }

    /** Starts the reader and writer threads; {@code onClosed} runs once when the tunnel ends. */
    public Tunnel start(Consumer<Tunnel> onClosed) {
        this.onClosed = onClosed;
        flow.onBudgetSpace(() -> sendGrants(flow.retryStarved()));
        if (side == Side.LOCAL && settings.extensions()) announce();
        Thread.ofVirtual().name(name + " writer").start(this::writeLoop);
        Thread.ofVirtual().name(name + " reader").start(this::readLoop);
        boolean keeper = side == Side.LOCAL ? settings.extensions() && !settings.pingInterval().isZero()
                : !settings.idleTimeout().isZero();
        if (keeper) Thread.ofVirtual().name(name + " keeper").start(side == Side.LOCAL ? this::pingLoop : this::idleLoop);
        return this;
    }

    /**
     * Local: what to do with the streams a drain frame handed back (above the id remote accepted); runs
     * on a thread of its own. By default they are reset.
     */
    public void onDrained(Consumer<List<Stream>> action) {
        this.onDrained = action;
    }

    /** Opens a stream to the target: the opening frame is queued at once and data may follow it without waiting. */
    public Stream open(FrameType type, Address target) throws IOException {
        openLock.lock();
        try {
            if (closed) throw new PongException(ErrorCode.ERR, "tunnel is closed");
            if (draining) throw new PongException(ErrorCode.ERR, "tunnel is draining");
            if (nextId > LAST_LOCAL_ID - 2 || nextId < 0) throw new PongException(ErrorCode.ERR, "stream ids exhausted");
            Stream stream = new Stream(this, nextId, false);
            stream.keepForReplay(type, target);
            nextId += 2;
            streams.put(new StreamKey(stream.id()), stream);
            // Queued under the lock so that ids reach the wire in ascending order. The first credit grant
            // travels with the opening frame: one record, one wake-up of the peer's reader.
            writer.send(stream.lane, new Frame(stream.id(), type, target.encode()), peerExtensions ? startFlow(stream) : null);
            return stream;
        } finally {
            openLock.unlock();
        }
    }

    /**
     * Local: takes over a stream that a drained tunnel handed back, under a fresh id, and replays what
     * was sent on it (opening frame, kept data, finish). False when the stream cannot move (it was reset,
     * remote had accepted it, or its unaccepted bytes outgrew the first window) or this tunnel cannot
     * take it; the caller then resets it or tries another tunnel.
     */
    public boolean adopt(Stream stream) throws IOException {
        openLock.lock();
        try {
            if (closed || draining || nextId > LAST_LOCAL_ID - 2 || nextId < 0) return false;
            int id = nextId;
            Stream.Replay replay = stream.moveTo(this, id);
            if (replay == null) return false;
            nextId += 2;
            streams.put(new StreamKey(id), stream);
            writer.sendReplay(stream.lane, replay.frames(), replay.finished());
            if (peerExtensions) {
                Frame grant = startFlow(stream);
                if (grant != null) writer.sendAfterOpen(stream.lane, grant);
            }
            stream.moved();
            return true;
        } finally {
            openLock.unlock();
        }
    }

    /** True while new streams can be opened on this tunnel. */
    public boolean isUsable() {
        return !closed && !draining && nextId < LAST_LOCAL_ID - 2 && nextId > 0;
    }

    /** True once a drain frame went out (remote) or came in (local). */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Remote: announces to the peer that this tunnel takes no new stream, with the highest id accepted
     * so far; later opening frames are refused without a dial. A peer that did not announce the drain
     * frame is not sent one (false). Called again, does nothing.
     */
    public boolean drain() {
        openLock.lock();
        try {
            if (draining || closed) return draining;
            if (!peerDrains) {
                // the peer's announcement may still be on its way: drain as soon as it is in
                if (!peerExtensions && settings.extensions()) drainWhenAnnounced = true;
                return false;
            }
            draining = true;
            writer.sendUrgent(drainFrame(highestAccepted));
            LOG.log(Level.INFO, "{0}: draining, streams above {1} go elsewhere", this, Integer.toUnsignedString(highestAccepted));
            return true;
        } catch (IOException e) {
            return false; // closing anyway
        } finally {
            openLock.unlock();
        }
    }

    /**
     * Ends the tunnel on purpose: remote resets every stream still open (rst 1 with the reason, never a
     * silent close), local tells remote it is leaving (a drain frame with id 0, to a peer that
     * understands it); both then let the writer send that for up to a second and close.
     */
    public void closeGracefully(String reason) {
        try {
            if (side == Side.REMOTE) {
                for (Stream s : List.copyOf(streams.values())) s.reset(ErrorCode.ERR, reason);
            } else if (peerDrains && !closed) {
                writer.sendUrgent(drainFrame(0));
            }
            writer.awaitIdle(TimeUnit.SECONDS.toNanos(1));
        } catch (IOException e) {
            // closed already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    private static Frame drainFrame(int lastAccepted) {
        return new Frame(Frame.CONNECTION_STREAM, FrameType.DRAIN, ByteBuffer.allocate(4).putInt(lastAccepted).array());
    }

    /** The streams still open when the tunnel ended (each was reset towards its app); 0 while it is open. */
    public int streamsCut() {
        return streamsCut;
    }

    public boolean isClosed() {
        return closed;
    }

    /** One line per open stream (state, credit, buffers), for diagnostics. */
    public String describeStreams() {
        StringBuilder b = new StringBuilder(this + ": " + streams.size() + " streams, committed " + flow.committed());
        for (Stream s : streams.values()) b.append("\n  ").append(s.describe());
        return b.toString();
    }

    public int streamCount() {
        return streams.size();
    }

    /** Bytes received from the peer and not yet taken by the streams' apps. */
    public long bufferedBytes() {
        return flow.buffered();
    }

    /** The most {@link #bufferedBytes()} has ever been on this tunnel. */
    public long peakBufferedBytes() {
        return flow.peakBuffered();
    }

    /** True once the peer announced our extensions (flow control, ping, connect confirmation). */
    public boolean peerHasExtensions() {
        return peerExtensions;
    }

    /** True when the peer announced our extensions and did not decline connect confirmations. */
    public boolean peerWantsConnected() {
        return peerExtensions && peerWantsConnected;
    }

    /** Waits up to the timeout for the peer's announcement; false for a peer that sent none (a legacy peer). */
    public boolean awaitPeerSettings(long timeoutMillis) throws InterruptedException {
        if (!settings.extensions()) return false;
        return peerSettingsSeen.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS) && peerExtensions;
    }

    /**
     * Sends a ping and waits for its pong (a diagnostic round trip). False when the peer has not announced
     * our extensions (it would not answer) or no pong came within the timeout.
     */
    public boolean ping(long timeoutMillis) throws IOException, InterruptedException {
        if (!peerExtensions) return false;
        long token = ThreadLocalRandom.current().nextLong();
        CountDownLatch answered = new CountDownLatch(1);
        pingsAwaited.put(token, answered);
        try {
            writer.sendUrgent(new Frame(Frame.CONNECTION_STREAM, FrameType.PING, ByteBuffer.allocate(8).putLong(token).array()));
            return answered.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } finally {
            pingsAwaited.remove(token);
        }
    }

    @Override
    public void close() {
        close(null);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- used by Stream

    TunnelWriter writer() {
        return writer;
    }

    FlowControl flow() {
        return flow;
    }

    TunnelSettings settings() {
        return settings;
    }

    /** Unread bytes a stream may hold before the reader waits: the largest window plus slack for data sent before our announcement. */
    int inboundLimit() {
        return peerExtensions ? settings.maxWindow() + settings.streamBuffer() : settings.streamBuffer();
    }

    /**
     * Nanoseconds a stream may still wait for the peer's announcement; 0 once it arrived, once the peer
     * showed it has none (its first frame was something else), when we do not announce, or after
     * {@link #ANNOUNCEMENT_WAIT_NANOS} of silence.
     */
    long announcementWaitNanos() {
        if (peerExtensions || peerLegacy || !settings.extensions() || closed) return 0;
        return Math.max(0, createdNanos + ANNOUNCEMENT_WAIT_NANOS - System.nanoTime());
    }

    /** The most a stream keeps for a replay: the first window (the peer's initial window, or ours before it announced). */
    int replayLimit() {
        return peerExtensions ? peerWindow : settings.window();
    }

    /** Largest payload of one data frame we send; a datagram larger than this cannot travel whole. */
    public int maxDataPayload() {
        return settings.maxFramePayload();
    }

    /** The stream's app took n bytes: grant the peer more credit where due. */
    void consumed(Stream stream, int n) {
        sendGrants(flow.consumed(stream.window, n, peerExtensions));
    }

    void forget(Stream stream) {
        if (streams.remove(new StreamKey(stream.id()), stream)) {
            sendGrants(flow.closed(stream.window, peerExtensions && !closed));
            chunks.trim(streams.isEmpty()); // its credit is gone: free chunks kept for it go too
        }
    }

    /** An rst frame for this peer: peers that have not announced our extensions get the code byte alone (NOTES.md). */
    Frame rstFrame(int id, ErrorCode code, String reason) {
        return Frame.rst(id, code, peerExtensions ? reason : null);
    }

    // ---- extensions: announcement, credit, liveness

    private void announce() {
        try {
            Settings ours = (side == Side.LOCAL ? Settings.announce(settings.window(), settings.connectConfirm())
                    : Settings.announce(settings.window())).withDrain();
            writer.sendUrgent(new Frame(Frame.CONNECTION_STREAM, FrameType.SET, ours.encode()));
        } catch (IOException e) {
            // the tunnel is closing; nothing to announce to
        }
    }

    /** The peer's set frame on stream 0: from now on we use the extensions it announced. */
    private void onSettings(byte[] payload) throws IOException {
        Settings peer = Settings.decode(payload);
        if (!settings.extensions() || peer.extensionsVersion() < Settings.EXTENSIONS_VERSION || peerExtensions) return;
        openLock.lock();
        try {
            peerWindow = peer.initialWindow(0);
            peerWantsConnected = peer.wantsConnectConfirm();
            peerDrains = peer.understandsDrain();
            peerExtensions = true;
            if (side == Side.REMOTE) announce();
            if (drainWhenAnnounced && peerDrains) {
                draining = true;
                writer.sendUrgent(drainFrame(highestAccepted));
            }
            // Streams opened before the announcement: their send credit and our first grant start now.
            if (side == Side.LOCAL) {
                for (Stream s : streams.values()) {
                    Frame grant = startFlow(s);
                    if (grant != null) writer.sendAfterOpen(s.lane, grant);
                }
            }
        } finally {
            openLock.unlock();
        }
        peerSettingsSeen.countDown();
        LOG.log(Level.DEBUG, "{0}: peer speaks pong extensions v{1}, initial window {2}", this, peer.extensionsVersion(), peerWindow);
    }

    /**
     * For a stream we opened: the peer's initial credit applies, and the first window we grant (null
     * when the budget is spent) is to go right behind the opening frame.
     */
    private Frame startFlow(Stream stream) {
        stream.addCredit(peerWindow);
        int g = flow.firstGrant(stream.window);
        return g > 0 ? windowFrame(stream.id(), g) : null;
    }

    private void sendGrants(List<FlowControl.Grant> grants) {
        // indexed: most calls (one per chunk an app takes) bring an empty list, and need no iterator for it
        for (int i = 0; i < grants.size(); i++) {
            FlowControl.Grant g = grants.get(i);
            try {
                writer.sendUrgent(windowFrame(g.stream().id(), g.increment()));
            } catch (IOException e) {
                return; // tunnel closing
            }
        }
    }

    private static Frame windowFrame(int id, int increment) {
        return new Frame(id, FrameType.WINDOW, ByteBuffer.allocate(4).putInt(increment).array());
    }

    /** Local: pings a tunnel that has been quiet for the ping interval and closes it if the peer stays silent. */
    private void pingLoop() {
        long interval = settings.pingInterval().toNanos();
        long timeout = settings.pingTimeout().toNanos();
        long tick = Math.max(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10), Math.min(interval, timeout) / 4);
        long pingSent = 0;
        try {
            while (!closed) {
                java.util.concurrent.locks.LockSupport.parkNanos(tick);
                if (!peerExtensions) continue;
                long now = System.nanoTime();
                long quiet = now - lastReceived;
                if (pingSent != 0 && lastReceived - pingSent < 0) {
                    if (now - pingSent >= timeout) {
                        close(CloseReason.PING_TIMEOUT, new IOException("no answer to ping within " + settings.pingTimeout().toMillis() + " ms"));
                        return;
                    }
                } else if (quiet >= interval) {
                    pingSent = now;
                    keeperPing = now;
                    writer.sendUrgent(new Frame(Frame.CONNECTION_STREAM, FrameType.PING, ByteBuffer.allocate(PING_PAYLOAD).putLong(now).array()));
                } else {
                    pingSent = 0;
                }
            }
        } catch (IOException e) {
            // tunnel closed
        }
    }

    /** Remote: closes a tunnel that has carried no stream and received nothing for the idle timeout. */
    private void idleLoop() {
        long idle = settings.idleTimeout().toNanos();
        long tick = Math.max(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10), idle / 4);
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(tick);
            if (streams.isEmpty() && System.nanoTime() - lastReceived >= idle) {
                LOG.log(Level.INFO, "{0}: idle for {1} s, closing", this, settings.idleTimeout().toSeconds());
                close(CloseReason.IDLE, null);
                return;
            }
        }
    }

    // ---- reader and writer threads

    private void writeLoop() {
        try {
            writer.run();
        } catch (IOException e) {
            close(e);
        } catch (InterruptedException e) {
            close(null);
        } catch (Throwable e) {
            // A bug or an Error (OutOfMemoryError among them): end the tunnel and release what it holds
            // rather than leave it half dead with its buffers pinned.
            LOG.log(Level.ERROR, "tunnel writer failed", e);
            close(new IOException("internal error in the writer: " + e));
        }
    }

    private void readLoop() {
        IOException failure = null;
        try {
            while (reader.readHeader()) {
                // past the first frame (which tells a legacy peer), a data frame on a stream takes the short way
                if (reader.type() == FrameType.DATA.code && firstFrameSeen && reader.streamId() != Frame.CONNECTION_STREAM) {
                    onDataFrame();
                } else {
                    dispatch(reader.readRest());
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // as in writeLoop: whatever ends the reader ends the tunnel, so nothing stays held
            LOG.log(Level.ERROR, "tunnel reader failed", e);
            failure = new IOException("internal error in the reader: " + e);
        }
        if (failure == null && !closed) failure = new PeerEnded();
        if (side == Side.LOCAL && !firstFrameSeen && failure != null && !(failure instanceof ProtocolException)
                && System.nanoTime() - createdNanos < RIGHT_AFTER_HEADER_NANOS) {
            failure = new NothingAfterHeader();
        }
        close(failure);
    }

    private void dispatch(Frame frame) throws IOException, InterruptedException {
        lastReceived = System.nanoTime();
        int id = frame.streamId();
        FrameType type = frame.frameType();
        if (!firstFrameSeen) {
            firstFrameSeen = true;
            if (id != Frame.CONNECTION_STREAM || type != FrameType.SET) {
                peerLegacy = true;
                for (Stream s : streams.values()) s.announcementSettled();
            }
        }
        // Until the peer announced our extension, its types mean nothing from it (rst 7 like any unknown type).
        if (type != null && type.isExtension() && !peerExtensions) type = null;
        if (id == Frame.CONNECTION_STREAM) {
            onConnectionFrame(frame, type);
            return;
        }
        Stream stream = streamOf(id);
        if (stream != null && side == Side.LOCAL) stream.accepted(); // remote knows the stream: nothing to replay
        if (type != null && type.opensStream()) {
            onOpen(frame, type, stream);
            return;
        }
        if (stream == null) return; // data or commands for an unknown (or finished) stream are dropped
        if (type == null) {
            stream.reset(ErrorCode.ERR_COMMAND_UNKNOWN, String.format("unknown frame type 0x%02x", frame.type()));
            return;
        }
        switch (type) {
            case DATA -> {
                byte[] p = frame.payload();
                Chunk chunk = chunks.take(p.length);
                System.arraycopy(p, 0, chunk.bytes, 0, p.length);
                stream.onData(chunk);
            }
            case FINISH -> stream.onFinish();
            case CLOSE -> stream.onClose();
            case RST -> onRst(stream, frame.payload());
            case WINDOW -> onWindow(stream, frame.payload());
            case CONNECTED -> stream.onConnected();
            default -> { } // set on a stream: no per-stream settings defined
        }
    }

    /**
     * A data frame whose header was just read, as {@link #dispatch} would handle it: its payload is read
     * straight into a chunk that the stream queues for its app. Nothing is allocated per frame.
     */
    private void onDataFrame() throws IOException, InterruptedException {
        lastReceived = System.nanoTime();
        int id = reader.streamId();
        Stream stream = streamOf(id);
        if (stream == null) {
            reader.skipPayload(); // data for an unknown (or finished) stream is dropped
            return;
        }
        if (side == Side.LOCAL) stream.accepted(); // remote knows the stream: nothing to replay
        Chunk chunk = chunks.take(reader.payloadLength());
        try {
            reader.readPayload(chunk.bytes, 0);
        } catch (Throwable e) {
            chunk.release();
            throw e;
        }
        stream.onData(chunk);
    }

    /** The stream with this id, or null; reader thread only (it reuses one key, so no id is boxed per frame). */
    private Stream streamOf(int id) {
        lookup.id = id;
        return streams.get(lookup);
    }

    /** A stream id as a map key; unlike an Integer, one instance can be reused for lookups. */
    private static final class StreamKey {
        int id;

        StreamKey(int id) {
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StreamKey k && k.id == id;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(id);
        }
    }

    /** Frames on stream 0: the extensions' connection-level frames; anything else is ignored, as pong-go does. */
    private void onConnectionFrame(Frame frame, FrameType type) throws IOException {
        if (type == FrameType.SET) {
            onSettings(frame.payload());
        } else if (type == FrameType.PING && peerExtensions) {
            // A ping is 8 bytes (docs/extensions.md): a longer one would make us queue as long a pong.
            if (frame.payload().length != PING_PAYLOAD) throw new ProtocolException("ping with " + frame.payload().length + " payload bytes");
            writer.sendUrgent(new Frame(Frame.CONNECTION_STREAM, FrameType.PONG, frame.payload()));
        } else if (type == FrameType.DRAIN) {
            onDrain(frame.payload());
        } else if (type == FrameType.PONG && frame.payload().length == PING_PAYLOAD) {
            long token = ByteBuffer.wrap(frame.payload()).getLong();
            TunnelInfo i = info;
            if (token == keeperPing && i != null) observer.pingRoundTrip(i, System.nanoTime() - token);
            CountDownLatch waiting = pingsAwaited.isEmpty() ? null : pingsAwaited.get(token);
            if (waiting != null) waiting.countDown();
        }
    }

    /**
     * The peer's drain frame. From remote: streams up to the id stay here; those above it were never
     * dialed and are handed to {@link #onDrained} (on a thread of its own) to be opened elsewhere. From
     * local: it is leaving, and the log says so when the tunnel ends.
     */
    private void onDrain(byte[] payload) throws ProtocolException {
        if (payload.length != 4) throw new ProtocolException("drain frame with " + payload.length + " payload bytes");
        long last = ByteBuffer.wrap(payload).getInt() & 0xffffffffL;
        if (side == Side.REMOTE) {
            peerLeft = true;
            LOG.log(Level.INFO, "{0}: client left ({1} streams open)", this, streams.size());
            return;
        }
        List<Stream> moved = new ArrayList<>();
        openLock.lock();
        try {
            draining = true;
            for (Stream s : List.copyOf(streams.values())) {
                if ((s.id() & 0xffffffffL) <= last) {
                    s.accepted();
                } else if (streams.remove(new StreamKey(s.id()), s)) {
                    moved.add(s);
                }
            }
        } finally {
            openLock.unlock();
        }
        for (Stream s : moved) {
            FlowControl.Window w = s.detach();
            writer.reset(s.lane, null);
            flow.closed(w, false);
        }
        LOG.log(Level.INFO, "{0}: remote drains the tunnel at stream {1}; {2} streams to replay elsewhere", this, Long.toString(last), moved.size());
        Consumer<List<Stream>> action = onDrained;
        if (!moved.isEmpty()) Thread.ofVirtual().name(name + " replay").start(() -> action.accept(moved));
        // the remote will close it once the accepted streams are done; nothing more to do here
    }

    /** Remote: the peer said it is leaving (a drain frame from local). */
    public boolean peerLeft() {
        return peerLeft;
    }

    private void onWindow(Stream stream, byte[] payload) throws ProtocolException {
        if (payload.length != 4) throw new ProtocolException("window frame with " + payload.length + " payload bytes");
        int increment = ByteBuffer.wrap(payload).getInt();
        if (increment <= 0) throw new ProtocolException("window increment " + increment);
        stream.addCredit(increment);
    }

    private void onOpen(Frame frame, FrameType type, Stream existing) throws IOException {
        int id = frame.streamId();
        if (existing != null) {
            LOG.log(Level.WARNING, "{0}: stream id {1} opened twice", this, id);
            existing.reset(ErrorCode.ERR_REPEAT_ID, "stream id " + id + " is already open");
            return;
        }
        if (acceptor == null || (id & 1) == 0) {
            writer.sendUrgent(rstFrame(id, ErrorCode.ERR_COMMAND_UNKNOWN, "this side accepts no streams"));
            return;
        }
        Address target;
        try {
            target = Address.decode(frame.payload());
        } catch (PongException e) {
            writer.sendUrgent(rstFrame(id, e.code(), e.getMessage()));
            return;
        }
        // the peer may not hold more than maxStreams open at once
        if (streams.size() >= settings.maxStreams()) {
            if (!warnedStreamCap) {
                warnedStreamCap = true;
                LOG.log(Level.WARNING, "{0}: tunnel.max.streams={1} reached, new streams get rst {2} (logged once per tunnel)",
                        this, settings.maxStreams(), ErrorCode.ERR.code);
            }
            observer.rejected(Rejection.STREAM_LIMIT, conduit.name(), "tunnel.max.streams=" + settings.maxStreams());
            writer.sendUrgent(rstFrame(id, ErrorCode.ERR, "too many streams on this tunnel"));
            return;
        }
        Stream stream;
        openLock.lock();
        try {
            if (draining) {
                // above the id our drain frame named: never dialed; the peer opens it again elsewhere
                writer.sendUrgent(rstFrame(id, ErrorCode.ERR, "tunnel is draining"));
                return;
            }
            stream = new Stream(this, id, true);
            streams.put(new StreamKey(id), stream);
            if (Integer.compareUnsigned(id, highestAccepted) > 0) highestAccepted = id;
        } finally {
            openLock.unlock();
        }
        acceptor.accept(stream, type, target);
    }

    private void onRst(Stream stream, byte[] payload) {
        ErrorCode code = payload.length == 0 ? ErrorCode.ERR : ErrorCode.of(payload[0] & 0xff);
        String text = payload.length <= 1 ? "" : new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
        stream.onPeerReset(code, text);
    }

    /** Some JDK exceptions (EOF inside readFully, among others) carry no message: name the class instead of logging "null". */
    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Local saw the connection end before any frame, just after sending the header: what remote does
     * with a client id it does not know, and what a wrong transport scheme looks like.
     */
    private static final class NothingAfterHeader extends EOFException {
        NothingAfterHeader() {
            super("remote closed the tunnel right after the header: client.id not accepted by remote, or the wrong transport"
                    + " (tcp:// vs tls://)");
        }
    }

    /** The peer ended the connection in order, between two frames. */
    private static final class PeerEnded extends EOFException {
        PeerEnded() {
            super("peer closed the connection");
        }
    }

    /** Why a failure ended the tunnel, for observers. */
    private static CloseReason reasonOf(IOException failure) {
        if (failure == null) return CloseReason.SHUTDOWN;
        if (failure instanceof ProtocolException) return CloseReason.PROTOCOL_ERROR;
        if (failure instanceof EOFException) return CloseReason.PEER_CLOSED;
        return CloseReason.IO_ERROR;
    }

    private void close(IOException failure) {
        close(reasonOf(failure), failure);
    }

    /**
     * Ends the tunnel once: closes the conduit (aborts it after a failure) and resets every stream still
     * on it towards its app.
     */
    private void close(CloseReason reason, IOException failure) {
        List<Stream> cut;
        openLock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            openLock.unlock();
        }
        writer.close();
        // ended by a failure (an I/O or protocol error, a silent peer): the peer must see a cut (RST,
        // RST_STREAM), never the clean end an orderly close would show it
        if (failure == null || failure instanceof PeerEnded) conduit.close();
        else conduit.abort();
        cut = List.copyOf(streams.values());
        streamsCut = cut.size();
        for (Stream s : cut) s.onTunnelLost();
        streams.clear();
        flow.releaseAll();
        if (failure instanceof ProtocolException) {
            LOG.log(Level.WARNING, "{0} closed: protocol error: {1}", this, describe(failure));
        } else if (peerLeft) {
            LOG.log(Level.INFO, "{0} closed: client left{1}", this, cut.isEmpty() ? "" : " (" + cut.size() + " streams cut)");
        } else if (failure instanceof NothingAfterHeader) {
            LOG.log(Level.WARNING, "{0} closed: {1}", this, failure.getMessage());
        } else if (failure != null && !(failure instanceof SocketException && cut.isEmpty())) {
            LOG.log(Level.INFO, "{0} closed: {1}{2}", this, describe(failure),
                    cut.isEmpty() ? "" : " (" + cut.size() + " streams cut)");
        } else {
            LOG.log(Level.DEBUG, "{0} closed", this);
        }
        TunnelInfo i = info;
        if (i != null) observer.tunnelClosed(i, peerLeft ? CloseReason.CLIENT_LEFT : reason, failure == null ? "" : describe(failure));
        onClosed.accept(this);
    }
}
