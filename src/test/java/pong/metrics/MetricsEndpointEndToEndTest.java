package pong.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.PrometheusTools;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** metrics.listen on both halves of a real pair: what a scrape says after real streams, checked by promtool. */
@Timeout(120)
class MetricsEndpointEndToEndTest {
    private static final int STREAMS = 7;

    private static ProxyPair pair() throws Exception {
        return ProxyPair.start(Map.of("metrics.listen", "127.0.0.1:0", "metrics.per.client", "true", "log.access", "off"),
                Map.of("metrics.listen", "127.0.0.1:0"));
    }

    @Test
    void bothHalvesServeScrapesThatPromtoolAcceptsAndThatCountTheStreams() throws Exception {
        try (ProxyPair pair = pair(); Origin echo = Origin.echo()) {
            int localPort = pair.local.monitoring().metricsPort();
            int remotePort = pair.remote.monitoring().metricsPort();
            for (int i = 0; i < STREAMS; i++) {
                byte[] data = TestData.bytes(i, 1000 + i);
                assertArrayEquals(data, Socks5Client.echo(pair.socksPort(), echo.port(), data));
            }
            int closedPort = Origin.closedPort();
            try (var s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", closedPort)) {
                s.setSoTimeout(10_000);
                s.getInputStream().read(); // the refused dial resets the stream
            } catch (IOException expected) {
                // reset
            }
            long expectedUp = 0;
            for (int i = 0; i < STREAMS; i++) expectedUp += 1000 + i;
            long up = expectedUp;
            assertTrue(Eventually.holds(() -> PrometheusTools.sum(scrape(localPort), "pong_streams_ended_total") == STREAMS + 1),
                    () -> "every stream ended:\n" + scrape(localPort));

            String local = scrape(localPort);
            assertEquals(STREAMS + 1, PrometheusTools.sum(local, "pong_streams_opened_total"), local);
            assertEquals(STREAMS, PrometheusTools.value(local, "pong_streams_ended_total{front=\"socks5\",outcome=\"finish\"}"), local);
            assertEquals(1, PrometheusTools.value(local, "pong_streams_ended_total{front=\"socks5\",outcome=\"rst\",code=\"5\"}"), local);
            assertEquals(up, PrometheusTools.value(local, "pong_stream_bytes_total{direction=\"up\"}"), local);
            assertEquals(up, PrometheusTools.value(local, "pong_stream_bytes_total{direction=\"down\"}"), local);
            assertEquals(1, PrometheusTools.value(local, "pong_tunnels_opened_total{transport=\"tls\"}"), local);
            assertEquals(1, PrometheusTools.value(local, "pong_tunnels_open"), local);

            String remote = scrape(remotePort);
            assertEquals(STREAMS, PrometheusTools.value(remote, "pong_dial_duration_seconds_count{result=\"ok\"}"), remote);
            assertEquals(1, PrometheusTools.value(remote, "pong_dial_failures_total{code=\"5\"}"), remote);
            assertEquals(1, PrometheusTools.value(remote, "pong_tunnels_open"), remote);

            for (String scrape : new String[] {local, remote}) {
                PrometheusTools.Result check = PrometheusTools.checkMetrics(scrape);
                assertEquals(0, check.exit(), "promtool check metrics:\n" + check.output() + "\n" + scrape);
                assertEquals("", check.output().trim(), "promtool found lint problems in\n" + scrape);
            }
        }
    }

    @Test
    void theMetricsPortServesNothingButMetrics() throws Exception {
        try (ProxyPair pair = pair()) {
            int port = pair.local.monitoring().metricsPort();
            HttpResponse<String> ok = PrometheusTools.get(port, "/metrics");
            assertEquals(200, ok.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));
            assertEquals(404, PrometheusTools.get(port, "/").statusCode());
            assertEquals(404, PrometheusTools.get(port, "/metrics/x").statusCode());
            assertEquals(404, PrometheusTools.get(port, "/favicon.ico").statusCode());
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void aMetricsPortInUseStopsTheStartWithAnErrorNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class, () -> ProxyPair.start(
                    Map.of("metrics.listen", "127.0.0.1:" + taken.getLocalPort()), Map.of()).close());
            assertTrue(e.getMessage().startsWith("metrics.listen=127.0.0.1:" + taken.getLocalPort() + ": "), e.getMessage());
        }
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> r = PrometheusTools.get(port, "/metrics");
            assertEquals(200, r.statusCode());
            return r.body();
        } catch (Exception e) {
            throw new AssertionError("scrape of port " + port + " failed", e);
        }
    }
}
