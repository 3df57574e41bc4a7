package pong.transport.http2;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection (RFC 9113) over a blocking {@link ByteLink}, as client (prior-knowledge preface) or
 * server, carrying many independent {@link Http2Stream}s. SETTINGS (with ACK), PING, GOAWAY, RST_STREAM and
 * WINDOW_UPDATE are handled here; flow control is real at both levels (windows in {@link Http2Options}).
 * A violation limited to one stream ends that stream with RST_STREAM; only a connection error (bad HPACK,
 * bad frame, window overflow on the connection, floods) ends the connection, with GOAWAY.
 *
 * <p>Threading: one reader virtual thread reads and dispatches every frame; one writer virtual thread
 * ({@link FrameQueue}) writes every frame; on a server, one virtual thread per stream runs the
 * {@link StreamHandler}. Application threads block in stream reads and writes. All connection and stream
 * state is guarded by {@link #lock}; the lock order is {@code lock} then the queue's lock (the queue's lock
 * is a leaf). Nothing blocks while holding {@code lock} except awaiting its own conditions: DATA is queued
 * (which may wait for room) after the lock is released.
 */
public final class Http2Connection implements AutoCloseable {
    /** The client connection preface (RFC 9113 section 3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Serves one stream the peer opened; runs on its own virtual thread. Returning leaves the stream as described at {@link #server}. */
    @FunctionalInterface
    public interface StreamHandler {
        void serve(Http2Stream stream) throws Exception;
    }

    private static final Logger LOG = System.getLogger(Http2Connection.class.getName());
    /** How long a closing connection may take to write its GOAWAY before the link is cut. */
    private static final long CLOSE_GRACE_MILLIS = 5_000;
    private static final long NO_PING = 0;

    private final ByteLink link;
    private final Http2Options options;
    private final boolean client;
    private final StreamHandler handler;
    private final String name;
    private final FrameQueue queue;
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder(true);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slots = lock.newCondition();
    private final Condition connectionWindowOpened = lock.newCondition();
    private final Condition pinged = lock.newCondition();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong pingCounter = new AtomicLong();

    // guarded by lock
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    private int nextStreamId;
    /** Highest stream id the peer opened (or tried to). */
    private int lastPeerStream;
    private long sendWindow = Http2Frame.DEFAULT_WINDOW;
    private long recvWindow;
    private int unacked;
    private long peerInitialWindow = Http2Frame.DEFAULT_WINDOW;
    private volatile int peerMaxFrameSize = Http2Frame.MIN_MAX_FRAME_SIZE;
    private long peerMaxConcurrent = Long.MAX_VALUE;
    private int handlersRunning;
    private boolean settingsReceived;
    /** The peer acknowledged our SETTINGS: from then on it counts stream windows from what we announced. Guarded by lock. */
    private boolean ourSettingsAcked;
    /** Set once: no new streams (GOAWAY sent or received, or the connection ended). */
    private boolean goingAway;
    private int peerLastStream = Integer.MAX_VALUE;
    /** Set once when the connection has ended; every stream fails with it. */
    private IOException ended;
    private long pingPending = NO_PING;
    private boolean pingAcked;

    private Http2Connection(ByteLink link, Http2Options options, boolean client, StreamHandler handler) {
        this.link = link;
        this.options = options;
        this.client = client;
        this.handler = handler;
        this.name = (client ? "h2 to " : "h2 from ") + link.name();
        this.queue = new FrameQueue(options.writeQueueBytes(), options.maxQueuedReplies());
        this.decoder = new HpackDecoder(options.headerTableSize(), options.maxHeaderListSize());
        this.nextStreamId = client ? 1 : 2;
        this.recvWindow = options.connectionWindow();
    }

    /**
     * A client connection: sends the preface and our SETTINGS at once (prior knowledge; for h2 over TLS the
     * caller has negotiated ALPN "h2") and returns; streams may be opened right away.
     */
    public static Http2Connection client(ByteLink link, Http2Options options) throws IOException {
        Http2Connection c = new Http2Connection(link, options, true, null);
        c.start(true);
        return c;
    }

    /**
     * A server connection: reads the client preface on the reader thread (a link that does not start with it
     * is closed) and runs handler for every stream the client opens, up to the stream cap (streams not yet
     * closed on both sides; handlers at most twice that); more are refused with RST_STREAM REFUSED_STREAM. When the handler returns, a stream it left open is reset: CANCEL if our
     * side was not ended (the response is incomplete), NO_ERROR if only the request body was left unread;
     * a handler that throws resets it with INTERNAL_ERROR.
     */
    public static Http2Connection server(ByteLink link, Http2Options options, StreamHandler handler) throws IOException {
        Http2Connection c = new Http2Connection(link, options, false, handler);
        c.start(false);
        return c;
    }

    private void start(boolean sendPreface) throws IOException {
        InputStream in = link.input();
        OutputStream out = link.output();
        List<Http2Frame.Setting> ours = new ArrayList<>();
        ours.add(new Http2Frame.Setting(Http2Frame.Setting.HEADER_TABLE_SIZE, options.headerTableSize()));
        if (client) ours.add(new Http2Frame.Setting(Http2Frame.Setting.ENABLE_PUSH, 0));
        ours.add(new Http2Frame.Setting(Http2Frame.Setting.MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams()));
        ours.add(new Http2Frame.Setting(Http2Frame.Setting.INITIAL_WINDOW_SIZE, options.streamWindow()));
        ours.add(new Http2Frame.Setting(Http2Frame.Setting.MAX_FRAME_SIZE, options.maxFrameSize()));
        ours.add(new Http2Frame.Setting(Http2Frame.Setting.MAX_HEADER_LIST_SIZE, options.maxHeaderListSize()));
        if (sendPreface) queue.control(w -> out.write(PREFACE));
        queue.control(w -> w.settings(ours));
        int raise = options.connectionWindow() - Http2Frame.DEFAULT_WINDOW;
        if (raise > 0) queue.control(w -> w.windowUpdate(0, raise));
        queue.start(name, out, link.outputBuffered(), this::writerEnded);
        Thread.ofVirtual().name("h2-reader " + name).start(() -> readLoop(in));
    }

    public String name() {
        return name;
    }

    Condition newCondition() {
        return lock.newCondition();
    }

    // ------------------------------------------------------------------ public connection API

    /**
     * Opens a stream with our request headers (client only). Waits while the peer's
     * SETTINGS_MAX_CONCURRENT_STREAMS are all in use; fails once the connection is going away.
     */
    public Http2Stream openStream(List<HeaderField> headers, boolean endStream) throws IOException {
        if (!client) throw new IllegalStateException("a server does not open streams");
        byte[] block = encoder.encode(headers);
        lock.lock();
        try {
            while (ended == null && !goingAway && streams.size() >= peerMaxConcurrent) slots.awaitUninterruptibly();
            if (ended != null) throw new IOException(name + " has ended", ended);
            if (goingAway) throw new IOException(name + " is going away: no new streams");
            if (nextStreamId < 0) throw new IOException(name + " has used up its stream ids");
            int id = nextStreamId;
            nextStreamId += 2;
            Http2Stream s = new Http2Stream(this, id, peerInitialWindow, options.streamWindow());
            streams.put(id, s);
            int maxFrame = peerMaxFrameSize;
            queue.control(w -> w.headers(id, block, endStream, maxFrame));
            if (endStream) {
                s.localEnded = true;
                s.state = s.state.afterSendingEnd();
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Sends a PING and waits for its ACK; false if none came in time. One ping at a time. */
    public boolean ping(Duration timeout) throws IOException, InterruptedException {
        long payload = pingCounter.incrementAndGet();
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (pingPending != NO_PING && ended == null) {
                if (!pinged.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) return false;
            }
            if (ended != null) throw new IOException(name + " has ended", ended);
            pingPending = payload;
            pingAcked = false;
            queue.control(w -> w.ping(false, payload));
            try {
                while (!pingAcked && ended == null) {
                    if (!pinged.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) return false;
                }
                return pingAcked;
            } finally {
                pingPending = NO_PING;
                pinged.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Graceful end: GOAWAY NO_ERROR, no new streams; the connection closes when the open ones have ended. */
    public void shutdown() {
        lock.lock();
        try {
            if (goingAway || ended != null) return;
            goingAway = true;
            int last = lastPeerStream;
            try {
                queue.control(w -> w.goAway(last, Http2Error.NO_ERROR, new byte[0]));
            } catch (IOException e) {
                // the writer has failed; the connection is ending anyway
            }
            slots.signalAll();
            if (streams.isEmpty()) terminate(null, new IOException(name + " was shut down"));
        } finally {
            lock.unlock();
        }
    }

    /** Ends now: GOAWAY NO_ERROR, open streams fail, the link is closed after the GOAWAY is written. */
    @Override
    public void close() {
        terminate(Http2Error.NO_ERROR, "closed", new IOException(name + " was closed"));
    }

    /** Cuts the link (the peer sees an abort); open streams fail. */
    public void abort() {
        lock.lock();
        try {
            if (ended == null) failAll(new IOException(name + " was aborted"));
        } finally {
            lock.unlock();
        }
        queue.finish(null);
        link.abort();
        closed.countDown();
    }

    public boolean isOpen() {
        lock.lock();
        try {
            return ended == null;
        } finally {
            lock.unlock();
        }
    }

    /** True while new streams may be opened on this connection. */
    public boolean acceptsStreams() {
        lock.lock();
        try {
            return ended == null && !goingAway;
        } finally {
            lock.unlock();
        }
    }

    public int activeStreams() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the connection has ended and its link is closed; false on timeout. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ reader

    private void readLoop(InputStream in) {
        Http2FrameReader reader = new Http2FrameReader(in, options.maxFrameSize(), 2 * options.maxHeaderListSize());
        try {
            if (!client) readPreface(in);
            while (true) {
                try {
                    Http2Frame f = reader.read();
                    if (f == null) break;
                    dispatch(f);
                } catch (Http2Exception e) {
                    // a stream error leaves the connection in step (the frame was read whole): go on
                    if (e.isConnectionError()) throw e;
                    streamError(e);
                }
            }
            terminate(null, new EOFException(name + ": peer closed the connection"));
        } catch (Http2Exception e) {
            LOG.log(Level.INFO, () -> name + ": connection error, sending GOAWAY: " + e.getMessage());
            terminate(e.error(), e.getMessage(), e);
        } catch (IOException e) {
            terminate(null, e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": internal error", e);
            terminate(Http2Error.INTERNAL_ERROR, "internal error", new IOException(e));
        }
    }

    private void readPreface(InputStream in) throws IOException {
        byte[] got = in.readNBytes(PREFACE.length);
        if (!Arrays.equals(got, PREFACE)) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "no HTTP/2 client preface");
    }

    private void dispatch(Http2Frame f) throws IOException {
        if (!settingsReceived && !(f instanceof Http2Frame.Settings s && !s.ack())) {
            throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "first frame is not SETTINGS");
        }
        switch (f) {
            case Http2Frame.Data d -> onData(d);
            case Http2Frame.Headers h -> onHeaders(h);
            case Http2Frame.Priority p -> {
                // accepted and ignored (RFC 9113 section 5.3.2: priority signals are deprecated)
            }
            case Http2Frame.RstStream r -> onRstStream(r);
            case Http2Frame.Settings s -> onSettings(s);
            case Http2Frame.PushPromise p -> throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE (push is disabled)");
            case Http2Frame.Ping p -> onPing(p);
            case Http2Frame.GoAway g -> onGoAway(g);
            case Http2Frame.WindowUpdate w -> onWindowUpdate(w);
            case Http2Frame.Unknown u -> {
                // unknown frame types are ignored (RFC 9113 section 4.1)
            }
        }
    }

    private boolean peerInitiated(int id) {
        return (id & 1) == (client ? 0 : 1);
    }

    /** Section 5.1: a stream id above any used so far is idle; frames other than HEADERS/PRIORITY on it are a connection error. */
    private boolean idle(int id) {
        return peerInitiated(id) ? id > lastPeerStream : id >= nextStreamId;
    }

    private void onData(Http2Frame.Data d) throws IOException {
        int id = d.stream();
        int flow = d.flowLength();
        int data = d.data().length;
        lock.lock();
        try {
            if (flow > recvWindow) throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, "DATA beyond the connection window");
            recvWindow -= flow;
            Http2Stream s = streams.get(id);
            if (s == null) {
                if (idle(id)) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "DATA on idle stream " + id);
                consumed(null, flow); // a stream we reset or that ended: its bytes still count on the connection
                return;
            }
            if (!s.state.peerMaySend()) {
                consumed(null, flow);
                throw new Http2Exception(Http2Error.STREAM_CLOSED, id, "DATA after END_STREAM");
            }
            // Until it acknowledged our SETTINGS, the peer may still count a stream's window from the
            // default 65,535 (RFC 9113 section 6.9.3): what it sent within that is no overrun.
            long allowance = ourSettingsAcked ? 0 : Math.max(0, Http2Frame.DEFAULT_WINDOW - options.streamWindow());
            if (flow > s.recvWindow + allowance) {
                consumed(null, flow);
                throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, id, "DATA beyond the stream window");
            }
            s.recvWindow -= flow;
            if (flow > data) consumed(s, flow - data); // padding is consumed on arrival
            if (s.inputClosed) {
                consumed(s, data);
            } else if (data > 0) {
                append(s, d.data());
            }
            if (d.endStream()) remoteEnd(s);
            s.readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void append(Http2Stream s, byte[] data) {
        int need = s.count + data.length;
        if (s.buf == null || need > s.buf.length) {
            byte[] grown = new byte[Math.max(need, s.buf == null ? 16 << 10 : Math.min(2 * s.buf.length, Integer.MAX_VALUE - 8))];
            for (int i = 0; i < s.count; ) { // unwrap the ring into the new array
                int from = (s.head + i) % s.buf.length;
                int n = Math.min(s.count - i, s.buf.length - from);
                System.arraycopy(s.buf, from, grown, i, n);
                i += n;
            }
            s.buf = grown;
            s.head = 0;
        }
        int tail = (s.head + s.count) % s.buf.length;
        int first = Math.min(data.length, s.buf.length - tail);
        System.arraycopy(data, 0, s.buf, tail, first);
        System.arraycopy(data, first, s.buf, 0, data.length - first);
        s.count += data.length;
    }

    private void onHeaders(Http2Frame.Headers h) throws IOException {
        int id = h.stream();
        List<HeaderField> fields;
        Http2Exception tooLarge = null;
        try {
            fields = decoder.decode(h.block()); // always, in order: the table must stay in step with the peer
        } catch (HpackDecoder.HeaderListTooLarge e) {
            fields = null;
            tooLarge = new Http2Exception(Http2Error.PROTOCOL_ERROR, id, e.getMessage());
        }
        Http2Stream started = null;
        lock.lock();
        try {
            Http2Stream s = streams.get(id);
            if (s != null) {
                if (!s.state.peerMaySend()) throw new Http2Exception(Http2Error.STREAM_CLOSED, id, "HEADERS after END_STREAM");
                if (tooLarge != null) throw tooLarge;
                if (s.headers == null) {
                    if (client && informational(fields)) {
                        if (h.endStream()) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, id, "1xx response ends the stream");
                        return;
                    }
                    HeaderRules.check(fields, client ? HeaderRules.Kind.RESPONSE : HeaderRules.Kind.REQUEST, id);
                    s.headers = fields;
                } else {
                    if (!h.endStream()) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, id, "trailers without END_STREAM");
                    HeaderRules.check(fields, HeaderRules.Kind.TRAILERS, id);
                    s.trailers = fields;
                }
                if (h.endStream()) remoteEnd(s);
                s.readable.signalAll();
                return;
            }
            if (!peerInitiated(id) || client) {
                if (idle(id)) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "HEADERS on stream " + id + " that nobody opened");
                return; // a stream that has ended: frames still in flight are ignored
            }
            if (id <= lastPeerStream) return; // closed stream, see above
            lastPeerStream = id;
            if (goingAway || ended != null) return; // after GOAWAY, new streams are ignored (section 6.8)
            if (tooLarge != null) throw tooLarge;
            // The cap counts open and half-closed streams (RFC 9113 section 5.1.2): a stream both sides have
            // ended is free for the client to reuse even while its handler is still returning. Handlers
            // themselves are bounded at twice the cap, so finishing ones cannot pile up.
            if (streams.size() >= options.maxConcurrentStreams() || handlersRunning >= 2 * options.maxConcurrentStreams()) {
                if (!queue.reply(w -> w.rstStream(id, Http2Error.REFUSED_STREAM))) {
                    throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "streams over the cap faster than RST_STREAM can be written");
                }
                return;
            }
            HeaderRules.check(fields, HeaderRules.Kind.REQUEST, id);
            Http2Stream s2 = new Http2Stream(this, id, peerInitialWindow, options.streamWindow());
            s2.headers = fields;
            streams.put(id, s2);
            handlersRunning++;
            if (h.endStream()) remoteEnd(s2);
            started = s2;
        } finally {
            lock.unlock();
        }
        Http2Stream s = started;
        Thread.ofVirtual().name("h2-stream " + s).start(() -> serve(s));
    }

    private static boolean informational(List<HeaderField> fields) {
        for (HeaderField f : fields) {
            if (f.name().equals(":status")) return f.value().length() == 3 && f.value().charAt(0) == '1';
        }
        return false;
    }

    private void serve(Http2Stream s) {
        Throwable failure = null;
        try {
            handler.serve(s);
        } catch (IOException e) {
            failure = e; // the stream or connection failed under the handler: the peer's doing, not news
            LOG.log(Level.DEBUG, () -> s + ": handler ended with " + e);
        } catch (Exception | Error e) {
            failure = e;
            LOG.log(Level.WARNING, s + ": handler failed", e);
        } finally {
            lock.lock();
            try {
                handlersRunning--;
                if (s.state != StreamState.CLOSED && s.resetCode == null && s.failure == null) {
                    Http2Error code = failure != null ? Http2Error.INTERNAL_ERROR : !s.localEnded ? Http2Error.CANCEL : Http2Error.NO_ERROR;
                    reset(s, code, false);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void onRstStream(Http2Frame.RstStream r) throws IOException {
        lock.lock();
        try {
            Http2Stream s = streams.get(r.stream());
            if (s == null) {
                if (idle(r.stream())) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "RST_STREAM on idle stream " + r.stream());
                return;
            }
            s.resetByPeer = true;
            closeStream(s, r.error());
        } finally {
            lock.unlock();
        }
    }

    private void onSettings(Http2Frame.Settings f) throws IOException {
        if (f.ack()) {
            lock.lock();
            try {
                ourSettingsAcked = true;
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            settingsReceived = true;
            for (Http2Frame.Setting s : f.values()) {
                switch (s.id()) {
                    case Http2Frame.Setting.MAX_CONCURRENT_STREAMS -> {
                        peerMaxConcurrent = s.value();
                        slots.signalAll();
                    }
                    case Http2Frame.Setting.INITIAL_WINDOW_SIZE -> {
                        long delta = s.value() - peerInitialWindow;
                        peerInitialWindow = s.value();
                        for (Http2Stream st : streams.values()) {
                            st.sendWindow += delta;
                            if (st.sendWindow > Http2Frame.MAX_WINDOW) {
                                throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE overflows stream " + st.id());
                            }
                            st.writable.signalAll();
                        }
                    }
                    case Http2Frame.Setting.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) s.value();
                    default -> {
                        // HEADER_TABLE_SIZE: our encoder uses no dynamic table; ENABLE_PUSH: we never push;
                        // MAX_HEADER_LIST_SIZE: advisory, our header lists are small; others: unknown, ignored
                    }
                }
            }
            if (!queue.reply(Http2FrameWriter::settingsAck)) {
                throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "SETTINGS faster than their ACKs can be written");
            }
        } finally {
            lock.unlock();
        }
    }

    private void onPing(Http2Frame.Ping p) throws IOException {
        if (p.ack()) {
            lock.lock();
            try {
                if (p.payload() == pingPending) {
                    pingAcked = true;
                    pinged.signalAll();
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        if (!queue.reply(w -> w.ping(true, p.payload()))) {
            throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "PING faster than their ACKs can be written");
        }
    }

    private void onGoAway(Http2Frame.GoAway g) {
        lock.lock();
        try {
            LOG.log(g.error() == Http2Error.NO_ERROR ? Level.DEBUG : Level.INFO,
                    () -> name + ": peer sent GOAWAY " + g.error() + " last stream " + g.lastStream()
                            + (g.debug().length > 0 ? ": " + new String(g.debug(), 0, Math.min(g.debug().length, 200), StandardCharsets.ISO_8859_1) : ""));
            goingAway = true;
            peerLastStream = Math.min(peerLastStream, g.lastStream());
            slots.signalAll();
            // streams we opened above the peer's last were never processed: fail them (safe to retry elsewhere)
            for (Http2Stream s : new ArrayList<>(streams.values())) {
                if (!peerInitiated(s.id()) && s.id() > peerLastStream) {
                    s.failure = new IOException(s + " refused by GOAWAY (not processed)");
                    closeStream(s, Http2Error.REFUSED_STREAM);
                }
            }
            if (g.error() != Http2Error.NO_ERROR) {
                terminate(null, new IOException(name + ": peer ended the connection with " + g.error()));
            } else if (streams.isEmpty()) {
                terminate(null, new IOException(name + ": peer sent GOAWAY"));
            }
        } finally {
            lock.unlock();
        }
    }

    private void onWindowUpdate(Http2Frame.WindowUpdate u) throws IOException {
        lock.lock();
        try {
            if (u.stream() == 0) {
                sendWindow += u.increment();
                if (sendWindow > Http2Frame.MAX_WINDOW) throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, "connection window past 2^31-1");
                connectionWindowOpened.signalAll();
                return;
            }
            Http2Stream s = streams.get(u.stream());
            if (s == null) {
                if (idle(u.stream())) throw new Http2Exception(Http2Error.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + u.stream());
                return;
            }
            s.sendWindow += u.increment();
            if (s.sendWindow > Http2Frame.MAX_WINDOW) {
                throw new Http2Exception(Http2Error.FLOW_CONTROL_ERROR, u.stream(), "stream window past 2^31-1");
            }
            s.writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A stream error: RST_STREAM to the peer, the stream fails here; the connection goes on. */
    private void streamError(Http2Exception e) throws IOException {
        LOG.log(Level.DEBUG, () -> name + ": " + e.getMessage());
        lock.lock();
        try {
            Http2Stream s = streams.get(e.stream());
            if (s != null) {
                reset(s, e.error(), true);
            } else if (!queue.reply(w -> w.rstStream(e.stream(), e.error()))) {
                throw new Http2Exception(Http2Error.ENHANCE_YOUR_CALM, "stream errors faster than RST_STREAM can be written");
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ stream operations (called by Http2Stream)

    List<HeaderField> awaitHeaders(Http2Stream s) throws IOException {
        lock.lock();
        try {
            while (s.headers == null && s.state != StreamState.CLOSED && s.resetCode == null && s.failure == null) {
                s.readable.awaitUninterruptibly();
            }
            if (s.headers == null) throw streamFailure(s);
            return s.headers;
        } finally {
            lock.unlock();
        }
    }

    List<HeaderField> trailers(Http2Stream s) {
        lock.lock();
        try {
            return s.trailers == null ? List.of() : s.trailers;
        } finally {
            lock.unlock();
        }
    }

    Http2Error resetCode(Http2Stream s) {
        lock.lock();
        try {
            return s.resetCode;
        } finally {
            lock.unlock();
        }
    }

    void sendHeaders(Http2Stream s, List<HeaderField> fields, boolean endStream) throws IOException {
        byte[] block = encoder.encode(fields);
        lock.lock();
        try {
            if (s.localEnded || !s.state.weMaySend()) throw streamFailure(s);
            int id = s.id();
            int maxFrame = peerMaxFrameSize;
            queue.control(w -> w.headers(id, block, endStream, maxFrame));
            if (endStream) localEnd(s);
        } finally {
            lock.unlock();
        }
    }

    void endOutput(Http2Stream s) throws IOException {
        lock.lock();
        try {
            if (s.localEnded) return;
            if (!s.state.weMaySend()) throw streamFailure(s);
            int id = s.id();
            queue.control(w -> w.data(id, null, 0, 0, true));
            localEnd(s);
        } finally {
            lock.unlock();
        }
    }

    void write(Http2Stream s, byte[] b, int off, int len) throws IOException, InterruptedException {
        while (len > 0) {
            int n;
            lock.lock();
            try {
                while (true) {
                    if (s.localEnded || !s.state.weMaySend() || ended != null) throw streamFailure(s);
                    if (s.sendWindow <= 0) {
                        s.writable.await();
                    } else if (sendWindow <= 0) {
                        connectionWindowOpened.await();
                    } else {
                        break;
                    }
                }
                n = (int) Math.min(Math.min(len, peerMaxFrameSize), Math.min(s.sendWindow, sendWindow));
                s.sendWindow -= n;
                sendWindow -= n;
            } finally {
                lock.unlock();
            }
            byte[] copy = Arrays.copyOfRange(b, off, off + n);
            int id = s.id();
            queue.data(w -> w.data(id, copy, 0, copy.length, false), n);
            off += n;
            len -= n;
        }
    }

    int read(Http2Stream s, byte[] b, int off, int len) throws IOException, InterruptedException {
        lock.lock();
        try {
            // a reset discards what was buffered, unless the peer had ended its side first (the body was
            // complete: RST_STREAM after END_STREAM only says "stop sending", RFC 9113 section 8.1);
            // a connection failure does not take back what had arrived
            while (s.count == 0 || (s.resetCode != null && !s.remoteEnded)) {
                if (s.resetCode != null && !s.remoteEnded) throw streamFailure(s);
                if (s.remoteEnded || s.inputClosed) return -1;
                if (s.failure != null) throw streamFailure(s);
                s.readable.await();
            }
            int n = Math.min(len, s.count);
            int first = Math.min(n, s.buf.length - s.head);
            System.arraycopy(s.buf, s.head, b, off, first);
            System.arraycopy(s.buf, 0, b, off + first, n - first);
            s.head = (s.head + n) % s.buf.length;
            s.count -= n;
            if (s.count == 0) {
                s.head = 0;
                if (s.buf.length > 64 << 10) s.buf = null; // a burst's buffer is not kept for an idle stream
            }
            consumed(s, n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    int available(Http2Stream s) {
        lock.lock();
        try {
            return s.count;
        } finally {
            lock.unlock();
        }
    }

    void closeInput(Http2Stream s) {
        lock.lock();
        try {
            s.inputClosed = true;
            discard(s);
            s.readable.signalAll(); // a reader blocked on this stream sees the end at once
        } finally {
            lock.unlock();
        }
    }

    /** Resets the stream (RST_STREAM unless it is closed already). Caller may hold the lock. */
    void reset(Http2Stream s, Http2Error error, boolean peerCaused) {
        lock.lock();
        try {
            if (s.state == StreamState.CLOSED || s.failure != null) return;
            int id = s.id();
            try {
                if (peerCaused) {
                    if (!queue.reply(w -> w.rstStream(id, error))) {
                        // the peer floods us with errors; the connection ends on the next flood check
                        LOG.log(Level.DEBUG, () -> name + ": RST_STREAM for " + id + " dropped: reply queue full");
                    }
                } else {
                    queue.control(w -> w.rstStream(id, error));
                }
            } catch (IOException e) {
                // the writer has failed: the connection is ending and fails this stream anyway
            }
            closeStream(s, error);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ state helpers (lock held)

    private IOException streamFailure(Http2Stream s) {
        if (s.failure != null) return new IOException(s + ": " + s.failure.getMessage(), s.failure);
        if (s.resetCode != null) return new IOException(s + " was reset " + (s.resetByPeer ? "by the peer" : "here") + " with " + s.resetCode);
        if (ended != null) return new IOException(s + ": connection ended", ended);
        return new IOException(s + ": our side has ended");
    }

    private void localEnd(Http2Stream s) {
        s.localEnded = true;
        s.state = s.state.afterSendingEnd();
        if (s.state == StreamState.CLOSED) removeStream(s);
    }

    private void remoteEnd(Http2Stream s) {
        s.remoteEnded = true;
        s.state = s.state.afterReceivingEnd();
        if (s.state == StreamState.CLOSED) removeStream(s);
        s.readable.signalAll();
    }

    private void closeStream(Http2Stream s, Http2Error error) {
        if (s.resetCode == null) s.resetCode = error;
        s.state = StreamState.CLOSED;
        if (!s.remoteEnded) discard(s); // a complete body stays readable
        removeStream(s);
        s.readable.signalAll();
        s.writable.signalAll();
    }

    private void discard(Http2Stream s) {
        if (s.count > 0) {
            consumed(s, s.count);
            s.count = 0;
            s.head = 0;
        }
        s.buf = null;
    }

    private void removeStream(Http2Stream s) {
        if (streams.remove(s.id(), s)) {
            slots.signalAll();
            if (goingAway && streams.isEmpty() && ended == null) terminate(null, new IOException(name + " has finished after GOAWAY"));
        }
    }

    /** n bytes are done with: give their credit back, once half a window has built up. */
    private void consumed(Http2Stream s, int n) {
        unacked += n;
        if (unacked >= options.connectionWindow() / 2) {
            int inc = unacked;
            unacked = 0;
            recvWindow += inc;
            controlQuietly(w -> w.windowUpdate(0, inc));
        }
        if (s != null && s.state.peerMaySend()) {
            s.unacked += n;
            if (s.unacked >= options.streamWindow() / 2) {
                int inc = s.unacked;
                int id = s.id();
                s.unacked = 0;
                s.recvWindow += inc;
                controlQuietly(w -> w.windowUpdate(id, inc));
            }
        }
    }

    private void controlQuietly(FrameQueue.Op op) {
        try {
            queue.control(op);
        } catch (IOException e) {
            // the writer has ended: so has the connection
        }
    }

    private void failAll(IOException cause) {
        if (ended == null) ended = cause;
        goingAway = true;
        for (Http2Stream s : streams.values()) {
            s.failure = cause;
            s.state = StreamState.CLOSED;
            s.readable.signalAll();
            s.writable.signalAll();
        }
        streams.clear();
        slots.signalAll();
        connectionWindowOpened.signalAll();
        pinged.signalAll();
    }

    /** Ends the connection once: every stream fails; GOAWAY (if code != null) is written, then the link closed. */
    private void terminate(Http2Error code, String debug, IOException cause) {
        lock.lock();
        try {
            if (ended != null) return;
            failAll(cause);
            int last = lastPeerStream;
            queue.finish(code == null ? null : w -> w.goAway(last, code, debug.getBytes(StandardCharsets.UTF_8)));
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("h2-close " + name).start(() -> {
            try {
                if (!queue.awaitEnd(CLOSE_GRACE_MILLIS)) link.abort();
            } catch (InterruptedException e) {
                link.abort();
            }
        });
    }

    private void terminate(Http2Error code, IOException cause) {
        terminate(code, "", cause);
    }

    /** Runs on the writer thread when it ends: close the link (orderly after a GOAWAY, cut after a failure). */
    private void writerEnded(IOException failure) {
        if (failure != null) {
            LOG.log(Level.DEBUG, () -> name + ": write failed: " + failure);
            terminate(null, failure);
            link.abort();
        } else {
            link.close();
        }
        closed.countDown();
    }
}
