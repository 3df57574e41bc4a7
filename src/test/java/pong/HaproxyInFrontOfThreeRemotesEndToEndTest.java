package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.local.LocalServer;
import pong.local.TunnelConnector;
import pong.testing.Eventually;
import pong.testing.Haproxy;
import pong.testing.Origin;
import pong.testing.PongJar;
import pong.testing.PongProcess;
import pong.testing.PrometheusTools;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestPki;
import pong.tunnel.Tunnel;

/**
 * Three remote processes (one certificate) behind a real HAProxy (mode tcp, leastconn, TLS health
 * checks, redispatch), one local with tunnels=3 to HAProxy, under a steady load of short byte-checked
 * requests and slow downloads that outlast shutdown.grace. A rolling SIGTERM restart fails no short
 * request; a SIGKILL or a SIGSTOP fails only streams that were on that remote, and every request that
 * starts after local noticed the loss succeeds. The counts of each case are printed for the record.
 */
class HaproxyInFrontOfThreeRemotesEndToEndTest {
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final int SLOW_CHUNKS = 50; // 1 KiB every 100 ms: 5 s, longer than the grace
    private static final int SLOW_DOWNLOADS = 4;
    private static final long SHORT_EVERY_MILLIS = 5;

    private final UUID clientId = UUID.randomUUID();
    private Path dir;
    private final PongProcess[] remotes = new PongProcess[3];
    private final int[] ports = new int[3];
    private final int[] metricsPorts = new int[3];

    private Map<String, String> remoteProperties(int i) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("tls.keystore", TestPki.keystore().toString());
        r.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        r.put("clients", clientId.toString());
        r.put("dst.deny", "");
        r.put("shutdown.grace", GRACE.toMillis() + "ms");
        r.put("metrics.listen", "127.0.0.1:" + metricsPorts[i]);
        return r;
    }

    private void startRemote(int i) throws Exception {
        remotes[i] = PongProcess.startOn(dir, "remote" + (i + 1) + "-" + System.nanoTime(), remoteProperties(i), "tls://", 0, ports[i]);
    }

    /** Tunnels the remote's metrics say it holds now (0 when it does not answer). */
    private int tunnelsOn(int i) {
        try {
            double v = PrometheusTools.sum(PrometheusTools.get(metricsPorts[i], "/metrics").body(), "pong_tunnels_open");
            return (int) v;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    /** A request and how it ended. */
    private record Outcome(long startNanos, boolean ok, String error) {
    }

    /** The load: a short echo request every few ms, plus slow downloads kept running; bounded by {@link #stop}. */
    private static final class Load {
        final int proxyPort;
        final Origin echo;
        final Origin slow;
        final ConcurrentLinkedQueue<Outcome> shorts = new ConcurrentLinkedQueue<>();
        final AtomicInteger slowWhole = new AtomicInteger();
        final AtomicInteger slowReset = new AtomicInteger();
        final AtomicInteger slowSilent = new AtomicInteger();
        final Semaphore inFlight = new Semaphore(400);
        final List<Thread> threads = new ArrayList<>();
        volatile boolean running = true;

        Load(int proxyPort, Origin echo, Origin slow) {
            this.proxyPort = proxyPort;
            this.echo = echo;
            this.slow = slow;
            threads.add(Thread.ofVirtual().start(this::shortLoop));
            for (int i = 0; i < SLOW_DOWNLOADS; i++) threads.add(Thread.ofVirtual().start(this::slowLoop));
        }

        private void shortLoop() {
            while (running) {
                try {
                    inFlight.acquire();
                    Thread.ofVirtual().start(() -> {
                        try {
                            shortRequest();
                        } finally {
                            inFlight.release();
                        }
                    });
                    Thread.sleep(SHORT_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void shortRequest() {
            long start = System.nanoTime();
            byte[] data = new byte[64 + ThreadLocalRandom.current().nextInt(512)];
            ThreadLocalRandom.current().nextBytes(data);
            try {
                byte[] back = Socks5Client.echo(proxyPort, echo.port(), data);
                shorts.add(new Outcome(start, Arrays.equals(data, back), Arrays.equals(data, back) ? null : "bytes differ: " + back.length));
            } catch (IOException e) {
                shorts.add(new Outcome(start, false, String.valueOf(e)));
            }
        }

        private void slowLoop() {
            while (running) {
                try (Socket s = Socks5Client.connect(proxyPort, "127.0.0.1", slow.port())) {
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write(1);
                    InputStream in = s.getInputStream();
                    long n = 0;
                    try {
                        byte[] buf = new byte[4096];
                        int r;
                        while ((r = in.read(buf)) > 0) n += r;
                    } catch (IOException e) {
                        slowReset.incrementAndGet(); // cut with a reset: what the app must see
                        continue;
                    }
                    if (n == SLOW_CHUNKS * 1024L) slowWhole.incrementAndGet();
                    else slowSilent.incrementAndGet(); // ended like a whole download but was not: never allowed
                } catch (IOException e) {
                    slowReset.incrementAndGet(); // refused or cut before its first byte
                }
            }
        }

        /** Stops starting requests and waits (bounded) for those in flight. */
        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) t.join(Duration.ofSeconds(40));
            inFlight.tryAcquire(400, 40, TimeUnit.SECONDS);
        }

        List<Outcome> between(long from, long to) {
            return shorts.stream().filter(o -> o.startNanos() - from >= 0 && o.startNanos() - to < 0).toList();
        }
    }

    /** Watches local's tunnels: when each one closed (what each cut, the tunnel counts itself). */
    private static final class TunnelWatch {
        final Map<Tunnel, Long> closedAt = new ConcurrentHashMap<>();
        final Set<Tunnel> seen = ConcurrentHashMap.newKeySet();
        final Thread thread;
        volatile boolean running = true;

        TunnelWatch(LocalServer local) {
            thread = Thread.ofVirtual().start(() -> {
                while (running) {
                    for (TunnelConnector slot : local.connector().slots()) {
                        Tunnel t = slot.current();
                        if (t != null) seen.add(t);
                    }
                    for (Tunnel t : seen) {
                        if (t.isClosed()) closedAt.putIfAbsent(t, System.nanoTime());
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** The tunnels that closed at or after {@code since}. */
        List<Tunnel> closedSince(long since) {
            return closedAt.entrySet().stream().filter(e -> e.getValue() - since >= 0).map(Map.Entry::getKey).toList();
        }
    }

    private static String counts(String name, List<Outcome> all) {
        return name + ": " + all.size() + " short requests, " + failed(all) + " failed";
    }

    private static long failed(List<Outcome> all) {
        return all.stream().filter(o -> !o.ok()).count();
    }

    private static String firstFailures(List<Outcome> all) {
        List<String> errors = all.stream().filter(o -> !o.ok()).map(Outcome::error).toList();
        return errors.size() + " failed, the first: " + errors.subList(0, Math.min(5, errors.size()));
    }

    @Test
    void rollingRestartsFailNothingAndAKilledOrFrozenRemoteFailsOnlyItsOwnStreams() throws Exception {
        dir = Files.createTempDirectory("pong-haproxy-test");
        for (int i = 0; i < 3; i++) {
            ports[i] = PongJar.freePort();
            metricsPorts[i] = PongJar.freePort();
        }
        Origin echo = Origin.echo();
        Origin slow = Origin.start(s -> {
            if (s.getInputStream().read() < 0) return;
            byte[] chunk = new byte[1024];
            for (int i = 0; i < SLOW_CHUNKS; i++) {
                s.getOutputStream().write(chunk);
                s.getOutputStream().flush();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            s.shutdownOutput();
        });
        Haproxy haproxy = null;
        LocalServer local = null;
        Load load = null;
        TunnelWatch watch = null;
        List<String> report = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) startRemote(i);
            haproxy = Haproxy.start(Arrays.stream(ports).boxed().toList());
            Map<String, String> l = new LinkedHashMap<>();
            l.put("mode", "local");
            l.put("listen", "127.0.0.1:0");
            l.put("remote", "tls://127.0.0.1:" + haproxy.port());
            l.put("client.id", clientId.toString());
            l.put("tls.trust", TestPki.certPem().toString());
            l.put("tunnels", "3");
            l.put("tunnel.ping.interval", "1s");
            l.put("tunnel.ping.timeout", "2s");
            l.put("connect.timeout", "3s");
            local = new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), l))).start();
            LocalServer theLocal = local;
            load = new Load(local.port(), echo, slow);
            watch = new TunnelWatch(local);
            currentWatch = watch;
            assertTrue(Eventually.holds(() -> theLocal.connector().tunnelsUp() == 3), "local opened its three tunnels");
            Thread.sleep(2000);

            // --- rolling upgrade: SIGTERM each remote in turn, start it again on its port
            long rollStart = System.nanoTime();
            int[] tunnelsBefore = new int[3];
            for (int i = 0; i < 3; i++) {
                tunnelsBefore[i] = tunnelsOn(i);
                remotes[i].terminate();
                assertTrue(remotes[i].waitFor(GRACE.toSeconds() + 20), "remote " + (i + 1) + " stopped within its grace");
                startRemote(i);
                Thread.sleep(2500); // HAProxy's checks see it up again (rise 2 x 500 ms), and tunnels move on
            }
            while (System.nanoTime() - rollStart < TimeUnit.SECONDS.toNanos(30)) Thread.sleep(100);
            long rollEnd = System.nanoTime();

            // --- SIGKILL the remote that holds most of local's tunnels
            int victim = busiest();
            int victimTunnels = tunnelsOn(victim);
            long killAt = System.nanoTime();
            remotes[victim].signal("KILL");
            assertTrue(Eventually.holds(() -> !currentWatch.closedSince(killAt).isEmpty()), "local noticed the loss");
            Thread.sleep(1000); // every tunnel that was on it has been noticed by now (HAProxy closes them at once)
            long killLoss = latestClose(killAt);
            Thread.sleep(5000);
            long killEnd = System.nanoTime();
            int killCut = streamsOn(killAt);
            remotes[victim].close();
            startRemote(victim);
            Thread.sleep(2500);

            // --- SIGSTOP the remote that holds most of local's tunnels
            int frozen = busiest();
            int frozenTunnels = tunnelsOn(frozen);
            long stopAt = System.nanoTime();
            remotes[frozen].signal("STOP");
            assertTrue(Eventually.holds(() -> !currentWatch.closedSince(stopAt).isEmpty()), "local's pings found the frozen tunnel");
            Thread.sleep(3000); // the ping timeout of every tunnel that was on it has passed
            long stopLoss = latestClose(stopAt);
            Thread.sleep(5000);
            long stopEnd = System.nanoTime();
            int stopCut = streamsOn(stopAt);
            remotes[frozen].signal("CONT");

            load.stop();
            int[] roll = {load.slowWhole.get(), load.slowReset.get(), load.slowSilent.get()};

            List<Outcome> rolling = load.between(rollStart, rollEnd);
            List<Outcome> killed = load.between(killAt, killEnd);
            List<Outcome> stopped = load.between(stopAt, stopEnd);
            report.add(counts("rolling SIGTERM restart of 3 remotes (" + Duration.ofNanos(rollEnd - rollStart).toSeconds() + " s, tunnels on each before: "
                    + Arrays.toString(tunnelsBefore) + ")", rolling));
            report.add(counts("SIGKILL of remote " + (victim + 1) + " (" + victimTunnels + " tunnels, " + killCut + " streams on them)", killed)
                    + ", " + load.between(killLoss, killEnd).size() + " started after local noticed the loss");
            report.add(counts("SIGSTOP of remote " + (frozen + 1) + " (" + frozenTunnels + " tunnels, " + stopCut + " streams on them)", stopped)
                    + ", " + load.between(stopLoss, stopEnd).size() + " started after local noticed the loss");
            report.add("slow downloads: " + roll[0] + " whole, " + roll[1] + " cut with a reset, " + roll[2] + " ended silently short");
            report.forEach(System.out::println);

            assertEquals(0, failed(rolling), "no short request fails in a rolling restart: " + firstFailures(rolling));
            assertTrue(rolling.size() > 1000, "the load ran: " + rolling.size());
            assertEquals(0, roll[2], "a cut download always ends with a reset, never like a whole one");
            assertTrue(victimTunnels > 0 && frozenTunnels > 0, "the killed and the frozen remote held tunnels");
            List<Outcome> afterKill = load.between(killLoss, killEnd);
            assertEquals(0, failed(afterKill), "after local noticed the SIGKILL, every request succeeds: " + firstFailures(afterKill));
            assertTrue(failed(killed) <= killCut, "only streams on the killed remote failed: " + firstFailures(killed));
            List<Outcome> afterStop = load.between(stopLoss, stopEnd);
            assertEquals(0, failed(afterStop), "after local noticed the frozen remote, every request succeeds: " + firstFailures(afterStop));
            assertTrue(failed(stopped) <= stopCut, "only streams on the frozen remote failed: " + firstFailures(stopped));
        } finally {
            if (load != null) load.running = false;
            if (watch != null) watch.running = false;
            if (local != null) local.close();
            if (haproxy != null) haproxy.close();
            for (PongProcess p : remotes) {
                if (p != null) {
                    p.signal("CONT");
                    p.close();
                }
            }
            echo.close();
            slow.close();
        }
    }

    private TunnelWatch currentWatch;

    private int busiest() {
        int best = 0;
        for (int i = 1; i < 3; i++) if (tunnelsOn(i) > tunnelsOn(best)) best = i;
        return best;
    }

    private long latestClose(long since) {
        return currentWatch.closedAt.values().stream().filter(t -> t - since >= 0).max(Long::compare).orElse(since);
    }

    /** The streams the tunnels closed since then cut, as each tunnel counted them when it closed. */
    private int streamsOn(long since) {
        return currentWatch.closedSince(since).stream().mapToInt(Tunnel::streamsCut).sum();
    }
}
