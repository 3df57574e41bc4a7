package pong.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The test certificate for remote (EC P-256, CN=localhost, SAN 127.0.0.1, ::1, localhost), made once
 * with keytool and kept in src/test/resources/pki: as PKCS#12 (password changeit) and as PEM files.
 */
public final class TestPki {
    public static final String KEYSTORE_PASSWORD = "changeit";

    private TestPki() {
    }

    public static Path keystore() {
        return resource("remote.p12");
    }

    public static Path certPem() {
        return resource("remote-cert.pem");
    }

    public static Path keyPem() {
        return resource("remote-key.pem");
    }

    private static Path resource(String name) {
        try {
            return Path.of(TestPki.class.getResource("/pki/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
