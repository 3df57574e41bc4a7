package pong.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.FrameType;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.ResourceProbe;
import pong.transport.grpc.GrpcMessages;
import pong.transport.http2.ByteLink;
import pong.transport.http2.HeaderField;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Error;
import pong.transport.http2.Http2Options;
import pong.transport.http2.Http2Stream;

/**
 * What the transport adds on top of the HTTP/2 engine (whose frame-level fuzzing is
 * Http2HostileInputTest), fuzzed on ONE connection that also carries a live tunnel, as a proxy in front
 * would mix clients: random methods, paths and content types, random connection headers, valid headers
 * followed by broken tunnel frames, requests reset at once, bodies that end early, and requests that
 * never send a header (cut at header.timeout). Afterwards the live tunnel still echoes, every hostile
 * tunnel is gone, nothing is left handshaking, and the fds come back once the connection closes.
 */
@Timeout(180)
class Http2ListenerSurvivesHostileStreamsEndToEndTest {
    private static final int HOSTILE_STREAMS = 300;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String[] METHODS = {"POST", "GET", "PUT", "CONNECT-ish", "post", ""};
    private static final String[] TYPES = {null, "application/grpc", "application/grpc+proto", "text/plain", "application/grpc;x", "\u00ff"};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2c", "grpc"})
    void hostileStreamsEndOnlyThemselvesAndTheLiveTunnelCarriesOn(String scheme) throws Exception {
        boolean grpc = scheme.equals("grpc");
        String path = grpc ? GrpcTransport.DEFAULT_PATH : "/tunnel";
        SplittableRandom random = new SplittableRandom(scheme.hashCode());
        ResourceProbe.Snapshot baseline;
        try (ProxyPair pair = ProxyPair.over(scheme, Map.of("listen", scheme + "://127.0.0.1:0" + (grpc ? "" : path), "header.timeout", "1s"),
                Map.of()); Origin echo = Origin.echo()) {
            baseline = ResourceProbe.now();
            Http2Connection c = Http2Connection.client(ByteLink.of(new Socket(InetAddress.getLoopbackAddress(), pair.remote.port())),
                    Http2Options.defaults());
            try {
                Http2Stream live = c.openStream(request("POST", path, grpc ? GrpcTransport.CONTENT_TYPE : null), false);
                RawTunnel tunnel = tunnel(live, grpc);
                tunnel.sendRaw(ConnectionHeader.of(pair.clientId).encode());
                assertEchoes(tunnel, 1, echo, "before");
                List<Http2Stream> hostile = new ArrayList<>();
                for (int i = 0; i < HOSTILE_STREAMS; i++) {
                    hostile.add(hostileStream(c, random, path, grpc, pair.clientId));
                    if (i % 50 == 49) assertEchoes(tunnel, 2 * i + 3, echo, "during " + i);
                }
                assertTrue(Eventually.holds(() -> pair.remote.activeTunnels() == 1), "only the live tunnel is left: " + pair.remote.activeTunnels());
                assertTrue(Eventually.holds(() -> pair.remote.handshaking() == 0), "nothing left handshaking: " + pair.remote.handshaking());
                assertTrue(Eventually.holds(() -> c.activeStreams() == 1), "every hostile stream has ended: " + c.activeStreams() + " open");
                assertEquals(HOSTILE_STREAMS, hostile.size());
                assertEchoes(tunnel, 9999, echo, "after");
                assertTrue(c.isOpen(), "the connection carries on");
            } finally {
                c.close();
            }
            ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(baseline, 4, 4, 20_000);
            assertTrue(after.fds() <= baseline.fds() + 4, "fds leaked: " + baseline + " -> " + after);
        }
    }

    private static Http2Stream hostileStream(Http2Connection c, SplittableRandom random, String path, boolean grpc, UUID client) throws IOException {
        String type = grpc ? GrpcTransport.CONTENT_TYPE : null;
        switch (random.nextInt(6)) {
            case 0 -> { // random request line: mostly 404s, now and then a valid request left without a body
                String p = random.nextBoolean() ? path : path.substring(0, random.nextInt(path.length()) + 1) + (random.nextBoolean() ? "x" : "");
                Http2Stream s = c.openStream(request(METHODS[random.nextInt(METHODS.length)], p, TYPES[random.nextInt(TYPES.length)]), random.nextBoolean());
                return s;
            }
            case 1 -> { // a connection header for nobody: rejected, its stream reset
                Http2Stream s = c.openStream(request("POST", path, type), false);
                byte[] header = ConnectionHeader.of(UUID.randomUUID()).encode();
                if (random.nextBoolean()) header[0] = (byte) random.nextInt(1, 256);
                send(s, grpc, header, random.nextBoolean());
                return s;
            }
            case 2 -> { // a good header, then a frame shorter than a frame header: the tunnel ends with a protocol error
                Http2Stream s = c.openStream(request("POST", path, type), false);
                send(s, grpc, ConnectionHeader.of(client).encode(), false);
                byte[] junk = new byte[7 + random.nextInt(64)];
                random.nextBytes(junk);
                junk[0] = 0;
                junk[1] = (byte) random.nextInt(7);
                send(s, grpc, junk, random.nextBoolean());
                return s;
            }
            case 3 -> { // reset at once, with or without a header
                Http2Stream s = c.openStream(request("POST", path, type), false);
                if (random.nextBoolean()) send(s, grpc, ConnectionHeader.of(client).encode(), false);
                s.reset(Http2Error.of(random.nextInt(0, 14)));
                return s;
            }
            case 4 -> { // a header cut short, then END_STREAM
                Http2Stream s = c.openStream(request("POST", path, type), false);
                byte[] header = ConnectionHeader.of(client).encode();
                byte[] part = new byte[random.nextInt(header.length)];
                System.arraycopy(header, 0, part, 0, part.length);
                send(s, grpc, part, true);
                return s;
            }
            default -> { // a valid request that never sends its header: cut at header.timeout
                return c.openStream(request("POST", path, type), false);
            }
        }
    }

    private static void send(Http2Stream s, boolean grpc, byte[] bytes, boolean end) throws IOException {
        try {
            if (grpc) {
                byte[] framed = new byte[bytes.length + 11];
                int h = GrpcMessages.writeHeader(framed, 0, bytes.length);
                System.arraycopy(bytes, 0, framed, h, bytes.length);
                s.output().write(framed, 0, h + bytes.length);
            } else {
                s.output().write(bytes);
            }
            if (end) s.output().close();
        } catch (IOException e) {
            // remote reset the stream already: that is one of the outcomes under test
        }
    }

    private static List<HeaderField> request(String method, String path, String contentType) {
        List<HeaderField> h = new ArrayList<>(List.of(new HeaderField(":method", method), new HeaderField(":scheme", "http"),
                new HeaderField(":authority", "127.0.0.1"), new HeaderField(":path", path)));
        if (contentType != null) h.add(new HeaderField("content-type", contentType));
        return h;
    }

    private static RawTunnel tunnel(Http2Stream s, boolean grpc) {
        if (!grpc) return new RawTunnel(new Socket(), s.input(), s.output());
        return new RawTunnel(new Socket(), new GrpcMessages.Reader(s.input(), 1 << 20),
                new GrpcMessages.Writer(s.output(), 16_000));
    }

    private static void assertEchoes(RawTunnel t, int streamId, Origin echo, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        t.connectFrame(streamId, new Address("127.0.0.1", echo.port()));
        t.send(streamId, FrameType.DATA, bytes);
        assertArrayEquals(bytes, t.readStreamData(streamId, bytes.length, WAIT), "echo on tunnel stream " + streamId);
        t.send(streamId, FrameType.CLOSE, new byte[0]);
    }
}
