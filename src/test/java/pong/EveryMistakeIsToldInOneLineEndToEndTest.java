package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.LogLines;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestPki;

/**
 * Each classic mistake a new user makes is told, in one log line or error message, with what to change:
 * refused destinations (both halves), a wrong client id, the wrong transport either way, a certificate
 * that does not name the host, HTTP errors in words with a status by cause, and confirm=true.
 */
@Timeout(60)
class EveryMistakeIsToldInOneLineEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WRONG_ID_OR_TRANSPORT =
            "remote closed the tunnel right after the header: client.id not accepted by remote, or the wrong transport (tcp:// vs tls://)";

    @TempDir
    Path dir;

    /** Remote with its default dst.deny (private,:25): example.org:25 is refused by the port rule before any name lookup. */
    private static Map<String, String> defaultDeny() {
        Map<String, String> remote = new HashMap<>();
        remote.put("dst.deny", null);
        return remote;
    }

    @Test
    void aStreamRemoteRefusesIsLoggedByLocalAtInfoWithItsRstCodeOncePerDestination() throws Exception {
        try (LogLines log = LogLines.capture(); ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                try (Socket app = Socks5Client.connect(pair.socksPort(), "example.org", 25)) {
                    app.setSoTimeout(10_000);
                    assertEquals(-1, readOrReset(app.getInputStream()));
                }
            }
            String line = log.await(WAIT, "INFO example.org:25 refused by remote: rule refuse (dst.deny) (rst 2)");
            assertNotNull(line, log.all());
            assertTrue(line.endsWith(": port 25 is denied by dst.deny"), "remote's own text follows: " + line);
            assertEquals(1, log.count("example.org:25 refused by remote"), "rate-limited per destination: " + log.all());
        }
    }

    @Test
    void remoteLogsTheStreamsItRefusesWithTheRstCode() throws Exception {
        try (LogLines log = LogLines.capture(); ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of());
             Socket app = Socks5Client.connect(pair.socksPort(), "example.org", 25)) {
            app.setSoTimeout(10_000);
            readOrReset(app.getInputStream());
            String line = log.await(WAIT, "INFO example.org:25 refused for client " + pair.clientId.toString().substring(0, 8)
                    + ": rule refuse (dst.deny) (rst 2): port 25 is denied by dst.deny");
            assertNotNull(line, log.all());
        }
    }

    @Test
    void aClientIdRemoteDoesNotKnowIsReportedAsSuchNotAsANetworkFault() throws Exception {
        try (LogLines log = LogLines.capture(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of(), Map.of("client.id", UUID.randomUUID().toString()));
             Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            app.setSoTimeout(10_000);
            readOrReset(app.getInputStream());
            assertNotNull(log.await(WAIT, "WARNING", WRONG_ID_OR_TRANSPORT), log.all());
            assertNotNull(log.await(WAIT, "rejected tunnel: unknown client id (not in clients)"), "remote says it too: " + log.all());
        }
    }

    @Test
    void aPlainLocalAgainstATlsListenerIsToldOnBothHalves() throws Exception {
        Map<String, String> local = new HashMap<>();
        local.put("tls.trust", null);
        try (LogLines log = LogLines.capture(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.startBehind((listen, port) -> "tcp://127.0.0.1:" + port, Map.of(), local);
             Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            app.setSoTimeout(10_000);
            readOrReset(app.getInputStream());
            assertNotNull(log.await(WAIT, WRONG_ID_OR_TRANSPORT), log.all());
            assertNotNull(log.await(WAIT, "not TLS: this looks like a plain connection on a tls:// listener"), log.all());
        }
    }

    @Test
    void aTlsLocalAgainstATcpListenerIsToldOnBothHalves() throws Exception {
        try (LogLines log = LogLines.capture(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.startBehind((listen, port) -> "tls://127.0.0.1:" + port, Map.of("listen", "tcp://127.0.0.1:0"),
                     Map.of("tls.trust", TestPki.certPem().toString()));
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            app.setSoTimeout(10_000);
            Socks5Client.handshake(app, "127.0.0.1", echo.port());
            assertNotNull(log.await(WAIT, "unsupported version 22: this looks like a TLS ClientHello on a tcp:// listener"), log.all());
            assertNotNull(log.await(WAIT, "cannot reach remote", "remote does not speak TLS here"), log.all());
        }
    }

    @Test
    void aCertificateWithoutTheHostInItsSubjectAltNameSaysHowToMakeOneOrToPin() throws Exception {
        Path keystore = dir.resolve("nosan.p12");
        Path cert = dir.resolve("nosan.pem");
        keytool("-genkeypair", "-alias", "pong", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "5", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "pong", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        try (LogLines log = LogLines.capture(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("tls.keystore", keystore.toString(), "tls.keystore.password", "changeit"),
                     Map.of("tls.trust", cert.toString()));
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            app.setSoTimeout(10_000);
            assertEquals(1, Socks5Client.handshake(app, "127.0.0.1", echo.port()));
            String line = log.await(WAIT, "cannot reach remote", "remote's certificate does not name '127.0.0.1' in its subjectAltName",
                    "java -jar pong.jar init --host 127.0.0.1", "tls.pin");
            assertNotNull(line, log.all());
        }
    }

    @Test
    void httpProxyErrorsSayWhatHappenedWithAStatusByCause() throws Exception {
        try (ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of())) {
            assertEquals("HTTP/1.1 403 Forbidden|pong: example.org:25 refused by remote: rule refuse (dst.deny) (rst 2)",
                    httpError(pair.socksPort(), "GET http://example.org:25/ HTTP/1.1\r\nHost: example.org:25\r\n\r\n"));
            assertEquals("HTTP/1.1 502 Bad Gateway|pong: no-such-host.invalid:80 refused by remote: host unreachable (rst 4)",
                    httpError(pair.socksPort(), "GET http://no-such-host.invalid/ HTTP/1.1\r\nHost: no-such-host.invalid\r\n\r\n"));
        }
    }

    @Test
    void withConfirmHttpConnectAnswersTheRealStatusInsteadOf200() throws Exception {
        try (ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of("confirm", "true"))) {
            assertEquals("HTTP/1.1 403 Forbidden|pong: example.org:25 refused by remote: rule refuse (dst.deny) (rst 2)",
                    httpError(pair.socksPort(), "CONNECT example.org:25 HTTP/1.1\r\nHost: example.org:25\r\n\r\n"));
            assertEquals("HTTP/1.1 502 Bad Gateway|pong: no-such-host.invalid:443 refused by remote: host unreachable (rst 4)",
                    httpError(pair.socksPort(), "CONNECT no-such-host.invalid:443 HTTP/1.1\r\nHost: no-such-host.invalid:443\r\n\r\n"));
        }
    }

    @Test
    void withoutConfirmHttpConnectAnswers200AtOnce() throws Exception {
        try (ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of());
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            app.setSoTimeout(10_000);
            app.getOutputStream().write("CONNECT example.org:25 HTTP/1.1\r\nHost: example.org:25\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(app.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void withConfirmSocks5GetsTheRealReplyCode() throws Exception {
        try (ProxyPair pair = ProxyPair.start(defaultDeny(), Map.of("confirm", "true"));
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            app.setSoTimeout(10_000);
            assertEquals(2, Socks5Client.handshake(app, "example.org", 25), "SOCKS5 reply 02: connection not allowed by ruleset");
        }
    }

    /** Sends one request and returns "STATUS LINE|BODY" of the answer. */
    private static String httpError(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            assertTrue(headEnd > 0, answer);
            return answer.substring(0, answer.indexOf("\r\n")) + "|" + answer.substring(headEnd + 4).strip();
        }
    }

    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
    }
}
