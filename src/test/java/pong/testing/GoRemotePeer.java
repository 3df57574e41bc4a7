package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.transport.Tls;
import pong.transport.Sockets;

/**
 * A scripted stand-in for pong-go's remote, for testing our local against it (NOTES.md, "How pong-go
 * behaves"): never checks the version byte, dials the destination itself, relays with data frames of at
 * most 8096 bytes, sends close (not finish) after the destination's EOF, answers a finish with rst 16,
 * answers an unknown command with rst 7, discards frames on stream 0 and unknown streams. Where the real
 * one would crash (a non-data frame longer than 7 bytes on a live stream) this one records a crash and
 * drops the connection. Listens with TLS (test certificate) on 127.0.0.1.
 *
 * <p>Threading: one virtual thread per connection reads and dispatches frames (dialing inline, writing to
 * destinations inline: pong-go has no flow control either); one virtual thread per stream reads its destination.
 */
public final class GoRemotePeer implements AutoCloseable {
    private final Origin listener;
    private final List<RawTunnel> tunnels = new CopyOnWriteArrayList<>();
    private final List<ConnectionHeader> headers = new CopyOnWriteArrayList<>();
    private final List<String> crashes = new CopyOnWriteArrayList<>();
    private final AtomicInteger finishesAnswered = new AtomicInteger();

    private final String scheme;
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    /** The path its h1 server is configured with. */
    public static final String H1_PATH = "/pong-h1";

    private GoRemotePeer(String scheme) throws Exception {
        this.scheme = scheme;
        SSLContext tls = Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray());
        boolean secure = !scheme.equals("ws") && !scheme.equals("http");
        boolean ws = scheme.startsWith("ws");
        boolean h1 = scheme.startsWith("http");
        listener = Origin.start(raw -> {
            Socket s = secure ? Tls.serverSide(raw, tls) : raw;
            if (h1) {
                if (h1Accepted(s)) serve(new RawTunnel(s));
                return;
            }
            if (!ws) {
                serve(new RawTunnel(s));
                return;
            }
            WsServerStreams streams = WsServerStreams.accept(s);
            serve(new RawTunnel(s, streams.input, streams.output));
        });
    }

    /**
     * pong-go's h1 server: one request head; POST on its path gets {@code HTTP/1.1 200 OK} with headers
     * like Go's, flushed, and then the connection is the raw tunnel; another path gets 404.
     */
    private boolean h1Accepted(Socket s) throws IOException {
        String head = PongGo.readHttpHead(s.getInputStream());
        requestHeads.add(head);
        if (!head.startsWith("POST " + H1_PATH + " HTTP/1.1\r\n")) {
            s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return false;
        }
        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + "Date: Tue, 01 Dec 2026 12:00:00 GMT\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return true;
    }

    /** The request heads its h1 server read, in order. */
    public List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    /** Over TLS, as before the web transports. */
    public static GoRemotePeer start() throws Exception {
        return new GoRemotePeer("tls");
    }

    /** Over tls, ws, wss (its ws server: any path, each write one binary message), http or https (its h1 server). */
    public static GoRemotePeer start(String scheme) throws Exception {
        return new GoRemotePeer(scheme);
    }

    /** The value for local's {@code remote} key. */
    public String endpoint() {
        return scheme + "://127.0.0.1:" + listener.port() + (scheme.startsWith("ws") ? "/any/path" : scheme.startsWith("http") ? H1_PATH : "");
    }

    public int connections() {
        return tunnels.size();
    }

    public List<ConnectionHeader> headers() {
        return List.copyOf(headers);
    }

    /** What would have made the real pong-go exit; empty when our side behaved. */
    public List<String> crashes() {
        return List.copyOf(crashes);
    }

    public int finishesAnswered() {
        return finishesAnswered.get();
    }

    /** Every frame our local sent, over all connections. */
    public List<Frame> framesReceived() {
        return tunnels.stream().flatMap(t -> t.received().stream()).toList();
    }

    private void serve(RawTunnel tunnel) {
        Map<Integer, Socket> streams = new ConcurrentHashMap<>();
        try (RawTunnel t = tunnel) {
            tunnels.add(t);
            headers.add(t.readHeader(Duration.ofSeconds(10)));
            Frame f;
            while ((f = t.read(Duration.ZERO)) != null) {
                if (!dispatch(t, streams, f)) return;
            }
        } catch (IOException e) {
            // connection over
        } finally {
            for (Socket dst : streams.values()) Sockets.closeQuietly(dst);
        }
    }

    /** Handles one frame; false when the real pong-go would have crashed. */
    private boolean dispatch(RawTunnel t, Map<Integer, Socket> streams, Frame f) throws IOException {
        int id = f.streamId();
        if (id == Frame.CONNECTION_STREAM) return true;
        Socket dst = streams.get(id);
        if (f.type() == FrameType.CONNECT.code) {
            open(t, streams, id, Address.decode(f.payload()));
            return true;
        }
        if (dst == null) return true;
        if (PongGo.crashes(f)) {
            crashes.add("frame " + f + " on live stream " + id);
            return false;
        }
        FrameType type = f.frameType();
        if (type == null) {
            if (streams.remove(id, dst)) {
                Sockets.closeQuietly(dst);
                t.send(PongGo.rst(id, PongGo.RST_UNKNOWN_COMMAND));
            }
            return true;
        }
        switch (type) {
            case DATA -> {
                try {
                    dst.getOutputStream().write(f.payload());
                } catch (IOException e) {
                    if (streams.remove(id, dst)) t.send(PongGo.rst(id, (byte) 12));
                }
            }
            case FINISH -> {
                // no half close in pong-go: a finish ends the stream, answered with its "timeout" rst
                if (streams.remove(id, dst)) {
                    Sockets.closeQuietly(dst);
                    finishesAnswered.incrementAndGet();
                    t.send(PongGo.rst(id, PongGo.RST_TIMEOUT));
                }
            }
            case CLOSE, RST -> {
                streams.remove(id, dst);
                Sockets.closeQuietly(dst);
            }
            default -> { }
        }
        return true;
    }

    private void open(RawTunnel t, Map<Integer, Socket> streams, int id, Address target) throws IOException {
        Socket dst = new Socket();
        try {
            dst.connect(new InetSocketAddress(target.host(), target.port()), 5000);
        } catch (IOException e) {
            Sockets.closeQuietly(dst);
            t.send(PongGo.rst(id, (byte) 5));
            return;
        }
        streams.put(id, dst);
        Thread.ofVirtual().name("go-remote stream " + id).start(() -> {
            byte[] buf = new byte[PongGo.MAX_DATA];
            try {
                InputStream in = dst.getInputStream();
                byte[] chunk;
                while ((chunk = PongGo.readChunk(in, buf)) != null) t.send(PongGo.data(id, chunk));
                if (streams.remove(id, dst)) t.send(new Frame(id, FrameType.CLOSE));
            } catch (IOException e) {
                // stream ended from the tunnel side, or the tunnel is gone
            } finally {
                Sockets.closeQuietly(dst);
            }
        });
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (RawTunnel t : tunnels) t.close();
    }
}
