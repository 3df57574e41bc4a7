package pong.tunnel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.protocol.PongException;
import pong.protocol.ProtocolException;

/**
 * One tunnel connection and the streams it carries; the same class serves both halves. A reader
 * thread decodes frames and hands them to their streams; a writer thread ({@link TunnelWriter})
 * serializes every stream's frames onto the socket.
 *
 * <p>Local opens streams ({@link #open}); remote accepts them through its {@link Acceptor}.
 *
 * <p>Threading: {@link #open}, {@link #close} and the queries from any thread; frame dispatch only on
 * the reader thread.
 */
public final class Tunnel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Tunnel.class.getName());
    private static final int IO_BUFFER = 64 * 1024;
    private static final int LAST_LOCAL_ID = Integer.MAX_VALUE;

    /** Which half runs this end: local opens odd stream ids and accepts none, remote accepts them. */
    public enum Side { LOCAL, REMOTE }

    /**
     * Takes a stream the peer opened (any opening type: the acceptor resets those it does not serve with
     * rst 7). Runs on the reader thread, so it must hand blocking work to a thread of its own.
     */
    public interface Acceptor {
        void accept(Stream stream, FrameType type, Address target);
    }

    private final Socket socket;
    private final Side side;
    private final String name;
    private final TunnelSettings settings;
    private final Acceptor acceptor;
    private final TunnelWriter writer;
    private final FrameReader reader;
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock openLock = new ReentrantLock();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong streamsOpened = new AtomicLong();
    private volatile Consumer<Tunnel> onClosed = t -> { };
    private volatile boolean closed;
    private int nextId = 1;
    private final AtomicLong streamsRefused = new AtomicLong();
    private boolean warnedStreamCap; // reader thread only

    /**
     * @param preamble bytes written before the first frame (local's connection header), or null
     * @param acceptor remote's handler for new streams; null on local
     */
    public Tunnel(Socket socket, Side side, TunnelSettings settings, byte[] preamble, Acceptor acceptor) throws IOException {
        this(socket, side, settings, preamble, acceptor, null);
    }

    Tunnel(Socket socket, Side side, TunnelSettings settings, byte[] preamble, Acceptor acceptor,
           TunnelWriter.Observer observer) throws IOException {
        this.socket = socket;
        this.side = side;
        this.settings = settings;
        this.acceptor = acceptor;
        this.name = side.name().toLowerCase() + " tunnel " + socket.getRemoteSocketAddress();
        BufferedOutputStream out = new BufferedOutputStream(socket.getOutputStream(), IO_BUFFER);
        if (preamble != null) out.write(preamble);
        this.writer = new TunnelWriter(new FrameWriter(out), observer);
        this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream(), IO_BUFFER));
    }

    /** Starts the reader and writer threads; {@code onClosed} runs once when the tunnel ends. */
    public Tunnel start(Consumer<Tunnel> onClosed) {
        this.onClosed = onClosed;
        Thread.ofVirtual().name(name + " writer").start(this::writeLoop);
        Thread.ofVirtual().name(name + " reader").start(this::readLoop);
        return this;
    }

    /** Opens a stream to the target: the opening frame is queued at once and data may follow it without waiting. */
    public Stream open(FrameType type, Address target) throws IOException {
        openLock.lock();
        try {
            if (closed) throw new PongException(ErrorCode.ERR, "tunnel is closed");
            if (nextId > LAST_LOCAL_ID - 2 || nextId < 0) throw new PongException(ErrorCode.ERR, "stream ids exhausted");
            Stream stream = new Stream(this, nextId);
            nextId += 2;
            streams.put(stream.id(), stream);
            streamsOpened.incrementAndGet();
            // Queued under the lock so that ids reach the wire in ascending order.
            writer.send(stream.lane, new Frame(stream.id(), type, target.encode()));
            return stream;
        } finally {
            openLock.unlock();
        }
    }

    /** True while new streams can be opened on this tunnel. */
    public boolean isUsable() {
        return !closed && nextId < LAST_LOCAL_ID - 2 && nextId > 0;
    }

    public boolean isClosed() {
        return closed;
    }

    public int streamCount() {
        return streams.size();
    }

    public long streamsOpened() {
        return streamsOpened.get();
    }

    /** Opening frames answered with rst 1 because tunnel.max.streams was reached. */
    public long streamsRefused() {
        return streamsRefused.get();
    }

    /** Bytes received from the peer and not yet taken by the streams' apps. */
    public long bufferedBytes() {
        return buffered.get();
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

    int inboundLimit() {
        return settings.streamBuffer();
    }

    TunnelSettings settings() {
        return settings;
    }

    int maxDataPayload() {
        return settings.maxFramePayload();
    }

    void buffered(int n) {
        buffered.addAndGet(n);
    }

    void released(int n) {
        buffered.addAndGet(-n);
    }

    void forget(Stream stream) {
        streams.remove(stream.id(), stream);
    }

    /** An rst frame for this peer: peers that have not announced our extensions get the code byte alone (NOTES.md). */
    Frame rstFrame(int id, ErrorCode code, String reason) {
        return Frame.rst(id, code, null);
    }

    // ---- reader and writer threads

    private void writeLoop() {
        try {
            writer.run();
        } catch (IOException e) {
            close(e);
        } catch (InterruptedException e) {
            close(null);
        }
    }

    private void readLoop() {
        IOException failure = null;
        try {
            Frame frame;
            while ((frame = reader.read()) != null) dispatch(frame);
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure == null && !closed) failure = new EOFException("peer closed the connection");
        close(failure);
    }

    private void dispatch(Frame frame) throws IOException, InterruptedException {
        int id = frame.streamId();
        FrameType type = frame.frameType();
        if (id == Frame.CONNECTION_STREAM) return; // connection-level frames of extensions we do not speak
        Stream stream = streams.get(id);
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
            case DATA -> stream.onData(frame.payload());
            case FINISH -> stream.onFinish();
            case CLOSE -> stream.onClose();
            case RST -> onRst(stream, frame.payload());
            default -> { } // set on a stream: no per-stream settings defined
        }
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
        // --- stream cap (issue 5): the peer may not hold more than maxStreams open at once
        if (streams.size() >= settings.maxStreams()) {
            if (!warnedStreamCap) {
                warnedStreamCap = true;
                LOG.log(Level.WARNING, "{0}: tunnel.max.streams={1} reached, new streams get rst {2} (logged once per tunnel)",
                        this, settings.maxStreams(), ErrorCode.ERR.code);
            }
            streamsRefused.incrementAndGet();
            writer.sendUrgent(rstFrame(id, ErrorCode.ERR, "too many streams on this tunnel"));
            return;
        }
        // --- end stream cap
        Stream stream = new Stream(this, id);
        streams.put(id, stream);
        streamsOpened.incrementAndGet();
        acceptor.accept(stream, type, target);
    }

    private void onRst(Stream stream, byte[] payload) {
        ErrorCode code = payload.length == 0 ? ErrorCode.ERR : ErrorCode.of(payload[0] & 0xff);
        String text = payload.length <= 1 ? "" : new String(payload, 1, payload.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        stream.onPeerReset(code, text);
    }

    /** Some JDK exceptions (EOF inside readFully, among others) carry no message: name the class instead of logging "null". */
    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Ends the tunnel once: closes the socket and resets every stream still on it towards its app. */
    private void close(IOException failure) {
        List<Stream> cut;
        openLock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            openLock.unlock();
        }
        writer.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut = List.copyOf(streams.values());
        for (Stream s : cut) s.onTunnelLost();
        streams.clear();
        if (failure instanceof ProtocolException) {
            LOG.log(Level.WARNING, "{0} closed: protocol error: {1}", this, describe(failure));
        } else if (failure != null && !(failure instanceof SocketException && cut.isEmpty())) {
            LOG.log(Level.INFO, "{0} closed: {1}{2}", this, describe(failure),
                    cut.isEmpty() ? "" : " (" + cut.size() + " streams cut)");
        } else {
            LOG.log(Level.DEBUG, "{0} closed", this);
        }
        onClosed.accept(this);
    }
}
