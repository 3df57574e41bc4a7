package pong.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.monitoring.Monitoring;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.testing.Curl;
import pong.testing.Eventually;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.WebOrigin;

/**
 * The tunnel, the fronts and both servers report to the one observer: what a scrape of each half's
 * registry shows after real traffic (streams by front with their ends and bytes, tunnels opened and
 * closed with a reason, rejections by reason, ping round trips).
 */
@Timeout(60)
class BothHalvesReportToOneObserverEndToEndTest {
    private static final int SIZE = 20_000;

    @Test
    void everyFrontOpensItsStreamsUnderItsOwnNameAndEachEndIsCountedWithItsBytes() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); WebOrigin web = WebOrigin.http(3)) {
            String proxy = "127.0.0.1:" + pair.socksPort();
            String url = "http://127.0.0.1:" + web.port() + "/bytes/" + SIZE;
            assertEquals(0, Curl.run("--socks5-hostname", proxy, url).exit());
            assertEquals(0, Curl.run("--socks4a", proxy, url).exit());
            assertEquals(0, Curl.run("-x", "http://" + proxy, url).exit());
            assertEquals(0, Curl.run("-x", "http://" + proxy, "--proxytunnel", url).exit());
            Monitoring local = pair.local.monitoring();
            for (String front : new String[] {"socks5", "socks4", "http", "connect"}) {
                assertEquals(1, Observed.value(local, "pong_streams_opened_total{front=\"" + front + "\"}"), front);
            }
            assertTrue(Eventually.holds(() -> Observed.sum(local, "pong_streams_ended_total") == 4), () -> local.registry().scrape());
            assertEquals(1, Observed.value(local, "pong_streams_ended_total{front=\"http\",outcome=\"finish\"}")
                    + Observed.value(local, "pong_streams_ended_total{front=\"http\",outcome=\"close\"}"), "the plain-HTTP upstream reports its end");
            assertTrue(Observed.value(local, "pong_stream_bytes_total{direction=\"down\"}") >= 4L * SIZE, local.registry().scrape());

            Monitoring remote = pair.remote.monitoring();
            assertEquals(1, Observed.value(remote, "pong_tunnels_opened_total{transport=\"tls\"}"));
            assertEquals(4, Observed.value(remote, "pong_streams_opened_total{front=\"tcp\"}"));
            assertTrue(Eventually.holds(() -> Observed.sum(remote, "pong_streams_ended_total") == 4), () -> remote.registry().scrape());
            assertTrue(Observed.value(remote, "pong_stream_bytes_total{direction=\"down\"}") >= 4L * SIZE, remote.registry().scrape());
        }
    }

    @Test
    void aStreamRemoteRefusesIsCountedAsEndedWithItsCodeOnBothHalves() throws Exception {
        Map<String, String> remoteKeys = new HashMap<>();
        remoteKeys.put("dst.deny", null);
        try (ProxyPair pair = ProxyPair.start(remoteKeys, Map.of());
             Socket app = Socks5Client.connect(pair.socksPort(), "example.org", 25)) {
            app.setSoTimeout(10_000);
            try {
                app.getInputStream().read();
            } catch (IOException reset) {
                // the refusal resets the app's connection
            }
            String ended = "pong_streams_ended_total{front=\"tcp\",outcome=\"rst\",code=\"2\"}";
            assertTrue(Eventually.holds(() -> Observed.value(pair.remote.monitoring(), ended) == 1), () -> pair.remote.monitoring().registry().scrape());
            String local = "pong_streams_ended_total{front=\"socks5\",outcome=\"rst\",code=\"2\"}";
            assertTrue(Eventually.holds(() -> Observed.value(pair.local.monitoring(), local) == 1), () -> pair.local.monitoring().registry().scrape());
        }
    }

    @Test
    void tunnelsAreReportedClosedWithTheirReasonOnBothHalves() throws Exception {
        try (Origin echo = Origin.echo()) {
            ProxyPair pair = ProxyPair.start();
            try {
                assertArrayEquals(TestData.bytes(1, 100), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(1, 100)));
            } finally {
                pair.local.close();
            }
            try {
                assertTrue(Eventually.holds(() -> Observed.value(pair.remote.monitoring(),
                        "pong_tunnels_closed_total{transport=\"tls\",reason=\"client_left\"}") == 1), () -> pair.remote.monitoring().registry().scrape());
                assertEquals(1, Observed.value(pair.local.monitoring(), "pong_tunnels_closed_total{transport=\"tls\",reason=\"shutdown\"}"));
            } finally {
                pair.close();
            }
        }
    }

    @Test
    void localReportsPingRoundTrips() throws Exception {
        try (Origin echo = Origin.echo(); ProxyPair pair = ProxyPair.start(Map.of(), Map.of("tunnel.ping.interval", "100ms"))) {
            assertArrayEquals(TestData.bytes(2, 10), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(2, 10)));
            assertTrue(Eventually.holds(() -> Observed.value(pair.local.monitoring(), "pong_ping_round_trip_seconds_count") >= 2),
                    () -> pair.local.monitoring().registry().scrape());
        }
    }

    @Test
    void rejectionsAreCountedByReason() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("tunnel.max.streams", "1"), Map.of())) {
            try (RawTunnel stranger = RawTunnel.open(pair.remote.port(), true, UUID.randomUUID())) {
                assertTrue(Eventually.holds(() -> Observed.value(pair.remote.monitoring(), "pong_rejections_total{reason=\"unknown_client\"}") == 1),
                        () -> pair.remote.monitoring().registry().scrape());
            }
            try (RawTunnel t = RawTunnel.open(pair.remote.port(), true, pair.clientId); Origin hold = Origin.echo()) {
                t.connectFrame(1, new Address("127.0.0.1", hold.port()));
                t.connectFrame(3, new Address("127.0.0.1", hold.port()));
                assertEquals(ErrorCode.ERR, t.readRst(3, Duration.ofSeconds(20)));
            }
            try (Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
                app.getOutputStream().write("\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
                app.setSoTimeout(10_000);
                app.getInputStream().read();
            }
            Monitoring remote = pair.remote.monitoring();
            assertTrue(Eventually.holds(() -> Observed.value(remote, "pong_rejections_total{reason=\"unknown_client\"}") == 1), () -> remote.registry().scrape());
            assertEquals(1, Observed.value(remote, "pong_rejections_total{reason=\"stream_limit\"}"), remote.registry().scrape());
            assertTrue(Eventually.holds(() -> Observed.value(pair.local.monitoring(), "pong_rejections_total{reason=\"app_handshake\"}") == 1),
                    () -> pair.local.monitoring().registry().scrape());
        }
    }
}
