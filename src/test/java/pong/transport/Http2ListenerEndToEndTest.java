package pong.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.FrameType;
import pong.testing.Eventually;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.transport.grpc.GrpcMessages;
import pong.transport.http2.ByteLink;
import pong.transport.http2.HeaderField;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Error;
import pong.transport.http2.Http2Options;
import pong.transport.http2.Http2Stream;

/**
 * Remote's HTTP/2 listeners (h2c, grpc) against a hand-driven HTTP/2 client on one connection, the way a
 * reverse proxy in front uses them: many tunnels on one connection, each its own stream; a broken or
 * reset tunnel ends only its stream; requests that are no tunnel request get a plain 404 on their stream
 * and the connection serves on; an HTTP/1.1 request gets the ws listener's 404.
 */
@Timeout(120)
class Http2ListenerEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int TUNNELS = 12;

    private static List<HeaderField> request(String method, String path, String contentType) {
        List<HeaderField> h = new ArrayList<>(List.of(new HeaderField(":method", method), new HeaderField(":scheme", "http"),
                new HeaderField(":authority", "127.0.0.1"), new HeaderField(":path", path)));
        if (contentType != null) h.add(new HeaderField("content-type", contentType));
        return h;
    }

    private static Http2Connection connect(ProxyPair pair) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.remote.port());
        return Http2Connection.client(ByteLink.of(s), Http2Options.defaults());
    }

    /** A pong tunnel in an h2c stream: the stream's bodies carry the tunnel bytes (read timeouts come from the test's bound). */
    private static RawTunnel tunnel(Http2Stream stream) {
        return new RawTunnel(new Socket(), stream.input(), stream.output());
    }

    private static void assertEchoes(RawTunnel t, int streamId, Origin echo, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        t.connectFrame(streamId, new Address("127.0.0.1", echo.port()));
        t.send(streamId, FrameType.DATA, bytes);
        assertArrayEquals(bytes, t.readStreamData(streamId, bytes.length, WAIT), "echo on tunnel stream " + streamId);
    }

    @Test
    void manyTunnelsShareOneConnectionAndABrokenOrResetOneEndsOnlyItsOwnStream() throws Exception {
        try (ProxyPair pair = ProxyPair.over("h2c"); Origin echo = Origin.echo()) {
            Http2Connection c = connect(pair);
            try {
                List<Http2Stream> streams = new ArrayList<>();
                List<RawTunnel> tunnels = new ArrayList<>();
                for (int i = 0; i < TUNNELS; i++) {
                    Http2Stream s = c.openStream(request("POST", "/tunnel", null), false);
                    assertEquals("200", Http2Transport.value(s.awaitHeaders(), ":status"));
                    RawTunnel t = tunnel(s);
                    t.sendRaw(ConnectionHeader.of(pair.clientId).encode());
                    assertEchoes(t, 1, echo, "first " + i);
                    streams.add(s);
                    tunnels.add(t);
                }
                assertEquals(TUNNELS, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
                // a frame shorter than its header is a protocol error: that tunnel ends, with RST_STREAM on its stream
                tunnels.get(3).sendRaw(new byte[] {0, 1, 0, 0, 0, 1, 0});
                try {
                    streams.get(3).input().readAllBytes(); // up to the end remote gave that tunnel
                } catch (IOException e) {
                    // or its reset
                }
                assertTrue(Eventually.holds(() -> streams.get(3).resetCode() != null), "the broken tunnel's stream was reset");
                streams.get(5).reset(Http2Error.CANCEL);
                assertTrue(Eventually.holds(() -> pair.remote.activeTunnels() == TUNNELS - 2), "remote ended exactly the two tunnels");
                for (int i = 0; i < TUNNELS; i++) {
                    if (i != 3 && i != 5) assertEchoes(tunnels.get(i), 3, echo, "again " + i);
                }
                assertTrue(c.isOpen(), "the connection carries on");
                assertEquals(TUNNELS, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2c", "grpc"})
    void aTunnelEndedByAnErrorResetsItsStreamAndNeverEndsItInOrder(String scheme) throws Exception {
        boolean grpc = scheme.equals("grpc");
        try (ProxyPair pair = ProxyPair.over(scheme); Origin echo = Origin.echo()) {
            Http2Connection c = connect(pair);
            try {
                Http2Stream s = c.openStream(request("POST", "/tunnel", grpc ? GrpcTransport.CONTENT_TYPE : null), false);
                assertEquals("200", Http2Transport.value(s.awaitHeaders(), ":status"));
                RawTunnel t = grpc
                        ? new RawTunnel(new Socket(), new GrpcMessages.Reader(s.input(), GrpcTransport.MAX_MESSAGE),
                                new GrpcMessages.Writer(s.output(), GrpcTransport.CHUNK))
                        : tunnel(s);
                t.sendRaw(ConnectionHeader.of(pair.clientId).encode());
                assertEchoes(t, 1, echo, "before the error");
                // a frame shorter than its header is a protocol error: remote ends the tunnel as broken
                t.sendRaw(new byte[] {0, 1, 0, 0, 0, 1, 0});
                // an orderly end (END_STREAM; for gRPC trailers with grpc-status 0) would read as the tunnel's clean end
                IOException cut = assertThrows(IOException.class, () -> s.input().readAllBytes(), "the stream ended in order");
                assertEquals(Http2Error.CANCEL, s.resetCode(), cut.toString());
                assertTrue(c.isOpen(), "only the stream was reset, not the connection");
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2c", "grpc"})
    void whatIsNoTunnelRequestGetsA404OnItsStreamAndTheConnectionServesOn(String scheme) throws Exception {
        boolean grpc = scheme.equals("grpc");
        String path = grpc ? GrpcTransport.DEFAULT_PATH : "/tunnel";
        String type = grpc ? GrpcTransport.CONTENT_TYPE : null;
        try (ProxyPair pair = ProxyPair.over(scheme, Map.of("listen", "%s://127.0.0.1:0%s".formatted(scheme, grpc ? "" : "/tunnel")), Map.of());
             Origin echo = Origin.echo()) {
            Http2Connection c = connect(pair);
            try {
                List<List<HeaderField>> refused = new ArrayList<>(List.of(request("GET", path, type), request("POST", "/other", type),
                        request("POST", path + "/more", type), request("PUT", path, type), request("POST", "/", type)));
                if (grpc) {
                    refused.add(request("POST", path, null));
                    refused.add(request("POST", path, "application/json"));
                    refused.add(request("POST", path, "text/plain"));
                }
                for (List<HeaderField> r : refused) {
                    Http2Stream s = c.openStream(r, false);
                    List<HeaderField> response = s.awaitHeaders();
                    assertEquals("404", Http2Transport.value(response, ":status"), r.toString());
                    String page = new String(s.input().readAllBytes(), StandardCharsets.US_ASCII);
                    assertEquals(HttpListener.NOT_FOUND_PAGE, page);
                }
                assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
                Http2Stream ok = c.openStream(request("POST", path, type), false);
                assertEquals("200", Http2Transport.value(ok.awaitHeaders(), ":status"));
                if (!grpc) {
                    RawTunnel t = tunnel(ok);
                    t.sendRaw(ConnectionHeader.of(pair.clientId).encode());
                    assertEchoes(t, 1, echo, "after the refusals");
                }
                assertTrue(c.isOpen());
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2c", "h2", "grpc", "grpcs"})
    void anHttp1RequestGetsTheSame404AsTheWsListener(String scheme) throws Exception {
        try (ProxyPair pair = ProxyPair.over(scheme); Socket s = open(pair, Transports.of(scheme).secure())) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("POST /tunnel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 404 Not Found\r\n"), answer);
            assertTrue(answer.endsWith(HttpListener.NOT_FOUND_PAGE), answer);
            assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        }
    }

    /** A TCP connection to remote, or TLS offering only ALPN http/1.1 (a browser or scanner without HTTP/2). */
    private static Socket open(ProxyPair pair, boolean tls) throws Exception {
        if (!tls) return new Socket(InetAddress.getLoopbackAddress(), pair.remote.port());
        SSLSocket s = (SSLSocket) RawTunnel.testClientContext().getSocketFactory().createSocket("127.0.0.1", pair.remote.port());
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(p);
        s.startHandshake();
        assertNotNull(s.getApplicationProtocol());
        return s;
    }

    @Test
    void aConnectionThatSendsNoPrefaceIsCutAtTheHandshakeDeadline() throws Exception {
        try (ProxyPair pair = ProxyPair.over("h2c", Map.of("header.timeout", "1s"), Map.of());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.remote.port())) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(Http2Connection.PREFACE, 0, 10);
            InputStream in = s.getInputStream();
            try {
                assertEquals(-1, in.read());
            } catch (IOException e) {
                // a reset is as good as a close here
            }
            assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        }
    }
}
