package pong.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.Frame;
import pong.protocol.FrameType;

/**
 * A scripted stand-in for pong-go's local, for testing our remote against it (NOTES.md): TLS 1.3 only,
 * connect with the data right behind it in frames of at most 8096 bytes, odd ids from 1 on each
 * connection, a new connection once 30 streams were opened on the current one, no half close (a
 * finish from the peer is answered with close). Where the real one would crash (a non-data frame
 * longer than 7 bytes on a live stream) this one records a crash and drops the connection.
 *
 * <p>Threading: {@link #open} and the {@link Stream} methods from test threads (one thread per stream);
 * one virtual reader thread per connection.
 */
public final class GoLocalPeer implements AutoCloseable {
    private final int port;
    private final UUID clientId;
    private final String h1Path;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<String> crashes = new CopyOnWriteArrayList<>();
    private Connection current;
    /** Queued to every stream of a connection that ended, so its readers stop at once. */
    private static final Frame LOST = new Frame(0, FrameType.RST, new byte[0]);

    public GoLocalPeer(int remotePort, UUID clientId) {
        this(remotePort, clientId, null);
    }

    /**
     * @param h1Path null for its tls transport; else its https ("h1") transport: one {@code POST h1Path}
     *               head with Host and {@code User-Agent: Mozilla/5.0}, a 200 head back, then the raw tunnel
     */
    public GoLocalPeer(int remotePort, UUID clientId, String h1Path) {
        this.port = remotePort;
        this.clientId = clientId;
        this.h1Path = h1Path;
    }

    /** The response head remote answered its h1 request with (null before, or over tls). */
    public volatile String h1ResponseHead;

    /** One proxied request as pong-go's local carries it. */
    public final class Stream {
        private final Connection conn;
        private final int id;
        private final BlockingQueue<Frame> inbound = new LinkedBlockingQueue<>();
        private Frame end;

        private Stream(Connection conn, int id) {
            this.conn = conn;
            this.id = id;
        }

        public int id() {
            return id;
        }

        public void send(byte[] data) throws IOException {
            for (int off = 0; off < data.length; off += PongGo.MAX_DATA) {
                conn.tunnel.send(PongGo.data(id, Arrays.copyOfRange(data, off, Math.min(data.length, off + PongGo.MAX_DATA))));
            }
        }

        /** pong-go's only way to end a stream it started. */
        public void close() throws IOException {
            conn.tunnel.send(new Frame(id, FrameType.CLOSE));
        }

        /** Data until {@code n} bytes arrived or the stream ended (finish, close or rst: see {@link #end()}). */
        public byte[] read(long n, Duration timeout) throws IOException, InterruptedException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (b.size() < n && end == null) {
                Frame f = inbound.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null) throw new IOException("stream " + id + ": " + b.size() + " of " + n + " bytes within " + timeout);
                if (f == LOST) throw new IOException("stream " + id + ": connection lost; " + crashes);
                if (f.type() == FrameType.DATA.code) b.writeBytes(f.payload());
                else end = f;
            }
            return b.toByteArray();
        }

        /** Waits for the frame that ended the stream on the other side. */
        public Frame awaitEnd(Duration timeout) throws IOException, InterruptedException {
            read(Long.MAX_VALUE, timeout);
            return end;
        }
    }

    private final class Connection {
        private final RawTunnel tunnel;
        private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
        private int nextId = 1;

        Connection() throws Exception {
            SSLSocket s = (SSLSocket) RawTunnel.testClientContext().getSocketFactory().createSocket("127.0.0.1", port);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            if (h1Path != null) {
                s.getOutputStream().write(("POST " + h1Path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nUser-Agent: Mozilla/5.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = PongGo.readHttpHead(s.getInputStream());
                h1ResponseHead = head;
                if (!head.startsWith("HTTP/1.1 200 OK\r\n")) throw new IOException("h1 request refused: " + head);
            }
            tunnel = new RawTunnel(s);
            tunnel.sendRaw(ConnectionHeader.of(clientId).encode());
            Thread.ofVirtual().name("go-local reader").start(this::readLoop);
        }

        private void readLoop() {
            try {
                Frame f;
                while ((f = tunnel.read(Duration.ZERO)) != null) {
                    Stream s = streams.get(f.streamId());
                    if (s == null) continue; // stream 0 and unknown streams: read and discarded
                    if (PongGo.crashes(f)) {
                        crashes.add("frame " + f + " on live stream " + f.streamId());
                        tunnel.close();
                        return;
                    }
                    if (f.type() == FrameType.FINISH.code) {
                        // no half close in pong-go: a finish ends the stream, answered with close
                        tunnel.send(new Frame(f.streamId(), FrameType.CLOSE));
                    }
                    if (f.type() != FrameType.DATA.code) streams.remove(f.streamId());
                    s.inbound.add(f);
                }
            } catch (IOException e) {
                // connection over
            }
            for (Stream s : streams.values()) s.inbound.add(LOST);
        }
    }

    /** Opens a stream with its first bytes sent right behind the connect frame, as pong-go does. */
    public synchronized Stream open(Address target, byte[] firstData) throws Exception {
        if (current == null || current.nextId > 2 * PongGo.STREAMS_PER_CONNECTION) {
            current = new Connection();
            connections.add(current);
        }
        Stream s = new Stream(current, current.nextId);
        current.nextId += 2;
        current.streams.put(s.id, s);
        current.tunnel.connectFrame(s.id, target);
        s.send(firstData);
        return s;
    }

    public int connections() {
        return connections.size();
    }

    /** What would have made the real pong-go exit; empty when our side behaved. */
    public List<String> crashes() {
        return List.copyOf(crashes);
    }

    /** Every frame our remote sent, over all connections. */
    public List<Frame> framesReceived() {
        List<Frame> all = new ArrayList<>();
        for (Connection c : connections) all.addAll(c.tunnel.received());
        return all;
    }

    /** TLS version negotiated on the first connection. */
    public String tlsProtocol() {
        return ((SSLSocket) connections.get(0).tunnel.socket()).getSession().getProtocol();
    }

    @Override
    public void close() throws IOException {
        for (Connection c : connections) c.tunnel.close();
    }
}
