package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.local.LocalServer;
import pong.protocol.ConnectionHeader;
import pong.testing.FuzzInputs;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.ThreadDumps;
import pong.transport.Sockets;
import pong.tunnel.Tunnel;

/**
 * Seeded fuzzing of both tunnel ends, in this JVM: 10,000 inputs against remote's listener and 2,000
 * against local's tunnel side (from a fake remote, after a valid start). Remote listens in plain TCP
 * ({@code listen=tcp://}) so that 10,000 connections do not spend the time on TLS handshakes; the
 * bytes after the handshake are the same either way. Afterwards each half must still carry a normal
 * stream byte-exact and its platform threads and open fds must come back to the baseline.
 */
@Timeout(240)
class HostileTunnelInputIsSurvivedEndToEndTest {
    private static final long SEED = 20240501L;
    private static final int REMOTE_INPUTS = 10_000;
    private static final int LOCAL_INPUTS = 2_000;
    private static final int THREAD_SLACK = 3;
    private static final int FD_SLACK = 16;

    /** Every IPv4 address but 127.0.0.1, and all of IPv6: the fuzzed remote can dial only the test's origin. */
    static String denyAllBut127001() {
        List<String> ranges = new ArrayList<>();
        long ip = 0x7f000001L;
        for (int bits = 1; bits <= 32; bits++) {
            long flipped = (ip ^ (1L << (32 - bits))) & (0xffffffffL << (32 - bits)) & 0xffffffffL;
            ranges.add(((flipped >> 24) & 0xff) + "." + ((flipped >> 16) & 0xff) + "." + ((flipped >> 8) & 0xff) + "." + (flipped & 0xff) + "/" + bits);
        }
        ranges.add("::/0");
        return String.join(",", ranges);
    }

    @Test
    void remoteSurvivesTenThousandHostileConnectionsAndStillServes() throws Exception {
        try (Origin echo = Origin.echo(); Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "dst.deny", denyAllBut127001(),
                     "dial.timeout", "2s"), Map.of())) {
            assertArrayEquals(TestData.sha256(1, 300_000), Socks5Client.download(pair.socksPort(), download.port(), 300_000, 1));
            ResourceProbe.Snapshot baseline = ResourceProbe.now();
            FuzzInputs inputs = new FuzzInputs(SEED, ConnectionHeader.of(pair.clientId).encode(), echo.port());
            AtomicInteger next = new AtomicInteger();
            ConcurrentLinkedQueue<String> hung = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(Thread.ofPlatform().name("fuzz " + w).start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < REMOTE_INPUTS) {
                        if (!sendAndAwaitClose(pair.remote.port(), inputs.forRemote(i))) hung.add("input " + i + " " + FuzzInputs.kind(i));
                    }
                }));
            }
            for (Thread t : workers) t.join();
            assertTrue(hung.isEmpty(), "remote left connections open: " + hung);

            assertEquals(0, ResourceProbe.awaitZero(() -> pair.remote.handshaking() + pair.remote.activeTunnels() - 1, 10_000),
                    "only local's own tunnel may remain");
            assertArrayEquals(TestData.sha256(2, 1_000_000), Socks5Client.download(pair.socksPort(), download.port(), 1_000_000, 2));
            assertEquals(0, ResourceProbe.awaitZero(pair.remote::activeStreams, 10_000));
            ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(baseline, THREAD_SLACK, FD_SLACK, 10_000);
            assertTrue(after.threads() <= baseline.threads() + THREAD_SLACK && after.fds() <= baseline.fds() + FD_SLACK,
                    "baseline " + baseline + ", after " + after);
        }
    }

    /** Writes the input, ends our side, and waits for remote to close; false if it has not within 10 s. */
    private static boolean sendAndAwaitClose(int port, byte[] input) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(input);
                s.shutdownOutput();
            } catch (IOException e) {
                return true; // remote closed while we were still writing: it ended the connection
            }
            drain(s.getInputStream());
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by remote
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    @Test
    void localSurvivesTwoThousandHostileTunnelsAndStillServes() throws Exception {
        try (Origin echo = Origin.echo(); Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0"), Map.of());
             FakeRemote fake = new FakeRemote(pair.remote.port())) {
            LocalServer local = new LocalServer((LocalConfig) Config.parse(pair.write("fuzzed-local.properties", Map.of(
                    "mode", "local", "listen", "127.0.0.1:0", "remote", "tcp://127.0.0.1:" + fake.port(),
                    "client.id", pair.clientId.toString())))).start();
            try {
                fake.splice.set(true);
                assertArrayEquals(TestData.sha256(3, 300_000), Socks5Client.download(local.port(), download.port(), 300_000, 3));
                awaitNoTunnel(local, fake);
                ResourceProbe.Snapshot baseline = ResourceProbe.now();

                FuzzInputs inputs = new FuzzInputs(SEED + 1, ConnectionHeader.of(pair.clientId).encode(), echo.port());
                fake.fuzz(inputs);
                for (int attempt = 0; fake.served.get() < LOCAL_INPUTS && attempt < LOCAL_INPUTS * 3; attempt++) {
                    appRequest(local, echo.port());
                }
                assertTrue(fake.served.get() >= LOCAL_INPUTS, "fake remote served only " + fake.served.get() + " inputs");
                assertEquals(0, ResourceProbe.awaitZero(fake.open::size, 15_000), () -> "local keeps hostile tunnels open: " + fake.open.values());
                assertTrue(fake.hung.isEmpty(), "local left tunnels open: " + fake.hung);

                fake.splice.set(true);
                awaitNoTunnel(local, fake);
                assertEquals(0, ResourceProbe.awaitZero(local::activeConnections, 10_000));
                assertArrayEquals(TestData.sha256(4, 1_000_000), Socks5Client.download(local.port(), download.port(), 1_000_000, 4));
                awaitNoTunnel(local, fake);
                ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(baseline, THREAD_SLACK, FD_SLACK, 10_000);
                assertTrue(after.threads() <= baseline.threads() + THREAD_SLACK && after.fds() <= baseline.fds() + FD_SLACK,
                        "baseline " + baseline + ", after " + after);
            } finally {
                local.close();
            }
        }
    }

    /** An app's request through local: SOCKS5 CONNECT, a few bytes, then read until local ends it. */
    private static void appRequest(LocalServer local, int echoPort) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local.port())) {
            s.setSoTimeout(10_000);
            if (Socks5Client.handshake(s, "127.0.0.1", echoPort) != 0) return;
            s.getOutputStream().write(TestData.bytes(5, 100));
            drain(s.getInputStream());
        } catch (SocketTimeoutException e) {
            Tunnel t = local.connector().current();
            throw new AssertionError("an app connection hung after a hostile tunnel; local's tunnel: "
                    + (t == null ? "none" : t.describeStreams()) + "; " + ThreadDumps.write("hostile-local"), e);
        } catch (IOException e) {
            // reset: the expected end of a stream whose tunnel broke
        }
    }

    /** Closes the spliced tunnel local keeps to the real remote, so the next request starts a fresh one. */
    private static void awaitNoTunnel(LocalServer local, FakeRemote fake) throws InterruptedException {
        fake.closeAll();
        assertEquals(0, ResourceProbe.awaitZero(() -> local.connector().current() == null ? 0 : 1, 10_000));
    }

    /**
     * Plays remote towards local: reads the connection header, then either sends the next fuzz input and
     * ends the connection, or (splice mode) passes everything through to the real remote.
     */
    private static final class FakeRemote implements AutoCloseable {
        final AtomicBoolean splice = new AtomicBoolean();
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<String> hung = new ConcurrentLinkedQueue<>();
        final ConcurrentHashMap<Socket, String> open = new ConcurrentHashMap<>();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int realRemote;
        private volatile FuzzInputs inputs;

        FakeRemote(int realRemote) throws IOException {
            this.realRemote = realRemote;
            Thread.ofVirtual().name("fake remote").start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        void fuzz(FuzzInputs in) {
            inputs = in;
            splice.set(false);
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                open.put(s, "accepted");
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        if (splice.get()) spliceTo(s);
                        else sendInput(s);
                    } catch (IOException ignored) {
                        // local ended the connection
                    } finally {
                        open.remove(s);
                    }
                });
            }
        }

        private void sendInput(Socket s) throws IOException {
            int i = served.getAndIncrement();
            open.put(s, "input " + i + " " + FuzzInputs.kind(i));
            s.setSoTimeout(10_000);
            s.getInputStream().readNBytes(ConnectionHeader.LENGTH);
            try {
                s.getOutputStream().write(inputs.afterStart(i));
                s.shutdownOutput();
                drain(s.getInputStream());
            } catch (SocketTimeoutException e) {
                hung.add("input " + i + " " + FuzzInputs.kind(i));
            }
        }

        private void spliceTo(Socket s) throws IOException {
            try (Socket r = new Socket(InetAddress.getLoopbackAddress(), realRemote)) {
                open.put(r, "splice");
                Thread up = Thread.ofVirtual().start(() -> {
                    try {
                        s.getInputStream().transferTo(r.getOutputStream());
                        r.shutdownOutput();
                    } catch (IOException ignored) {
                        // either side closed
                    }
                });
                r.getInputStream().transferTo(s.getOutputStream());
                s.close();
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.keySet().removeIf(Socket::isClosed);
            }
        }

        void closeAll() {
            for (Socket s : open.keySet()) Sockets.closeQuietly(s);
        }

        @Override
        public void close() throws IOException {
            server.close();
            closeAll();
        }
    }
}
