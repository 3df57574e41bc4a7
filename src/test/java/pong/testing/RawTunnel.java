package pong.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.transport.ClientOptions;
import pong.protocol.Settings;
import pong.transport.Endpoint;
import pong.transport.SocketConduit;
import pong.transport.Tls;

/**
 * A tunnel connection spoken frame by frame, for tests that play a peer by hand (malformed traffic,
 * scripted pong-go behaviour). Every frame goes out in one socket write, as pong-go does; every frame
 * read is recorded so a test can assert on what our side sent.
 *
 * <p>Threading: {@link #send} from any thread (writes are serialized); reads from one thread at a time.
 */
public final class RawTunnel implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;
    private final List<Frame> received = new ArrayList<>();

    public RawTunnel(Socket socket) throws IOException {
        this(socket, socket.getInputStream(), socket.getOutputStream());
    }

    /** A tunnel whose bytes travel in these streams on the socket (a WebSocket's messages, say); the socket gives the read timeouts. */
    public RawTunnel(Socket socket, InputStream input, OutputStream output) {
        this.socket = socket;
        this.in = new BufferedInputStream(input);
        this.out = output;
        this.reader = new FrameReader(in);
    }

    /** Connects to a remote on 127.0.0.1 (TLS trusting the test certificate, or plain TCP) without sending anything. */
    public static RawTunnel connect(int port, boolean tls) throws Exception {
        ClientOptions options = tls ? new ClientOptions(testClientContext(), null, false, null) : ClientOptions.PLAIN;
        Endpoint to = new Endpoint(tls ? "tls" : "tcp", "127.0.0.1", port);
        return new RawTunnel(((SocketConduit) to.transport().connect(to, options, CONNECT_TIMEOUT)).socket());
    }

    /** Connects and sends the connection header (version 0) for this client id. */
    public static RawTunnel open(int port, boolean tls, UUID clientId) throws Exception {
        RawTunnel t = connect(port, tls);
        t.sendRaw(ConnectionHeader.of(clientId).encode());
        return t;
    }

    /** Opens a TLS tunnel and exchanges announcements of our extensions (with this initial window) with remote. */
    public static RawTunnel announced(int port, UUID clientId, int window) throws Exception {
        RawTunnel raw = open(port, true, clientId);
        raw.send(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(window, false).encode());
        raw.readUntil(Frame.CONNECTION_STREAM, FrameType.SET, CONNECT_TIMEOUT);
        return raw;
    }

    public static SSLContext testClientContext() throws Exception {
        return Tls.client(TestPki.certPem());
    }

    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void send(Frame frame) throws IOException {
        sendRaw(FrameWriter.encode(frame));
    }

    public void send(int streamId, FrameType type, byte[] payload) throws IOException {
        send(new Frame(streamId, type, payload));
    }

    public void connectFrame(int streamId, Address target) throws IOException {
        send(streamId, FrameType.CONNECT, target.encode());
    }

    /** The next frame, or null when the peer closed the connection (cleanly or with a reset) between frames. */
    public Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        Frame f;
        try {
            f = reader.read();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException | javax.net.ssl.SSLException e) {
            return null; // reset by the peer, or closed here: the connection is over as far as a test is concerned
        }
        if (f != null) {
            synchronized (received) {
                received.add(f);
            }
        }
        return f;
    }

    /** Reads until a frame of this type arrives on this stream; fails on the end of the connection. */
    public Frame readUntil(int streamId, FrameType type, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Frame f = read(Duration.ofMillis(left));
            if (f == null) throw new IOException("connection closed while waiting for " + type + " on stream " + streamId);
            if (f.streamId() == streamId && f.type() == type.code) return f;
        }
    }

    /** The error code of the next rst on this stream. */
    public ErrorCode readRst(int streamId, Duration timeout) throws IOException {
        Frame rst = readUntil(streamId, FrameType.RST, timeout);
        if (rst.payload().length == 0) throw new AssertionError("rst on stream " + streamId + " carries no code");
        return ErrorCode.of(rst.payload()[0] & 0xff);
    }

    /** Collects the data of a stream until its finish, close or rst; other streams' frames, and this one's window and connected frames, are recorded and skipped. */
    public byte[] readStreamData(int streamId, int expected, Duration timeout) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (b.size() < expected) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Frame f = read(Duration.ofMillis(left));
            if (f == null) break;
            if (f.streamId() != streamId) continue;
            if (f.type() == FrameType.WINDOW.code || f.type() == FrameType.CONNECTED.code) continue; // credit and confirmation, not the end
            if (f.type() != FrameType.DATA.code) break;
            b.writeBytes(f.payload());
        }
        return b.toByteArray();
    }

    /**
     * Waits for the peer to close the connection and returns how many bytes it sent before that
     * (0 means closed without a word). A timeout is an assertion failure: the peer kept the connection open.
     */
    public int bytesUntilClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int n = 0;
        try {
            while (in.read() >= 0) n++;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the peer did not close the connection within " + timeout);
        } catch (SocketException | javax.net.ssl.SSLException e) {
            // reset: closed
        }
        return n;
    }

    /** Reads the 17-byte connection header a local sends first (the accepting side's first read). */
    public ConnectionHeader readHeader(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return ConnectionHeader.read(in);
    }

    /** Every frame read so far, in order. */
    public List<Frame> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
