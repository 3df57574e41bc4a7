package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.local.LocalServer;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** SIGTERM to a real remote process during 50 transfers: the ones that can finish in the grace period do. */
@Timeout(120)
class GracefulShutdownEndToEndTest {
    private static final int TRANSFERS = 50;
    private static final int SHORT_BYTES = 300_000;
    private static final int CHUNK = 64 * 1024;

    @Test
    void sigtermLetsShortTransfersFinishResetsTheRestAndExitsZero(@TempDir Path dir) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // The origin sends one chunk, then waits for the test; short transfers then send the rest at once,
        // long ones trickle (one chunk per 20 ms) far beyond the grace period.
        try (Origin origin = Origin.start(s -> gated(s, release))) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            UUID client = UUID.randomUUID();
            Map<String, String> r = new LinkedHashMap<>();
            r.put("mode", "remote");
            r.put("listen", "tcp://127.0.0.1:" + port);
            r.put("clients", client.toString());
            r.put("dst.deny", "");
            r.put("shutdown.grace", "2s");
            Path props = ProxyPair.writeProperties(dir.resolve("remote.properties"), r);
            Path classes = Path.of(pong.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String java = ProcessHandle.current().info().command().orElse("java");
            Path log = dir.resolve("remote.log");
            Process remote = new ProcessBuilder(java, "-cp", classes.toString(), "pong.Main", props.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitListening(port, remote);
                Map<String, String> l = Map.of("mode", "local", "listen", "127.0.0.1:0", "remote", "tcp://127.0.0.1:" + port,
                        "client.id", client.toString());
                LocalServer local = new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), l))).start();
                try {
                    List<Socket> apps = new ArrayList<>();
                    for (int i = 0; i < TRANSFERS; i++) {
                        Socket s = Socks5Client.connect(local.port(), "127.0.0.1", origin.port());
                        s.setSoTimeout(30_000);
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        out.writeLong(i % 2 == 0 ? SHORT_BYTES : 1L << 40);
                        out.writeLong(i);
                        out.flush();
                        apps.add(s);
                    }
                    List<MessageDigest> digests = new ArrayList<>();
                    for (Socket s : apps) {
                        MessageDigest md = TestData.sha256();
                        md.update(s.getInputStream().readNBytes(CHUNK)); // every transfer is under way
                        digests.add(md);
                    }
                    long t0 = System.nanoTime();
                    remote.destroy(); // SIGTERM
                    release.countDown();
                    // every app reads on its own thread and closes when done, as real apps do
                    AtomicInteger complete = new AtomicInteger();
                    AtomicInteger reset = new AtomicInteger();
                    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
                    List<Thread> readers = new ArrayList<>();
                    for (int k = 0; k < TRANSFERS; k++) {
                        int i = k;
                        readers.add(Thread.ofVirtual().start(() -> {
                            try (Socket s = apps.get(i)) {
                                readToEnd(s.getInputStream(), digests.get(i));
                                if (i % 2 == 1) wrong.add("long transfer " + i + " ended cleanly");
                                else if (!Arrays.equals(TestData.sha256(i, SHORT_BYTES), digests.get(i).digest())) wrong.add("short " + i + " differs");
                                else complete.incrementAndGet();
                            } catch (IOException e) {
                                if (i % 2 == 0) wrong.add("short transfer " + i + " was cut: " + e);
                                else reset.incrementAndGet();
                            }
                        }));
                    }
                    for (Thread t : readers) t.join();
                    assertTrue(wrong.isEmpty(), wrong.toString());
                    assertTrue(remote.waitFor(30, TimeUnit.SECONDS), "remote did not exit");
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.println("remote exited " + ms + " ms after SIGTERM (grace 2000 ms)");
                    assertEquals(0, remote.exitValue(), Files.readString(log));
                    assertEquals(TRANSFERS / 2, complete.get());
                    assertEquals(TRANSFERS / 2, reset.get());
                    String text = Files.readString(log);
                    assertTrue(text.contains("resetting " + TRANSFERS / 2 + " unfinished streams"), text);
                } finally {
                    local.close();
                }
            } finally {
                remote.destroyForcibly();
            }
        }
    }

    private static void gated(Socket s, CountDownLatch release) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        long n = in.readLong();
        long seed = in.readLong();
        InputStream data = TestData.stream(seed, n);
        OutputStream out = s.getOutputStream();
        out.write(data.readNBytes(CHUNK));
        out.flush();
        try {
            release.await();
            byte[] chunk;
            while ((chunk = data.readNBytes(CHUNK)).length > 0) {
                out.write(chunk);
                if (n > SHORT_BYTES) Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.shutdownOutput();
    }

    private static byte[] readToEnd(InputStream in, MessageDigest md) throws IOException {
        byte[] buf = new byte[CHUNK];
        int r;
        long total = 0;
        while ((r = in.read(buf)) > 0) {
            md.update(buf, 0, r);
            total += r;
        }
        return new byte[(int) Math.min(total, 16)];
    }

    private static void awaitListening(int port, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("remote did not start listening");
    }
}
