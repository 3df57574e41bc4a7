package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import pong.local.LocalServer;
import pong.testing.FreezableProxy;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.TestPki;
import pong.testing.Transfers;

/**
 * The cases every real HTTP/2 front must pass (a subclass starts the front): bulk bytes both ways, 200
 * streams on the one tunnel, half close, a second local instance beside the first, and an idle spell of
 * three times the front's read timeout kept alive by tunnel pings. Between the front and remote sits a
 * counting TCP forwarder, so the tests see how many upstream connections the front opened.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpFrontCases {
    /** The front's read timeouts, short here so the idle test stays short. */
    static final int READ_TIMEOUT_SECONDS = 3;

    ProxyPair pair;
    FreezableProxy upstream;
    private Origin download;
    private Origin sink;
    private Origin echo;

    /** Starts the front towards this upstream port and returns local's {@code remote} value for it. */
    abstract String startFront(int upstreamPort) throws Exception;

    abstract String remoteListen();

    abstract void stopFront();

    abstract String frontLog() throws IOException;

    /** True when the front carries many tunnels on one upstream HTTP/2 connection; false for one connection per tunnel. */
    abstract boolean multiplexesUpstream();

    @BeforeAll
    void start() throws Exception {
        pair = ProxyPair.startBehind((listen, port) -> {
            upstream = new FreezableProxy(port);
            return startFront(upstream.port());
        }, Map.of("listen", remoteListen(), "listen.trusted.proxies", "127.0.0.1/32"),
                Map.of("tls.trust", TestPki.certPem().toString(), "tunnel.ping.interval", "1s", "tunnel.ping.timeout", "10s"));
        download = Origin.download();
        sink = Origin.sink();
        echo = Origin.echo();
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
        stopFront();
        if (upstream != null) upstream.close();
        for (Origin o : new Origin[] {download, sink, echo}) if (o != null) o.close();
    }

    @Test
    void sixtyFourMegabytesEachWayArriveByteExact() throws Exception {
        Transfers.assertDownload(pair.socksPort(), download.port(), 64L * 1024 * 1024, 64);
        Transfers.assertUpload(pair.socksPort(), sink.port(), 64L * 1024 * 1024, 65);
        assertEquals(1, pair.local.connector().tunnelsOpened(), frontLog());
    }

    @Test
    void twoHundredConcurrentStreamsShareTheOneTunnel() throws Exception {
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
        assertEquals(1, pair.local.connector().tunnelsOpened(), frontLog());
    }

    @Test
    void halfCloseCarriesTheResponseAfterTheRequestEnds() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 3 * 1024 * 1024 + 17, 11);
    }

    @Test
    void anIdleSpellOfThreeReadTimeoutsLeavesTheTunnelAlive() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 1);
        long opened = pair.local.connector().tunnelsOpened();
        long accepted = Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total");
        Thread.sleep(3L * READ_TIMEOUT_SECONDS * 1000 + 500);
        Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 2);
        assertEquals(opened, pair.local.connector().tunnelsOpened(), "the front cut the idle tunnel: " + frontLog());
        assertEquals(accepted, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }

    @Test
    void aSecondLocalInstanceTunnelsThroughTheFrontBesideTheFirst() throws Exception {
        Transfers.assertDownload(pair.socksPort(), download.port(), 100_000, 7); // the first local's tunnel is up
        long accepted = Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total");
        LocalServer second = pair.startAnotherLocal();
        Transfers.assertDownload(second.port(), download.port(), 5L * 1024 * 1024, 8);
        Transfers.assertUpload(second.port(), sink.port(), 5L * 1024 * 1024, 9);
        Transfers.assertDownload(pair.socksPort(), download.port(), 100_000, 10);
        assertEquals(accepted + 1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        assertEquals(1, second.connector().tunnelsOpened());
        if (multiplexesUpstream()) {
            assertEquals(1, upstream.connections(), "every tunnel of both locals rides on one upstream HTTP/2 connection");
        } else {
            assertEquals(Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"), upstream.connections(), "one upstream connection per tunnel");
        }
    }
}
