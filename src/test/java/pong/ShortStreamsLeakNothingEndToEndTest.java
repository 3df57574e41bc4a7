package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** 20,000 short streams, some reset halfway and some abandoned mid-transfer, leave nothing behind. */
@Timeout(180)
class ShortStreamsLeakNothingEndToEndTest {
    private static final int STREAMS = 20_000;
    private static final int WORKERS = 16;
    private static final long TIME_BUDGET_NANOS = 60_000_000_000L; // a safety net; the run is bounded by count

    @Test
    void twentyThousandShortStreamsLeaveNoStreamsThreadsOrFds() throws Exception {
        try (Origin echo = Origin.echo(); Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0"), Map.of())) {
            assertArrayEquals(TestData.bytes(1, 1000), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(1, 1000)));
            ResourceProbe.Snapshot baseline = ResourceProbe.now();
            AtomicInteger next = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                workers.add(Thread.ofPlatform().name("leak " + w).start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < STREAMS && System.nanoTime() < deadline) {
                        try {
                            oneStream(i, pair.socksPort(), echo.port(), download.port());
                        } catch (IOException | AssertionError e) {
                            failures.add("stream " + i + ": " + e);
                        }
                    }
                }));
            }
            for (Thread t : workers) t.join();
            assertTrue(next.get() >= STREAMS, "only " + next.get() + " streams within the time budget");
            assertTrue(failures.isEmpty(), failures.size() + " failed, first: " + failures.peek());

            assertEquals(0, ResourceProbe.awaitZero(pair.remote::activeStreams, 10_000), "open streams on remote");
            assertEquals(0, ResourceProbe.awaitZero(() -> pair.local.connector().current().streamCount(), 10_000), "open streams on local");
            assertEquals(0, ResourceProbe.awaitZero(pair.local::activeConnections, 10_000), "app connections on local");
            ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(baseline, 3, 16, 10_000);
            assertTrue(after.threads() <= baseline.threads() + 3 && after.fds() <= baseline.fds() + 16, "baseline " + baseline + ", after " + after);
            assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "all streams shared one tunnel");
        }
    }

    /** 8 in 10 complete an echo byte-exact, 1 in 10 resets halfway (RST), 1 in 10 abandons a download. */
    private static void oneStream(int i, int socksPort, int echoPort, int downloadPort) throws IOException {
        byte[] data = TestData.bytes(i, 200 + i % 1000);
        switch (i % 10) {
            case 8 -> {
                Socket s = Socks5Client.connect(socksPort, "127.0.0.1", echoPort);
                s.getOutputStream().write(data);
                s.setSoLinger(true, 0);
                s.close();
            }
            case 9 -> {
                try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", downloadPort)) {
                    s.setSoTimeout(30_000);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeLong(10_000_000);
                    out.writeLong(i);
                    out.flush();
                    s.getInputStream().readNBytes(1000);
                }
            }
            default -> {
                byte[] back = Socks5Client.echo(socksPort, echoPort, data);
                if (!Arrays.equals(data, back)) throw new AssertionError("echo differs");
            }
        }
    }
}
