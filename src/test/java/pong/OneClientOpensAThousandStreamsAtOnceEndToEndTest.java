package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/**
 * The per-client shares (client.max.streams, client.max.pending.dials, client.buffer.max) and the
 * dial queue keep one client from starving others, but with the defaults one client may still open
 * 1,000 streams at once: the dials past its share wait their turn instead of being refused.
 */
@Timeout(120)
class OneClientOpensAThousandStreamsAtOnceEndToEndTest {
    private static final int STREAMS = 1000;

    @Test
    void aThousandConcurrentEchoesOfOneClientAllSucceedWithTheDefaults() throws Exception {
        try (Origin echo = Origin.echo(); ProxyPair pair = ProxyPair.start()) {
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> apps = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                int seed = i;
                apps.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        Transfers.assertEcho(pair.socksPort(), echo.port(), 2000, seed);
                        ok.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            start.countDown();
            for (Thread t : apps) t.join();
            assertEquals(List.of(), failures.stream().limit(3).map(String::valueOf).toList());
            assertEquals(STREAMS, ok.get());
            assertEquals(0, Observed.value(pair.remote.monitoring(), "pong_rejections_total{reason=\"pending_dials\"}"));
            assertEquals(0, Observed.value(pair.remote.monitoring(), "pong_rejections_total{reason=\"stream_limit\"}"));
        }
    }
}
