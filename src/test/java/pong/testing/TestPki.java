package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The test certificate for remote (EC P-256, CN=localhost, SAN 127.0.0.1, ::1, localhost), made once
 * with keytool and kept in src/test/resources/pki: as PKCS#12 (password changeit) and as PEM files.
 *
 * <p>Threading: any thread.
 */
public final class TestPki {
    public static final String KEYSTORE_PASSWORD = "changeit";

    /** Temp copies of the files, made when the test classes run from a jar (bench/) rather than a folder. */
    private static final Map<String, Path> COPIES = new HashMap<>();

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

    private static synchronized Path resource(String name) {
        try {
            URL url = TestPki.class.getResource("/pki/" + name);
            if ("file".equals(url.getProtocol())) return Path.of(url.toURI());
            Path copy = COPIES.get(name);
            if (copy == null) {
                copy = Files.createTempFile("pong-pki-", "-" + name);
                copy.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                COPIES.put(name, copy);
            }
            return copy;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
