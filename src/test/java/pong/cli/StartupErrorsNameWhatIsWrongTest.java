package pong.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.PongJar;
import pong.testing.ProxyPair;
import pong.testing.TestPki;

/**
 * Start-up failures of {@code java -jar pong.jar FILE}: each names the file, key or address involved and
 * exits 2 for the configuration and the files it names, 1 for anything else; a clean stop exits 0;
 * the start-up warnings are logged.
 */
@Timeout(300)
class StartupErrorsNameWhatIsWrongTest {
    @TempDir
    Path dir;

    private Map<String, String> remote(int port) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "remote");
        m.put("listen", "tls://127.0.0.1:" + port);
        m.put("tls.cert", TestPki.certPem().toString());
        m.put("tls.key", TestPki.keyPem().toString());
        m.put("clients", UUID.randomUUID().toString());
        return m;
    }

    @Test
    void aListenAddressInUseExitsWithCode1NamingTheAddressAndItsKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = ProxyPair.writeProperties(dir.resolve("remote.properties"), remote(taken.getLocalPort()));
            PongJar.Result r = PongJar.run(dir, file.toString());
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("cannot listen on tls://127.0.0.1:" + taken.getLocalPort() + " (key 'listen' in " + file + ")"),
                    r.output());
            assertTrue(r.output().contains("Address already in use"), r.output());

            Map<String, String> local = new LinkedHashMap<>();
            local.put("mode", "local");
            local.put("listen", "127.0.0.1:" + taken.getLocalPort());
            local.put("remote", "tcp://127.0.0.1:9");
            local.put("client.id", UUID.randomUUID().toString());
            file = ProxyPair.writeProperties(dir.resolve("local.properties"), local);
            r = PongJar.run(dir, file.toString());
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (key 'listen' in " + file + ")"),
                    r.output());
        }
    }

    @Test
    void aCertificateWhereTheKeyBelongsExitsWithCode2NamingKeyFileAndWhatItHolds() throws Exception {
        Map<String, String> m = remote(PongJar.freePort());
        m.put("tls.key", TestPki.certPem().toString());
        assertStartFails(m, 2, "key 'tls.key'", TestPki.certPem().toString(), "PEM blocks: CERTIFICATE");

        m = remote(PongJar.freePort());
        m.put("tls.cert", TestPki.keyPem().toString());
        assertStartFails(m, 2, "key 'tls.cert'", TestPki.keyPem().toString(), "PEM blocks: PRIVATE KEY");
    }

    @Test
    void aKeyOfAnotherCertificateExitsWithCode2() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        Path other = dir.resolve("other-key.pem");
        Files.writeString(other, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Map<String, String> m = remote(PongJar.freePort());
        m.put("tls.key", other.toString());
        assertStartFails(m, 2, "key 'tls.key'", "the private key in " + other + " does not belong to the certificate in " + TestPki.certPem());
    }

    @Test
    void aWrongKeystorePasswordExitsWithCode2NamingThePasswordKey() throws Exception {
        Map<String, String> m = remote(PongJar.freePort());
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore", TestPki.keystore().toString());
        m.put("tls.keystore.password", "not-the-password");
        assertStartFails(m, 2, "key 'tls.keystore.password'", TestPki.keystore().toString());
    }

    @Test
    void anInlineKeystoreThatIsNotBase64ExitsWithCode2NamingTheKey() throws Exception {
        Map<String, String> m = remote(PongJar.freePort());
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore.base64", "MIIK*not-base64*");
        m.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        assertStartFails(m, 2, "key 'tls.keystore.base64'", "is not base64");
    }

    @Test
    void anInlineKeystoreThatDoesNotLoadExitsWithCode2NamingTheKeyAndWhatItHolds() throws Exception {
        Map<String, String> m = remote(PongJar.freePort());
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore.base64", Base64.getEncoder().encodeToString(Files.readAllBytes(TestPki.certPem())));
        m.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        assertStartFails(m, 2, "key 'tls.keystore.base64'", "cannot load the keystore in tls.keystore.base64 as a PKCS#12 keystore",
                "PEM blocks: CERTIFICATE");

        m.put("tls.keystore.base64", Base64.getEncoder().encodeToString(Files.readAllBytes(TestPki.keystore())));
        m.put("tls.keystore.password", "not-the-password");
        assertStartFails(m, 2, "key 'tls.keystore.password'", "does not open the keystore in tls.keystore.base64");
    }

    @Test
    void aKeystoreGivenInlineAndAnotherWayExitsWithCode2NamingBoth() throws Exception {
        String inline = Base64.getEncoder().encodeToString(Files.readAllBytes(TestPki.keystore()));
        Map<String, String> m = remote(PongJar.freePort());
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore", TestPki.keystore().toString());
        m.put("tls.keystore.base64", inline);
        m.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        assertStartFails(m, 2, "key 'tls.keystore.base64'", "give exactly one of", "this file gives tls.keystore and tls.keystore.base64");

        m = remote(PongJar.freePort());
        m.put("tls.keystore.base64", inline);
        m.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        assertStartFails(m, 2, "key 'tls.keystore.base64'", "this file gives tls.cert/tls.key and tls.keystore.base64");
    }

    @Test
    void startUpWarnsAboutAnEmptyDenyListAndACertificateAboutToExpireAndStopsWithCode0() throws Exception {
        Path keystore = soonExpiringKeystore();
        int port = PongJar.freePort();
        Map<String, String> m = remote(port);
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore", keystore.toString());
        m.put("tls.keystore.password", "changeit");
        m.put("dst.deny", "");
        Path file = ProxyPair.writeProperties(dir.resolve("remote.properties"), m);
        try (PongJar.Running remote = PongJar.start(dir, dir.resolve("remote.log"), file.toString())) {
            remote.awaitLog("remote listening on");
            String log = remote.log();
            assertTrue(log.contains("pong " + Version.value() + " on Java"), log);
            assertTrue(log.contains("WARNING dst.deny is empty"), log);
            assertTrue(log.contains("WARNING tls.keystore " + keystore + ": the certificate expires on"), log);
            assertEquals(0, remote.stop(), remote.log());
        }
    }

    @Test
    void startUpWarnsAboutAnInlineCertificateAboutToExpireNamingTheKeyAndItsFile() throws Exception {
        Path keystore = soonExpiringKeystore();
        Map<String, String> m = remote(PongJar.freePort());
        m.remove("tls.cert");
        m.remove("tls.key");
        m.put("tls.keystore.base64", Base64.getEncoder().encodeToString(Files.readAllBytes(keystore)));
        m.put("tls.keystore.password", "changeit");
        Files.delete(keystore);
        Path file = ProxyPair.writeProperties(dir.resolve("remote.properties"), m);
        try (PongJar.Running remote = PongJar.start(dir, dir.resolve("remote.log"), file.toString())) {
            remote.awaitLog("remote listening on");
            String log = remote.log();
            assertTrue(log.contains("WARNING tls.keystore.base64 in " + file + ": the certificate expires on"), log);
            assertEquals(0, remote.stop(), remote.log());
        }
    }

    /** A PKCS#12 keystore (password changeit) whose certificate expires in 5 days. */
    private Path soonExpiringKeystore() throws Exception {
        Path keystore = dir.resolve("soon.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-noprompt", "-alias", "soon", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "5", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes()));
        return keystore;
    }

    private void assertStartFails(Map<String, String> values, int exit, String... mentions) throws Exception {
        Path file = ProxyPair.writeProperties(dir.resolve("pong.properties"), values);
        PongJar.Result r = PongJar.run(dir, file.toString());
        assertEquals(exit, r.exit(), r.output());
        for (String s : List.of(mentions)) assertTrue(r.output().contains(s), "mentions '" + s + "':\n" + r.output());
        assertTrue(r.output().contains(file.toString()), "names the properties file:\n" + r.output());
    }
}
