package pong.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workloads of the system bench, each run the same way through every {@link ProxyUnderTest} and
 * returning its metrics by name (MB/s are 10^6 bytes per second; latencies in microseconds). Every
 * loop is bounded in count, and every socket read by a timeout, so a proxy that stalls costs a
 * bounded time and shows up as a failure or a low "completed" count.
 *
 * <p>Threading: each workload runs on the caller's thread and its own virtual threads.
 */
final class Workloads {
    static final int MESSAGE = 32;

    /**
     * Sizes of one run; {@link #quick()} for a smoke run. {@code freshBytes}: what bulk1 and upload measure
     * first on the freshly started proxy, before any warm-up; {@code fanoutDefaultStreams}: the burst of
     * fanout-default, all opened at once.
     */
    record Sizes(long bulk1, int bulk16Streams, long bulk16Each, long upload, int roundTrips, int opens,
                 int fanoutStreams, int fanoutRounds, int holRounds, int holIntervalMillis, int holStallMaxSeconds,
                 int readTimeoutSeconds, int fanoutSeconds, long warmupBytes, int warmupRoundTrips, int warmupOpens,
                 long freshBytes, int fanoutDefaultStreams) {
        static Sizes full() {
            return new Sizes(1L << 30, 16, 64L << 20, 512L << 20, 2000, 500, 10_000, 10, 200, 10, 10, 60, 240, 1L << 30, 2000, 1000,
                    256L << 20, 1000);
        }

        static Sizes quick() {
            return new Sizes(64L << 20, 16, 4L << 20, 32L << 20, 200, 50, 1000, 10, 100, 10, 5, 30, 90, 32L << 20, 200, 50,
                    32L << 20, 1000);
        }
    }

    private final ProxyUnderTest proxy;
    private final int originPort;
    private final Sizes sizes;
    private final List<String> notes = new ArrayList<>();

    Workloads(ProxyUnderTest proxy, int originPort, Sizes sizes) {
        this.proxy = proxy;
        this.originPort = originPort;
        this.sizes = sizes;
    }

    Sizes sizes() {
        return sizes;
    }

    /** What the last workload noticed beyond its metrics (e.g. why some fanout streams failed). */
    List<String> notes() {
        return notes;
    }

    private Socket open() throws IOException {
        Socket s = proxy.connect(originPort);
        s.setTcpNoDelay(true);
        s.setSoTimeout(sizes.readTimeoutSeconds() * 1000);
        return s;
    }

    /**
     * Unrecorded traffic before each measured workload (a download and an upload at the same time, round
     * trips, opens), so JVM proxies are measured after their JIT warm-up as a long-running proxy would be;
     * run for every column. Both directions, since each has its own cipher path (the download's is
     * encrypted by remote, the upload's by local), at once, so that the JIT compiles the hot paths for
     * mixed traffic instead of for one direction and then throwing that code away when the other starts
     * (a download right after an upload ran at 385 MB/s, the next ones at 524-577); and a GiB each way: a
     * fresh pong pair's download rate, traced per 64 MiB, still climbs through its second GiB
     * (2026-12-01: about 250, 450, then 560-620 MB/s per GiB; the floor relays the same), so 128 MiB
     * measured a proxy still compiling its hot path. The opens are many because the open path is long:
     * after only 20, C2 was still compiling it during the measured opens (a quarter of the remote's CPU
     * samples, perf, 2026-11-26).
     */
    void warmUp() throws Exception {
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                upload(sizes.warmupBytes());
            } catch (Exception e) {
                failed.set(e);
            }
        });
        try {
            download(1, sizes.warmupBytes());
        } finally {
            up.join(); // the upload ends on its own: it is bounded by its size and the read timeout
        }
        if (failed.get() != null) throw failed.get();
        try (Socket s = open()) {
            Echo echo = new Echo(s);
            for (int i = 0; i < sizes.warmupRoundTrips(); i++) echo.roundTrip();
        }
        if (!proxy.supports("open")) return;
        for (int i = 0; i < sizes.warmupOpens(); i++) {
            try (Socket s = open()) {
                new Echo(s).roundTrip();
            }
        }
    }

    /** Downloads {@code each} bytes on each of {@code streams} concurrent streams. */
    Map<String, Double> download(int streams, long each) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] got = new long[streams];
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Socket s = open()) {
                    s.getOutputStream().write(BenchOrigin.downloadRequest(each));
                    got[k] = BenchOrigin.drain(s.getInputStream());
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        long nanos = System.nanoTime() - t0;
        if (failure.get() != null) throw failure.get();
        long total = 0;
        for (long g : got) total += g;
        if (total != each * streams) throw new IOException("received " + total + " of " + each * streams + " bytes");
        return Map.of("MB/s", total / 1e6 / (nanos / 1e9));
    }

    /** Sends {@code n} bytes on one stream; the time ends when the origin confirms the count. */
    Map<String, Double> upload(long n) throws Exception {
        byte[] block = BenchOrigin.patternBlock();
        long t0 = System.nanoTime();
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write(BenchOrigin.UPLOAD);
            for (long left = n; left > 0; ) {
                int k = (int) Math.min(left, block.length);
                out.write(block, 0, k);
                left -= k;
            }
            s.shutdownOutput();
            long confirmed = new DataInputStream(s.getInputStream()).readLong();
            if (confirmed != n) throw new IOException("origin received " + confirmed + " of " + n + " bytes");
        }
        return Map.of("MB/s", n / 1e6 / ((System.nanoTime() - t0) / 1e9));
    }

    /** Sequential 32-byte round trips on one stream (after 50 unrecorded ones). */
    Map<String, Double> requestResponse() throws Exception {
        Latencies lat = new Latencies();
        try (Socket s = open()) {
            Echo echo = new Echo(s);
            for (int i = 0; i < 50; i++) echo.roundTrip();
            for (int i = 0; i < sizes.roundTrips(); i++) lat.add(echo.roundTrip());
        }
        return percentiles(lat);
    }

    /** New stream each time: connect (incl. SOCKS5), one round trip, close; 20 unrecorded first. */
    Map<String, Double> opens() throws Exception {
        Latencies lat = new Latencies();
        for (int i = 0; i < 20 + sizes.opens(); i++) {
            long t0 = System.nanoTime();
            try (Socket s = open()) {
                new Echo(s).roundTrip();
            }
            if (i >= 20) lat.add(System.nanoTime() - t0);
        }
        return percentiles(lat);
    }

    /** The fanout workload: {@link Sizes#fanoutStreams()} streams, at most 256 connects in flight. */
    Map<String, Double> fanout() throws Exception {
        return fanout(sizes.fanoutStreams(), 256);
    }

    /** The fanout-default workload: {@link Sizes#fanoutDefaultStreams()} streams, every connect at once (a burst). */
    Map<String, Double> burst() throws Exception {
        return fanout(sizes.fanoutDefaultStreams(), sizes.fanoutDefaultStreams());
    }

    /**
     * Opens n streams (at most inFlight connects at a time), waits until every one is open or failed, then
     * each does its round trips; all stay open until all are done (or the deadline passes).
     */
    private Map<String, Double> fanout(int n, int inFlight) throws Exception {
        Latencies lat = new Latencies();
        Semaphore connecting = new Semaphore(inFlight);
        CountDownLatch opened = new CountDownLatch(n);
        CountDownLatch finished = new CountDownLatch(n);
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(sizes.fanoutSeconds());
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                Socket s = null;
                try {
                    connecting.acquire();
                    try {
                        s = open();
                        s.getOutputStream().write(BenchOrigin.ECHO);
                    } finally {
                        connecting.release();
                        opened.countDown();
                    }
                    if (!opened.await(remaining(deadline), TimeUnit.NANOSECONDS)) throw new IOException("not all streams opened in time");
                    Echo echo = new Echo(s, false);
                    for (int r = 0; r < sizes.fanoutRounds(); r++) lat.add(echo.roundTrip());
                    completed.incrementAndGet();
                } catch (Exception e) {
                    firstFailure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                    try {
                        finished.await(remaining(deadline), TimeUnit.NANOSECONDS);
                        if (s != null) s.close();
                    } catch (IOException | InterruptedException ignored) {
                        // closing
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("completed", (double) completed.get());
        m.putAll(percentiles(lat));
        if (completed.get() < n && firstFailure.get() != null) {
            notes.add((n - completed.get()) + " streams failed, first: " + firstFailure.get());
        }
        return m;
    }

    /**
     * Head-of-line: an interactive stream sends a 32-byte message every holIntervalMillis and times each
     * round trip from when it was due (so a blocked stream's waiting counts, not hides), first alone,
     * then beside a stalled bulk stream whose client read 1 MiB and then stopped reading while the
     * origin keeps sending. The stall ends (the bulk client closes) when the interactive rounds are done
     * or after holStallMaxSeconds, whichever is first.
     */
    Map<String, Double> headOfLine() throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        try (Socket b = open()) {
            Echo echo = new Echo(b);
            for (int i = 0; i < 20; i++) echo.roundTrip();
            Latencies alone = new Latencies();
            paced(echo, alone, Long.MAX_VALUE, new AtomicInteger());
            m.put("alone p50", alone.percentileMicros(50));
            m.put("alone p99", alone.percentileMicros(99));
            Socket bulk = open();
            try {
                bulk.getOutputStream().write(BenchOrigin.downloadRequest(1L << 40));
                InputStream in = bulk.getInputStream();
                byte[] buf = new byte[64 * 1024];
                for (long read = 0; read < (1 << 20); ) {
                    int r = in.read(buf);
                    if (r < 0) throw new IOException("bulk stream ended early");
                    read += r;
                }
                Thread.sleep(1000); // the origin keeps sending: let every buffer on the path fill up
                long stallEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(sizes.holStallMaxSeconds());
                Thread closer = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining(stallEnd)));
                    } catch (InterruptedException ignored) {
                        // the interactive rounds are done
                    }
                    abort(bulk);
                });
                AtomicInteger duringStall = new AtomicInteger();
                // Bounded: a stream still blocked 10 s after the stall ended counts as failed.
                b.setSoTimeout((sizes.holStallMaxSeconds() + 10) * 1000);
                Latencies stalled = new Latencies();
                try {
                    paced(echo, stalled, stallEnd, duringStall);
                } catch (IOException e) {
                    m.put("done during stall", (double) duringStall.get());
                    throw new PartialResult(m, e);
                } finally {
                    closer.interrupt();
                    closer.join();
                }
                m.put("stalled p50", stalled.percentileMicros(50));
                m.put("stalled p99", stalled.percentileMicros(99));
                m.put("done during stall", (double) duringStall.get());
            } finally {
                abort(bulk);
            }
        }
        return m;
    }

    private void paced(Echo echo, Latencies lat, long stallEnd, AtomicInteger beforeStallEnd) throws IOException, InterruptedException {
        long interval = TimeUnit.MILLISECONDS.toNanos(sizes.holIntervalMillis());
        long start = System.nanoTime();
        for (int i = 0; i < sizes.holRounds(); i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            echo.roundTrip();
            long done = System.nanoTime();
            lat.add(done - due);
            if (done < stallEnd) beforeStallEnd.incrementAndGet();
        }
    }

    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static Map<String, Double> percentiles(Latencies lat) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", lat.percentileMicros(50));
        m.put("p99", lat.percentileMicros(99));
        return m;
    }

    /** 32-byte round trips on an echo stream. */
    private static final class Echo {
        private final OutputStream out;
        private final DataInputStream in;
        private final byte[] message = new byte[MESSAGE];
        private final byte[] answer = new byte[MESSAGE];

        Echo(Socket s) throws IOException {
            this(s, true);
        }

        Echo(Socket s, boolean sendCommand) throws IOException {
            out = s.getOutputStream();
            in = new DataInputStream(s.getInputStream());
            if (sendCommand) out.write(BenchOrigin.ECHO);
        }

        /** One round trip; returns its time in ns. */
        long roundTrip() throws IOException {
            long t0 = System.nanoTime();
            message[0]++;
            out.write(message);
            in.readFully(answer);
            if (answer[0] != message[0]) throw new IOException("echo answered out of order");
            return System.nanoTime() - t0;
        }
    }
}
