package pong.remote;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pong.testing.PongProcess;
import pong.testing.TestPki;

/**
 * header.timeout is one deadline from accept, on plain TCP as on TLS: a connection that sends nothing
 * loses its fd in remote (a real process, its /proc fd table watched) at the timeout, not at a multiple
 * of it. The bound checked is 1.5 times the timeout; twice the timeout was the defect.
 */
@Timeout(60)
class SilentConnectionsAreClosedAtTheHeaderTimeoutEndToEndTest {
    private static final long TIMEOUT_MS = 3000;

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"tcp://", "tls://"})
    void aSilentConnectionLosesItsFdAtTheHeaderTimeout(String scheme, @TempDir Path dir) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(Map.of("mode", "remote", "clients", UUID.randomUUID().toString(),
                "header.timeout", TIMEOUT_MS + "ms"));
        if (scheme.equals("tls://")) {
            props.put("tls.keystore", TestPki.keystore().toString());
            props.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        }
        try (PongProcess remote = PongProcess.start(dir, "remote", props, scheme, 0)) {
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                long eofMs;
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), remote.port)) {
                    int client = s.getLocalPort();
                    silentUntilClosed(s);
                    eofMs = (System.nanoTime() - t0) / 1_000_000;
                    long bound = t0 + TIMEOUT_MS * 1_500_000L;
                    while (heldByRemote(remote, client) && System.nanoTime() < bound) Thread.sleep(20);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.println(scheme + " silent connection: closed towards the client after " + eofMs + " ms, fd released after "
                            + ms + " ms (header.timeout " + TIMEOUT_MS + " ms)");
                    assertFalse(heldByRemote(remote, client), scheme + ": the silent connection still holds an fd in remote after 1.5 x header.timeout");
                }
            }
        }
    }

    /** Whether remote's process still has an fd on its end of the connection from this client port (ss -p). */
    private static boolean heldByRemote(PongProcess remote, int clientPort) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnpH", "sport = :" + remote.port + " and dport = :" + clientPort)
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        return out.contains("pid=" + remote.pid() + ",");
    }

    private static void silentUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        try {
            while (s.getInputStream().read() >= 0) {
                // a TLS alert may come before the end
            }
        } catch (IOException e) {
            // reset: closed too
        }
    }
}
