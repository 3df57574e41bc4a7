package pong;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.local.LocalServer;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.PongProcess;
import pong.testing.ProxyPair;
import pong.testing.Transfers;
import pong.transport.Sockets;

/**
 * Each half as a real process with a small fd limit (prlimit, soft and hard): idle connections use up
 * its fds, so accept() fails with "Too many open files". The listener keeps going: while at the limit,
 * a new connection is accepted and reset at once (the fd reserve) instead of hanging in the queue, the
 * pressure is logged, and once the idle connections leave, the process serves again.
 */
@Timeout(120)
class ListenersOutliveRunningOutOfFdsEndToEndTest {
    private static final int FD_LIMIT = 128;
    /** Well past the limit, well within the listen backlog (1,024). */
    private static final int IDLE_CONNECTIONS = 300;

    @Test
    void remoteOutOfFdsResetsNewcomersAndServesAgainOnceFdsAreFree(@TempDir Path dir) throws Exception {
        UUID client = UUID.randomUUID();
        try (PongProcess remote = PongProcess.start(dir, "remote", Map.of("mode", "remote", "clients", client.toString(),
                "dst.deny", "", "header.timeout", "100s"), "tcp://", FD_LIMIT);
             Origin echo = Origin.echo()) {
            exhaustThenRecover(remote, () -> {
                Map<String, String> l = Map.of("mode", "local", "listen", "127.0.0.1:0", "remote", "tcp://127.0.0.1:" + remote.port,
                        "client.id", client.toString());
                try (LocalServer local = new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("l.properties"), l))).start()) {
                    Transfers.assertEcho(local.port(), echo.port(), 100_000, 1);
                }
            });
        }
    }

    @Test
    void localOutOfFdsResetsNewcomersAndServesAgainOnceFdsAreFree(@TempDir Path dir) throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo();
             PongProcess local = PongProcess.start(dir, "local", Map.of("mode", "local",
                     "remote", "tls://127.0.0.1:" + pair.remote.port(), "client.id", pair.clientId.toString(),
                     "tls.trust", pong.testing.TestPki.certPem().toString(), "handshake.timeout", "100s"), "", FD_LIMIT)) {
            // the tunnel is up before the flood (its first connect may take a while on a busy machine)
            retryUntilServed(() -> Transfers.assertEcho(local.port, echo.port(), 10_000, 1));
            exhaustThenRecover(local, () -> Transfers.assertEcho(local.port, echo.port(), 100_000, 2));
        }
    }

    /** Runs the check until it passes, for up to 30 s; then its last failure is the test's. */
    private static void retryUntilServed(Check served) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                served.run();
                return;
            } catch (IOException | AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(200);
            }
        }
    }

    /** What the process holds open, by kind (socket, pipe, file path), for a failure message. */
    private static Map<String, Integer> openFds(long pid) {
        Map<String, Integer> kinds = new TreeMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    kinds.merge(target.replaceAll(":\\[\\d+\\]$", ""), 1, Integer::sum);
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        } catch (IOException e) {
            kinds.put("unreadable: " + e, 0);
        }
        return kinds;
    }

    interface Check {
        void run() throws Exception;
    }

    private static void exhaustThenRecover(PongProcess p, Check served) throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE_CONNECTIONS; i++) idle.add(new Socket(InetAddress.getLoopbackAddress(), p.port));
            assertTrue(Eventually.holds(() -> p.logText().contains("Too many open files")), p.logText());
            // At the limit: a newcomer is told at once (reset or closed) rather than left in the queue. It sends
            // bytes no front or listener accepts, so that if an fd came free just before it (a connection the
            // process ended meanwhile), being accepted for real ends it as quickly as being shed: only a
            // connection left waiting in the queue hangs.
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), p.port)) {
                probe.setSoTimeout(30_000);
                try {
                    probe.getOutputStream().write(new byte[64]);
                    probe.getInputStream().read();
                } catch (SocketTimeoutException e) {
                    fail("a connection made at the fd limit was left hanging; fds " + openFds(p.pid()) + "; log: " + p.logText());
                } catch (IOException e) {
                    // reset: what the reserve is for
                }
            }
        } finally {
            for (Socket s : idle) Sockets.closeQuietly(s);
        }
        // The idle connections' fds come free as the process notices them leave: until then newcomers are still
        // reset, and a transfer that started while the process was still at its limit may be cut (its tunnel was
        // accepted and reset by the fd reserve). That is the bound at work.
        retryUntilServed(served);
        assertTrue(p.isAlive(), p.logText());
        String log = p.logText();
        log.lines().filter(x -> x.contains("file descriptors")).forEach(System.out::println);
        assertTrue(log.contains("fds open"), log);
        assertTrue(!log.contains("stops listening"), log);
    }
}
