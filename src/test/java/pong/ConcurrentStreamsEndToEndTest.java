package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/** Many apps at once share the one tunnel connection; every byte of every stream arrives. */
@Timeout(180)
class ConcurrentStreamsEndToEndTest {
    private static final int STREAMS = 200;
    private static final int MAX_SIZE = 4 * 1024 * 1024;

    @Test
    void twoHundredConcurrentStreamsOfRandomSizesArriveByteExactOverOneTunnel() throws Exception {
        SplittableRandom random = new SplittableRandom(2024);
        try (ProxyPair pair = ProxyPair.start(); Origin origin = Origin.download();
             ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                long size = random.nextInt(MAX_SIZE + 1);
                long seed = random.nextLong();
                results.add(apps.submit(() -> {
                    Transfers.assertDownload(pair.socksPort(), origin.port(), size, seed);
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(150, TimeUnit.SECONDS);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"), "tunnel connections the remote accepted");
            assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "tunnel connections the local opened");
            assertEquals(STREAMS, origin.accepted());
        }
    }
}
