package pong.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.PrometheusTools;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/**
 * A real Prometheus (Debian's package) scrapes both halves of a real pair every second while streams
 * run; its query API then has to count exactly the streams this test opened.
 */
@Timeout(180)
class PrometheusScrapesBothHalvesEndToEndTest {
    private static final int STREAMS = 40;
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

    @TempDir
    Path dir;

    @Test
    void prometheusCountsTheStreamsTheTestOpenedOnBothHalves() throws Exception {
        PrometheusTools.requireInstalled(PrometheusTools.PROMETHEUS);
        try (ProxyPair pair = ProxyPair.start(Map.of("metrics.listen", "127.0.0.1:0", "log.access", "off"),
                Map.of("metrics.listen", "127.0.0.1:0"));
             Origin echo = Origin.echo()) {
            int webPort = Origin.closedPort(); // free: nothing listens there
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: pong
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                            labels: {half: local}
                          - targets: ['127.0.0.1:%d']
                            labels: {half: remote}
                    """.formatted(pair.local.monitoring().metricsPort(), pair.remote.monitoring().metricsPort()));
            Process prometheus = new ProcessBuilder(PrometheusTools.PROMETHEUS.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + webPort,
                    "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                assertTrue(Eventually.holds(() -> status(webPort, "/-/ready") == 200),
                        () -> "prometheus (pid " + prometheus.pid() + ") did not become ready:\n" + log());
                // traffic while Prometheus scrapes: streams spread over a few scrape intervals
                AtomicInteger done = new AtomicInteger();
                for (int i = 0; i < STREAMS; i++) {
                    byte[] data = TestData.bytes(i, 2000);
                    assertArrayEquals(data, Socks5Client.echo(pair.socksPort(), echo.port(), data));
                    done.incrementAndGet();
                    Thread.sleep(50);
                }
                assertEquals(STREAMS, done.get());
                assertTrue(Eventually.holds(() -> query(webPort, "sum(pong_streams_opened_total{half=\"local\"})") == STREAMS),
                        () -> "prometheus saw " + query(webPort, "sum(pong_streams_opened_total{half=\"local\"})")
                                + " streams opened on local, the test opened " + STREAMS + "\n" + log());
                assertTrue(Eventually.holds(() -> query(webPort, "sum(pong_dial_duration_seconds_count{half=\"remote\",result=\"ok\"})") == STREAMS),
                        () -> "prometheus saw " + query(webPort, "sum(pong_dial_duration_seconds_count{half=\"remote\",result=\"ok\"})")
                                + " dials on remote\n" + log());
                assertEquals(2, query(webPort, "sum(up{job=\"pong\"})"), "both halves are up for Prometheus");
                assertEquals(2, query(webPort, "count(pong_tunnels_open == 1)"), "each half holds its one tunnel");
            } finally {
                prometheus.destroy(); // SIGTERM to its pid
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                    prometheus.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int status(int port, String path) {
        try {
            return PrometheusTools.get(port, path).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The value of an instant query's single result; NaN when there is none yet. */
    private static double query(int port, String promql) {
        try {
            HttpResponse<String> r = PrometheusTools.get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            if (r.statusCode() != 200) return Double.NaN;
            Matcher m = VALUE.matcher(r.body());
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException | InterruptedException e) {
            return Double.NaN;
        }
    }
}
