package pong.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pong.testing.Observed;
import pong.access.TrustedProxies;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.TestData;
import pong.testing.Transfers;
import pong.testing.WsPeer;

/**
 * Remote's ws:// listener against a hand-written WebSocket peer: what is not a valid upgrade on the
 * path gets a plain 404 (or 400) and nothing else; every framing violation gets a close frame with its
 * code and the end of the connection; a peer that sends each write as one message (pong-go) or
 * fragments them is served. Throughout, the pair's own tunnel keeps serving and nothing leaks.
 */
@Timeout(60)
class WebSocketEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PATH = "/tunnel";

    private ProxyPair pair;
    private Origin echo;
    private int port;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.over("ws");
        echo = Origin.echo();
        port = pair.remote.port();
        Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1); // the pair's own tunnel is up
    }

    @AfterEach
    void stop() {
        echo.close();
        pair.close();
    }

    private void assertOwnTunnelStillServes() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 100_000, 2);
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "the pair's tunnel was never cut");
    }

    // ---- the upgrade

    static Stream<Arguments> notUpgrades() {
        String key = "dGhlIHNhbXBsZSBub25jZQ==";
        String valid = WsPeer.upgradeHead(PATH, key);
        return Stream.of(
                Arguments.of("a browser's GET of /", "GET / HTTP/1.1\r\nHost: proxy.example.com\r\nAccept: text/html\r\n\r\n"),
                Arguments.of("a valid upgrade on another path", WsPeer.upgradeHead("/other", key)),
                Arguments.of("POST instead of GET", valid.replace("GET ", "POST ")),
                Arguments.of("HTTP/1.0", valid.replace("HTTP/1.1", "HTTP/1.0")),
                Arguments.of("no Upgrade header", valid.replace("Upgrade: websocket\r\n", "")),
                Arguments.of("Connection without the upgrade token", valid.replace("Connection: Upgrade", "Connection: keep-alive")),
                Arguments.of("version 8", valid.replace("Version: 13", "Version: 8")),
                Arguments.of("a key without its padding", valid.replace(key, "dGhlIHNhbXBsZSBub25jZQ")),
                Arguments.of("a key of 15 bytes", valid.replace(key, "dGhlIHNhbXBsZSBub25j")),
                Arguments.of("no key", valid.replace("Sec-WebSocket-Key: " + key + "\r\n", "")),
                Arguments.of("no Host", valid.replace("Host: test\r\n", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUpgrades")
    void anythingButAValidUpgradeOnThePathGetsAPlain404AndTheEnd(String what, String head) throws Exception {
        try (WsPeer p = WsPeer.request(port, head)) {
            assertTrue(p.response.startsWith("HTTP/1.1 404 Not Found\r\n"), p.response);
            assertTrue(p.response.contains("\r\nConnection: close\r\n"), p.response);
            String page = new String(p.rawInput().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(page.contains("404 Not Found"), page);
            assertFalse((p.response + page).toLowerCase().contains("websocket") || (p.response + page).toLowerCase().contains("pong"),
                    "nothing hints at what listens here");
        }
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total") - 1);
        assertOwnTunnelStillServes();
    }

    @Test
    void whatIsNotHttpAtAllGets400() throws Exception {
        try (WsPeer p = WsPeer.request(port, "\u0016\u0003\u0001\u0002\u0000garbage\r\n\r\n")) {
            assertTrue(p.response.startsWith("HTTP/1.1 400 Bad Request\r\n"), p.response);
        }
        assertOwnTunnelStillServes();
    }

    @Test
    void mutatedUpgradesAreAnsweredAndEndedWithoutLeaksOrHarm() throws Exception {
        ResourceProbe.Snapshot before = ResourceProbe.now();
        SplittableRandom random = new SplittableRandom(6455);
        byte[] valid = WsPeer.upgradeHead(PATH, "dGhlIHNhbXBsZSBub25jZQ==").getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 150; i++) {
            byte[] head = valid.clone();
            for (int k = random.nextInt(1, 4); k > 0; k--) head[random.nextInt(head.length - 4)] = (byte) random.nextInt(256);
            try (WsPeer p = WsPeer.request(port, new String(head, StandardCharsets.ISO_8859_1))) {
                assertTrue(p.response.isEmpty() || p.response.startsWith("HTTP/1.1 101 ") || p.response.startsWith("HTTP/1.1 404 ")
                        || p.response.startsWith("HTTP/1.1 400 "), p.response);
                if (p.response.startsWith("HTTP/1.1 101 ")) continue; // the mutation left it valid: a tunnel without a header, cut by the deadline
                p.bytesUntilEnd(WAIT);
            }
        }
        assertOwnTunnelStillServes();
        ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(before, 2, 10, 15_000);
        assertTrue(after.fds() <= before.fds() + 10, "fds: " + before + " -> " + after);
    }

    // ---- the framing, after a valid upgrade and connection header

    static Stream<Arguments> violations() {
        byte[] small = "hello".getBytes(StandardCharsets.US_ASCII);
        return Stream.of(
                Arguments.of("an unmasked frame from the client", 0x82, small, false, (long) small.length, 1002),
                Arguments.of("a text message", 0x81, small, true, (long) small.length, 1002),
                Arguments.of("a reserved bit", 0xC2, small, true, (long) small.length, 1002),
                Arguments.of("an unknown data opcode", 0x83, small, true, (long) small.length, 1002),
                Arguments.of("an unknown control opcode", 0x8B, small, true, (long) small.length, 1002),
                Arguments.of("a ping of 126 bytes", 0x89, new byte[126], true, 126L, 1002),
                Arguments.of("a fragmented ping", 0x09, small, true, (long) small.length, 1002),
                Arguments.of("a continuation outside a message", 0x80, small, true, (long) small.length, 1002),
                Arguments.of("a length of 2^63", 0x82, new byte[0], true, Long.MIN_VALUE, 1002),
                Arguments.of("a length of 2^63 - 1", 0x82, new byte[0], true, Long.MAX_VALUE, 1009),
                Arguments.of("a message over the cap", 0x82, new byte[0], true, 2L * 1024 * 1024, 1009),
                Arguments.of("a close frame with one byte", 0x88, new byte[] {3}, true, 1L, 1002),
                Arguments.of("a close frame with the reserved code 1005", 0x88, new byte[] {0x03, (byte) 0xed}, true, 2L, 1002));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void eachFramingViolationGetsItsCloseCodeAndTheEnd(String what, int firstByte, byte[] payload, boolean mask, long length,
                                                        int code) throws Exception {
        try (WsPeer p = WsPeer.tunnel(port, PATH, pair.clientId)) {
            p.sendFrame(firstByte, payload, mask, length);
            WsPeer.WsFrame close = p.awaitClose(WAIT);
            assertNotNull(close, "a close frame before the end");
            assertEquals(code, close.closeCode(), what);
            p.bytesUntilEnd(WAIT);
        }
        assertOwnTunnelStillServes();
    }

    @Test
    void aPeerSendingEachWriteAsOneMessageOrInFragmentsIsServedByteExact() throws Exception {
        try (WsPeer p = WsPeer.tunnel(port, PATH, pair.clientId)) {
            p.send(new Frame(1, FrameType.CONNECT, new Address("127.0.0.1", echo.port()).encode()));
            byte[] data = TestData.bytes(5, 3000);
            p.send(new Frame(1, FrameType.DATA, data)); // pong-go: one socket write, one binary message
            byte[] frame = FrameWriter.encode(new Frame(1, FrameType.DATA, data));
            // the same again in three fragments with a ping between them (control frames may interleave)
            p.sendFrame(0x02, java.util.Arrays.copyOfRange(frame, 0, 5), true);
            p.sendFrame(0x00, java.util.Arrays.copyOfRange(frame, 5, 1000), true);
            p.sendFrame(0x89, "are you there".getBytes(StandardCharsets.US_ASCII), true);
            p.sendFrame(0x80, java.util.Arrays.copyOfRange(frame, 1000, frame.length), true);
            byte[] expected = new byte[2 * data.length];
            System.arraycopy(data, 0, expected, 0, data.length);
            System.arraycopy(data, 0, expected, data.length, data.length);
            assertArrayEquals(expected, dataOfStream(p, 1, expected.length));
        }
        assertEquals(2, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }

    /** The data of one stream from the tunnel bytes the server sends, skipping every other frame. */
    private static byte[] dataOfStream(WsPeer p, int stream, int n) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream tunnel = new java.io.ByteArrayOutputStream();
        while (b.size() < n) {
            WsPeer.WsFrame f = p.readFrame();
            assertNotNull(f, "connection ended after " + b.size() + " bytes");
            if (f.opcode() != 0x2 && f.opcode() != 0x0) continue;
            tunnel.writeBytes(f.payload());
            byte[] t = tunnel.toByteArray();
            int off = 0;
            while (t.length - off >= 7) {
                int len = ((t[off] & 0xff) << 8) | (t[off + 1] & 0xff);
                if (t.length - off < len) break;
                int id = java.nio.ByteBuffer.wrap(t, off + 2, 4).getInt();
                if (id == stream && t[off + 6] == FrameType.DATA.code) b.write(t, off + 7, len - 7);
                off += len;
            }
            tunnel.reset();
            tunnel.write(t, off, t.length - off);
        }
        return b.toByteArray();
    }

    @Test
    void aPingIsAnsweredWithItsPayloadAndACloseWithAClose() throws Exception {
        try (WsPeer p = WsPeer.tunnel(port, PATH, pair.clientId)) {
            byte[] payload = "ping 42".getBytes(StandardCharsets.US_ASCII);
            p.sendFrame(0x89, payload, true);
            WsPeer.WsFrame f;
            do {
                f = p.readFrame();
                assertNotNull(f);
            } while (f.opcode() != 0xA);
            assertArrayEquals(payload, f.payload());
            p.sendFrame(0x88, new byte[] {0x03, (byte) 0xe8}, true);
            WsPeer.WsFrame close = p.awaitClose(WAIT);
            assertNotNull(close);
            assertEquals(1000, close.closeCode());
        }
        assertOwnTunnelStillServes();
    }

    @Test
    void aWrongClientIdAfterAValidUpgradeEndsTheConnectionWithoutACloseFrame() throws Exception {
        try (WsPeer p = WsPeer.tunnel(port, PATH, java.util.UUID.randomUUID())) {
            assertEquals(0, p.bytesUntilEnd(WAIT), "bytes remote sent after the upgrade");
        }
        assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }

    // ---- the client address behind proxies

    @Test
    void behindATrustedProxyTheClientIsTheRightMostUntrustedForwardedAddress() throws Exception {
        TrustedProxies trusted = TrustedProxies.parse("10.0.0.0/8");
        InetSocketAddress proxy = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 40000);
        InetSocketAddress stranger = new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 40000);
        assertEquals("198.51.100.7", client(proxy, "203.0.113.1, 198.51.100.7, 10.9.9.9", trusted));
        assertEquals("198.51.100.7", client(proxy, "203.0.113.1, 198.51.100.7", trusted));
        assertEquals("10.1.2.3", client(proxy, null, trusted), "no header: the proxy itself");
        assertEquals("192.0.2.9", client(stranger, "203.0.113.1", trusted), "an untrusted peer's header is ignored");
        assertEquals("10.9.9.9", client(proxy, "not-an-ip, 10.9.9.9", trusted), "a garbage entry stops the walk");
    }

    private static String client(InetSocketAddress connection, String xff, TrustedProxies trusted) throws Exception {
        String head = "GET / HTTP/1.1\r\nHost: x\r\n" + (xff == null ? "" : "X-Forwarded-For: " + xff + "\r\n") + "\r\n";
        HttpHeaderBlock block = HttpHeaderBlock.read(new java.io.ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)));
        return WebSocketTransport.clientAddress(connection, block, trusted).getAddress().getHostAddress();
    }

    @Test
    void theLogAndAccessAddressOfATunnelThroughATrustedProxyIsTheForwardedOne() throws Exception {
        try (ProxyPair trusting = ProxyPair.over("ws", Map.of("listen.trusted.proxies", "127.0.0.0/8"), Map.of())) {
            assertEquals("127.0.0.1", WebSocketTransport.clientAddress(new InetSocketAddress("127.0.0.1", 1),
                    HttpHeaderBlock.read(new java.io.ByteArrayInputStream("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))),
                    TrustedProxies.parse("127.0.0.0/8")).getAddress().getHostAddress());
            Transfers.assertEcho(trusting.socksPort(), echo.port(), 1000, 3);
        }
    }
}
