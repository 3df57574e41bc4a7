package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.GoLocalPeer;
import pong.testing.GoRemotePeer;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.Transfers;

/**
 * Each of our halves against a scripted peer that behaves like pong-go on the wire (NOTES.md): bytes
 * arrive intact, pong-go's missing half close ends streams without breaking anything, and we never
 * send pong-go a frame that would make it crash.
 */
@Timeout(90)
class PongGoInteropEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    // ---- our local, pong-go's remote

    private static ProxyPair localTowards(GoRemotePeer go) throws Exception {
        return ProxyPair.start(Map.of(), Map.of("remote", go.endpoint()));
    }

    @Test
    void ourLocalCarriesDownloadsOneAfterAnotherThroughPongGoRemoteByteExact() throws Exception {
        SplittableRandom random = new SplittableRandom(29);
        try (GoRemotePeer go = GoRemotePeer.start(); ProxyPair pair = localTowards(go); Origin origin = Origin.download()) {
            for (int i = 0; i < 10; i++) {
                Transfers.assertDownload(pair.socksPort(), origin.port(), i == 0 ? 0 : random.nextInt(1024 * 1024), random.nextLong());
            }
            assertEquals(1, go.connections(), "one tunnel connection carries every stream");
            assertEquals(List.of(ConnectionHeader.of(pair.clientId)), go.headers());
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    /** Over each transport pong-go's remote has that ours shares (its ws server: any path, each write one message). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tls", "ws", "wss", "http", "https"})
    void ourLocalCarriesConcurrentDownloadsThroughPongGoRemoteByteExact(String scheme) throws Exception {
        SplittableRandom random = new SplittableRandom(30);
        try (GoRemotePeer go = GoRemotePeer.start(scheme); ProxyPair pair = localTowards(go); Origin origin = Origin.download();
             ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long size = i == 0 ? 0 : random.nextInt(1024 * 1024);
                long seed = random.nextLong();
                results.add(apps.submit(() -> {
                    Transfers.assertDownload(pair.socksPort(), origin.port(), size, seed);
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(60, TimeUnit.SECONDS);
            assertEquals(1, go.connections(), "one tunnel connection carries every stream");
            assertEquals(List.of(ConnectionHeader.of(pair.clientId)), go.headers());
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    /** pong-go's h1 request form, as its server reads it (NOTES.md): POST on the path, Host, no body. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "https"})
    void ourLocalSendsPongGoTheH1RequestHeadItExpects(String scheme) throws Exception {
        try (GoRemotePeer go = GoRemotePeer.start(scheme); ProxyPair pair = localTowards(go); Origin origin = Origin.download()) {
            Transfers.assertDownload(pair.socksPort(), origin.port(), 1000, 5);
            String head = go.requestHeads().get(0);
            String port = go.endpoint().substring(go.endpoint().lastIndexOf(':') + 1, go.endpoint().indexOf('/', go.endpoint().lastIndexOf(':')));
            assertEquals("POST " + GoRemotePeer.H1_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: Mozilla/5.0\r\n\r\n", head);
            assertEquals(List.of(ConnectionHeader.of(pair.clientId)), go.headers());
        }
    }

    @Test
    void ourLocalSurvivesRst16AnsweringItsHalfClose() throws Exception {
        try (GoRemotePeer go = GoRemotePeer.start(); ProxyPair pair = localTowards(go); Origin echo = Origin.echo();
             Origin download = Origin.download()) {
            try (Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
                app.getOutputStream().write(TestData.bytes(1, 1000));
                app.shutdownOutput();
                app.setSoTimeout((int) WAIT.toMillis());
                readToTheEnd(app); // whatever came back before the rst, then EOF or a reset: the stream just ends
            }
            assertEquals(1, go.finishesAnswered(), "pong-go's remote answered our finish with rst 16");
            Transfers.assertDownload(pair.socksPort(), download.port(), 300_000, 3);
            assertEquals(1, go.connections(), "the tunnel survived the rst 16");
            assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    @Test
    void ourLocalPassesOnAConnectRefusedByPongGoRemote() throws Exception {
        try (GoRemotePeer go = GoRemotePeer.start(); ProxyPair pair = localTowards(go);
             Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", Origin.closedPort())) {
            DestinationRefusedEndToEndTest.sendIfStillOpen(app, "hello".getBytes());
            DestinationRefusedEndToEndTest.assertClosedWithoutData(app);
            assertEquals(List.of(), go.crashes());
        }
    }

    // ---- pong-go's local, our remote

    @Test
    void pongGoLocalGetsByteExactDownloadsThroughOurRemoteOverTwoConnections() throws Exception {
        int streams = 40; // more than pong-go puts on one connection
        SplittableRandom random = new SplittableRandom(31);
        try (ProxyPair pair = ProxyPair.start(); Origin origin = Origin.download();
             GoLocalPeer go = new GoLocalPeer(pair.remote.port(), pair.clientId)) {
            Address target = new Address("127.0.0.1", origin.port());
            List<GoLocalPeer.Stream> opened = new ArrayList<>();
            long[] sizes = new long[streams];
            long[] seeds = new long[streams];
            for (int i = 0; i < streams; i++) {
                sizes[i] = i == 0 ? 0 : random.nextInt(256 * 1024);
                seeds[i] = random.nextLong();
                opened.add(go.open(target, downloadRequest(sizes[i], seeds[i])));
            }
            for (int i = 0; i < streams; i++) {
                GoLocalPeer.Stream s = opened.get(i);
                byte[] got = s.read(Long.MAX_VALUE, WAIT);
                assertArrayEquals(TestData.sha256(seeds[i], sizes[i]), TestData.sha256(new ByteArrayInputStream(got)),
                        "stream " + s.id() + " (" + sizes[i] + " bytes)");
                assertEquals(FrameType.FINISH.code, s.awaitEnd(WAIT).type(), "our remote ends with finish after the destination's EOF");
            }
            assertEquals(2, go.connections());
            assertEquals(2, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals("TLSv1.3", go.tlsProtocol());
            // the close pong-go answers each finish with ends the streams on our side
            for (int i = 0; i < 200 && pair.remote.activeStreams() > 0; i++) Thread.sleep(50);
            assertEquals(0, pair.remote.activeStreams(), "streams left open on our remote");
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    @Test
    void pongGoLocalGetsByteExactDownloadsThroughOurHttpsRemote() throws Exception {
        SplittableRandom random = new SplittableRandom(32);
        try (ProxyPair pair = ProxyPair.over("https"); Origin origin = Origin.download();
             GoLocalPeer go = new GoLocalPeer(pair.remote.port(), pair.clientId, "/tunnel")) {
            Address target = new Address("127.0.0.1", origin.port());
            for (int i = 0; i < 10; i++) {
                long size = random.nextInt(256 * 1024);
                long seed = random.nextLong();
                GoLocalPeer.Stream s = go.open(target, downloadRequest(size, seed));
                assertArrayEquals(TestData.sha256(seed, size), TestData.sha256(new ByteArrayInputStream(s.read(Long.MAX_VALUE, WAIT))));
            }
            assertTrue(go.h1ResponseHead.startsWith("HTTP/1.1 200 OK\r\n"), go.h1ResponseHead);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(List.of(), go.crashes());
        }
    }

    @Test
    void pongGoLocalEchoesThroughOurRemoteAndEndsWithClose() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo();
             GoLocalPeer go = new GoLocalPeer(pair.remote.port(), pair.clientId)) {
            byte[] data = TestData.bytes(4, 100_000);
            GoLocalPeer.Stream s = go.open(new Address("127.0.0.1", echo.port()), data);
            assertArrayEquals(data, s.read(data.length, WAIT));
            s.close();
            for (int i = 0; i < 200 && pair.remote.activeStreams() > 0; i++) Thread.sleep(50);
            assertEquals(0, pair.remote.activeStreams(), "pong-go's close ends the stream on our remote");
            GoLocalPeer.Stream next = go.open(new Address("127.0.0.1", echo.port()), data);
            assertArrayEquals(data, next.read(data.length, WAIT), "the connection still serves new streams");
            assertEquals(1, go.connections());
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    @Test
    void ourRemoteRefusesTowardsPongGoLocalWithTheCodeByteOnly() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("dst.deny", ":" + 1), Map.of());
             GoLocalPeer go = new GoLocalPeer(pair.remote.port(), pair.clientId)) {
            GoLocalPeer.Stream refused = go.open(new Address("127.0.0.1", Origin.closedPort()), new byte[40]);
            Frame end = refused.awaitEnd(WAIT);
            assertEquals(FrameType.RST.code, end.type());
            assertArrayEquals(new byte[] {ErrorCode.ERR_DST_REFUSE.code}, end.payload());
            GoLocalPeer.Stream denied = go.open(new Address("127.0.0.1", 1), new byte[40]);
            assertArrayEquals(new byte[] {ErrorCode.ERR_RULE.code}, denied.awaitEnd(WAIT).payload());
            GoLocalPeer.Stream badName = go.open(new Address("no-such-host.invalid", 80), new byte[40]);
            assertEquals(1, badName.awaitEnd(WAIT).payload().length);
            assertEquals(List.of(), go.crashes());
            assertSafeForPongGo(go.framesReceived());
        }
    }

    // ----

    /**
     * What pong-go survives on a stream: data of any size, the opening frame, and otherwise only frames
     * whose payload fits in 7 bytes; ours are stricter still (rst: the code byte only; finish, close: empty).
     */
    static void assertSafeForPongGo(List<Frame> frames) {
        assertTrue(!frames.isEmpty(), "frames were recorded");
        for (Frame f : frames) {
            if (f.streamId() == Frame.CONNECTION_STREAM) continue; // pong-go discards stream 0
            FrameType type = f.frameType();
            assertTrue(type != null, "unknown frame type sent: " + f);
            switch (type) {
                case DATA, CONNECT -> { }
                case RST -> assertTrue(f.payload().length <= 1, "rst longer than its code byte: " + f);
                case FINISH, CLOSE -> assertEquals(0, f.payload().length, "payload on " + f);
                default -> throw new AssertionError("frame pong-go does not expect on a stream: " + f);
            }
        }
    }

    private static byte[] downloadRequest(long n, long seed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeLong(n);
        d.writeLong(seed);
        return b.toByteArray();
    }

    private static void readToTheEnd(Socket app) throws IOException {
        try {
            app.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (SocketException reset) {
            // the rst reached the app as an aborted connection: also an end
        }
    }
}
