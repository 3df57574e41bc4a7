package pong.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.GoRemotePeer;
import pong.testing.PongJar;
import pong.testing.ProxyPair;
import pong.testing.TestPki;
import pong.testing.WebOrigin;

/**
 * {@code check FILE}: one line per step, OK/WARN/FAIL with the fix, exit 0 only when all passed. Local
 * files are checked against a real remote (java -jar pong.jar), a stopped one and the scripted
 * plain-spec remote.
 */
@Timeout(300)
class CheckReportsEachStepTest {
    private static final UUID CLIENT = UUID.randomUUID();

    @TempDir
    static Path dir;
    private static PongJar.Running remote;
    private static int remotePort;
    private static Path remoteFile;

    @BeforeAll
    static void startRemote() throws Exception {
        remotePort = PongJar.freePort();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "remote");
        m.put("listen", "tls://127.0.0.1:" + remotePort);
        m.put("tls.cert", TestPki.certPem().toString());
        m.put("tls.key", TestPki.keyPem().toString());
        m.put("clients", CLIENT.toString());
        m.put("dst.deny", ":25");
        remoteFile = ProxyPair.writeProperties(dir.resolve("remote.properties"), m);
        remote = PongJar.start(dir, dir.resolve("remote.log"), remoteFile.toString());
        remote.awaitLog("remote listening on");
    }

    @AfterAll
    static void stopRemote() throws Exception {
        if (remote != null) remote.close();
    }

    private static Map<String, String> local(String remoteEndpoint, UUID client) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:1080");
        m.put("remote", remoteEndpoint);
        m.put("client.id", client.toString());
        m.put("tls.trust", TestPki.certPem().toString());
        return m;
    }

    private static PongJar.Result check(Map<String, String> values, String... extra) throws Exception {
        Path file = ProxyPair.writeProperties(Path.of(dir.toString(), "check-" + UUID.randomUUID() + ".properties"), values);
        String[] args = new String[2 + extra.length];
        args[0] = "check";
        args[1] = file.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return PongJar.run(dir, args);
    }

    private static void assertLine(PongJar.Result r, String status, String step, String text) {
        String prefix = String.format("%-4s %-8s ", status, step);
        assertTrue(r.output().lines().anyMatch(l -> l.startsWith(prefix) && l.contains(text)),
                "a line '" + prefix + "...' containing '" + text + "':\n" + r.output());
    }

    @Test
    void aRemoteFileGetsItsCertificateChecked() throws Exception {
        PongJar.Result r = PongJar.run(dir, "check", remoteFile.toString());
        assertEquals(0, r.exit(), r.output());
        assertLine(r, "OK", "key", "the private key belongs to the certificate");
        assertLine(r, "OK", "names", "covers IP:127.0.0.1, IP:0:0:0:0:0:0:0:1, DNS:localhost");
        assertLine(r, "OK", "expiry", "valid until");
    }

    @Test
    void aWorkingPairPassesEveryStepAndARequestGoesThroughTheTunnel() throws Exception {
        try (WebOrigin origin = WebOrigin.http(1)) {
            PongJar.Result r = check(local("tls://localhost:" + remotePort, CLIENT), "--url", "http://127.0.0.1:" + origin.port() + "/bytes/10");
            assertEquals(0, r.exit(), r.output());
            assertLine(r, "OK", "config", "mode=local");
            assertLine(r, "OK", "dns", "localhost -> 127.0.0.1");
            assertLine(r, "OK", "tcp", "connected to 127.0.0.1 port " + remotePort);
            assertLine(r, "OK", "tls", "trusted through tls.trust");
            assertLine(r, "OK", "header", "remote accepted client.id " + CLIENT + " and answered a ping");
            assertLine(r, "OK", "url", "HTTP/1.1 200 OK");
        }
    }

    @Test
    void everyEndpointOfARemoteListIsCheckedAndOneThatIsDownFailsTheCheck() throws Exception {
        int closed = PongJar.freePort();
        PongJar.Result r = check(local("tls://127.0.0.1:" + closed + ",tls://localhost:" + remotePort, CLIENT));
        assertEquals(1, r.exit(), r.output());
        assertLine(r, "OK", "remote", "endpoint 1 of 2: tls://127.0.0.1:" + closed);
        assertLine(r, "FAIL", "tcp", "cannot connect to 127.0.0.1 port " + closed);
        assertLine(r, "OK", "remote", "endpoint 2 of 2: tls://localhost:" + remotePort);
        assertLine(r, "OK", "header", "remote accepted client.id " + CLIENT + " and answered a ping");
    }

    @Test
    void anUnknownClientIdFailsAtTheHeaderWithTheFix() throws Exception {
        UUID stranger = UUID.randomUUID();
        PongJar.Result r = check(local("tls://localhost:" + remotePort, stranger));
        assertEquals(1, r.exit(), r.output());
        assertLine(r, "OK", "tls", "TLSv1.3");
        assertLine(r, "FAIL", "header", "add " + stranger + " to clients=");
    }

    @Test
    void aWrongPinFailsAtTlsNamingTheServersPin() throws Exception {
        Map<String, String> m = local("tls://127.0.0.1:" + remotePort, CLIENT);
        m.remove("tls.trust");
        m.put("tls.pin", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        PongJar.Result r = check(m);
        assertEquals(1, r.exit(), r.output());
        assertLine(r, "FAIL", "tls", "server key does not match tls.pin");
        assertLine(r, "FAIL", "tls", "put the new value in tls.pin");
    }

    @Test
    void aDestinationRemoteRefusesFailsTheRequestNamingDstDeny() throws Exception {
        PongJar.Result r = check(local("tls://localhost:" + remotePort, CLIENT), "--url", "http://127.0.0.1:25/");
        assertEquals(1, r.exit(), r.output());
        assertLine(r, "FAIL", "url", "dst.deny");
    }

    @Test
    void aStoppedRemoteFailsAtTcpAndAnOpenListenerIsWarnedAbout() throws Exception {
        Map<String, String> m = local("tls://127.0.0.1:" + PongJar.freePort(), CLIENT);
        m.put("listen", "0.0.0.0:1080");
        PongJar.Result r = check(m);
        assertEquals(1, r.exit(), r.output());
        assertLine(r, "WARN", "warning", "open proxy");
        assertLine(r, "FAIL", "tcp", "is remote running");
    }

    @Test
    void aPlainSpecRemoteIsReportedAsSuchNotAsAFailure() throws Exception {
        try (GoRemotePeer plain = GoRemotePeer.start()) {
            PongJar.Result r = check(local(plain.endpoint(), CLIENT));
            assertEquals(0, r.exit(), r.output());
            assertLine(r, "OK", "header", "announces no extensions: a plain-spec remote");
        }
    }

    @Test
    void anInvalidFileExitsWithCode2() throws Exception {
        Map<String, String> m = local("tls://127.0.0.1:1", CLIENT);
        m.put("tls.pin", "md5/xyz");
        PongJar.Result r = check(m);
        assertEquals(2, r.exit(), r.output());
        assertLine(r, "FAIL", "config", "key 'tls.pin'");
    }
}
