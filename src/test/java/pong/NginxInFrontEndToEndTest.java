package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Nginx;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.TestPki;
import pong.testing.Transfers;

/**
 * The deployment of docs/deploy-nginx.md, for real: nginx terminates TLS and proxies /tunnel to remote's
 * ws:// listener; local dials wss:// to nginx. Bulk bytes both ways, 200 streams on the one WebSocket,
 * half close, an idle spell of three times nginx's proxy_read_timeout kept alive by tunnel pings, and
 * nginx's own page for a browser on the same host meanwhile.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxInFrontEndToEndTest {
    /** Short here so the idle test stays short; the docs use 300s. */
    private static final int READ_TIMEOUT_SECONDS = 3;
    /** The server block of docs/deploy-nginx.md with the test's upstream port and read timeout. */
    private static final String SERVER_BODY = """
                    server_name localhost;
                    location / {
                        root /usr/share/nginx/html;
                    }
                    location /tunnel {
                        proxy_pass http://127.0.0.1:REMOTE_PORT;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_read_timeout READ_TIMEOUTs;
                        proxy_send_timeout READ_TIMEOUTs;
                        proxy_buffering off;
                    }
            """;

    private Nginx nginx;
    private ProxyPair pair;
    private Origin download;
    private Origin sink;
    private Origin echo;

    @BeforeAll
    void start() throws Exception {
        pair = ProxyPair.startBehind((listen, port) -> {
            nginx = Nginx.start(SERVER_BODY.replace("REMOTE_PORT", String.valueOf(port))
                    .replace("READ_TIMEOUT", String.valueOf(READ_TIMEOUT_SECONDS)));
            return "wss://127.0.0.1:" + nginx.port() + "/tunnel";
        }, Map.of("listen", "ws://127.0.0.1:0/tunnel", "listen.trusted.proxies", "127.0.0.1/32"),
                Map.of("tls.trust", TestPki.certPem().toString(), "tunnel.ping.interval", "1s", "tunnel.ping.timeout", "10s"));
        download = Origin.download();
        sink = Origin.sink();
        echo = Origin.echo();
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
        if (nginx != null) nginx.close();
        for (Origin o : new Origin[] {download, sink, echo}) if (o != null) o.close();
    }

    @Test
    void sixtyFourMegabytesEachWayArriveByteExact() throws Exception {
        Transfers.assertDownload(pair.socksPort(), download.port(), 64L * 1024 * 1024, 64);
        Transfers.assertUpload(pair.socksPort(), sink.port(), 64L * 1024 * 1024, 65);
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
    }

    @Test
    void twoHundredConcurrentStreamsShareTheOneWebSocket() throws Exception {
        SplittableRandom random = new SplittableRandom(200);
        try (ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long size = random.nextInt(256 * 1024);
                long seed = random.nextLong();
                results.add(apps.submit(() -> {
                    Transfers.assertDownload(pair.socksPort(), download.port(), size, seed);
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(200, TimeUnit.SECONDS);
        }
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
        assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }

    @Test
    void halfCloseCarriesTheResponseAfterTheRequestEnds() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 3 * 1024 * 1024 + 17, 11);
    }

    @Test
    void anIdleSpellOfThreeReadTimeoutsLeavesTheTunnelAlive() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 1);
        long opened = Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total");
        Thread.sleep(3L * READ_TIMEOUT_SECONDS * 1000 + 500);
        Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 2);
        assertEquals(opened, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "nginx did not cut the idle tunnel: " + nginx.errorLog());
        assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }

    @Test
    void aBrowserOnTheSameHostGetsNginxOwnPageWhileTheTunnelRuns() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 3); // the tunnel is up
        try (SSLSocket s = (SSLSocket) RawTunnel.testClientContext().getSocketFactory().createSocket("127.0.0.1", nginx.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String page = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(page.startsWith("HTTP/1.1 200 OK"), page);
            assertTrue(page.contains("Welcome to nginx!"), page);
        }
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
    }
}
