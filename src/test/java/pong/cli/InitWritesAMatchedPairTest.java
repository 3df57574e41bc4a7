package pong.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;
import pong.testing.PongJar;
import pong.transport.Tls;

/** {@code init}: a pair that fits together, a certificate that covers the host with the right SAN type, no overwriting. */
@Timeout(300)
class InitWritesAMatchedPairTest {
    @TempDir
    Path dir;

    @Test
    void anIpHostGetsAnIpSanAndLocalPinsThatCertificate() throws Exception {
        PongJar.Result r = PongJar.run(dir, "init", "pair", "--host", "192.0.2.7", "--port", "9443");
        assertEquals(0, r.exit(), r.output());
        Path pair = dir.resolve("pair");
        assertTrue(r.output().contains("java -jar pong.jar remote.properties"), r.output());
        assertTrue(r.output().contains("java -jar pong.jar " + Path.of("pair", "local.properties")), r.output());

        RemoteConfig remote = (RemoteConfig) Config.parse(pair.resolve("remote.properties"));
        LocalConfig local = (LocalConfig) Config.parse(pair.resolve("local.properties"));
        assertEquals("tls://0.0.0.0:9443", remote.listen().toString());
        assertEquals("tls://192.0.2.7:9443", local.remote().toString());
        assertEquals(List.of(local.clientId()), remote.clients());
        assertEquals("private,:25", remote.deny().toString());

        X509Certificate cert = certificate(remote);
        assertEquals(List.of(List.of(7, "192.0.2.7")), sans(cert)); // 7 = iPAddress
        assertEquals(Tls.pinOf(cert), local.tlsPin());
        // remote.properties holds the private key: owner-only, and nothing else for the server
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pair.resolve("remote.properties"))));
        try (var files = Files.list(pair)) {
            assertEquals(List.of("local.properties", "remote.properties"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }

        PongJar.Result check = PongJar.run(pair, "check", "remote.properties");
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("OK   key      the private key belongs to the certificate (CN=192.0.2.7)"), check.output());
        assertTrue(check.output().contains("OK   names    covers IP:192.0.2.7"), check.output());
        assertTrue(check.output().contains("OK   expiry   valid until"), check.output());
    }

    @Test
    void aNameGetsADnsSanAndAnIpv6HostIsBracketedInRemote() throws Exception {
        PongJar.Result r = PongJar.run(dir, "init", "named", "--host", "proxy.example.com");
        assertEquals(0, r.exit(), r.output());
        RemoteConfig remote = (RemoteConfig) Config.parse(dir.resolve("named/remote.properties"));
        assertEquals(List.of(List.of(2, "proxy.example.com")), sans(certificate(remote))); // 2 = dNSName
        assertEquals("tls://proxy.example.com:8443", ((LocalConfig) Config.parse(dir.resolve("named/local.properties"))).remote().toString());

        r = PongJar.run(dir, "init", "v6", "--host", "2001:db8::5");
        assertEquals(0, r.exit(), r.output());
        Properties local = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("v6/local.properties"))) {
            local.load(in);
        }
        assertEquals("tls://[2001:db8::5]:8443", local.getProperty("remote"));
    }

    @Test
    void initNeverOverwritesAndExitsWithCode2() throws Exception {
        Files.writeString(dir.resolve("local.properties"), "mine\n");
        PongJar.Result r = PongJar.run(dir, "init", "--host", "localhost");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("local.properties exists already"), r.output());
        assertEquals("mine\n", Files.readString(dir.resolve("local.properties")));
        assertFalse(Files.exists(dir.resolve("remote.properties")));
    }

    @Test
    void aMissingOrBadHostExitsWithCode2() throws Exception {
        for (String[] args : new String[][] {{"init"}, {"init", "--host", "bad_name!"}, {"init", "--host", "x.org", "--port", "0"}}) {
            PongJar.Result r = PongJar.run(dir, args);
            assertEquals(2, r.exit(), String.join(" ", args) + ":\n" + r.output());
            assertTrue(r.output().contains("usage: java -jar pong.jar init"), r.output());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> !p.getFileName().toString().startsWith("pong-output-")).count());
        }
    }

    private static X509Certificate certificate(RemoteConfig remote) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        assertEquals(null, remote.tlsKeystore());
        ks.load(new ByteArrayInputStream(remote.tlsKeystoreInline()), remote.tlsKeystorePassword().toCharArray());
        return (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
    }

    private static List<List<?>> sans(X509Certificate cert) throws Exception {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        return sans == null ? List.of() : List.copyOf(sans);
    }
}
