package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.Transfers;
import pong.transport.Transports;

/**
 * The core end-to-end cases over every registered transport (one source, one run per scheme): a new
 * transport is covered by registering it. Each case runs a real remote and local on loopback.
 */
@Timeout(120)
class EveryTransportEndToEndTest {
    private static final int STREAMS = 200;

    static List<String> transports() {
        return List.copyOf(Transports.schemes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void bulkDownloadAndUploadArriveByteExact(String scheme) throws Exception {
        try (ProxyPair pair = ProxyPair.over(scheme); Origin download = Origin.download(); Origin sink = Origin.sink()) {
            Transfers.assertDownload(pair.socksPort(), download.port(), 32L * 1024 * 1024 + 13, 1);
            Transfers.assertUpload(pair.socksPort(), sink.port(), 32L * 1024 * 1024 + 29, 2);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void twoHundredConcurrentStreamsShareOneTunnel(String scheme) throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        try (ProxyPair pair = ProxyPair.over(scheme); Origin origin = Origin.download();
             ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                long size = random.nextInt(256 * 1024);
                long seed = random.nextLong();
                results.add(apps.submit(() -> {
                    Transfers.assertDownload(pair.socksPort(), origin.port(), size, seed);
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(100, TimeUnit.SECONDS);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(STREAMS, origin.accepted());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void halfCloseLetsTheResponseFlowAfterTheRequestEnds(String scheme) throws Exception {
        try (ProxyPair pair = ProxyPair.over(scheme); Origin echo = Origin.echo()) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 3 * 1024 * 1024 + 17, 11);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void refusedDestinationClosesTheAppSocketAndTheTunnelServesOn(String scheme) throws Exception {
        try (ProxyPair pair = ProxyPair.over(scheme); Origin echo = Origin.echo()) {
            try (Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", Origin.closedPort())) {
                DestinationRefusedEndToEndTest.sendIfStillOpen(app, "hello".getBytes());
                DestinationRefusedEndToEndTest.assertClosedWithoutData(app);
            }
            Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 3);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void wrongClientIdGetsNoTunnelAndNothingIsDialed(String scheme) throws Exception {
        try (ProxyPair pair = ProxyPair.over(scheme, Map.of(), Map.of("client.id", UUID.randomUUID().toString()));
             Origin echo = Origin.echo()) {
            assertThrows(IOException.class, () -> Socks5Client.echo(pair.socksPort(), echo.port(), "hello".getBytes()));
            assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
            assertEquals(0, echo.accepted());
        }
    }
}
