package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.ProxyPair;

/**
 * Bad configuration stops the real program (a separate JVM running pong.Main from the compiled classes,
 * so it works in the test phase before the jar exists) with exit code 2 and a message naming file and key.
 */
@Timeout(120)
class ConfigErrorsExitWithCode2Test {
    @TempDir
    Path dir;

    private Map<String, String> validLocal() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("remote", "tcp://127.0.0.1:9");
        m.put("client.id", UUID.randomUUID().toString());
        return m;
    }

    @Test
    void missingModeExitsWithCode2NamingMode() throws Exception {
        Map<String, String> m = validLocal();
        m.remove("mode");
        assertConfigError(m, "mode");
    }

    @Test
    void unknownKeyExitsWithCode2NamingTheKey() throws Exception {
        Map<String, String> m = validLocal();
        m.put("remote.tls", "true");
        assertConfigError(m, "remote.tls");
    }

    @Test
    void badPortExitsWithCode2NamingTheKey() throws Exception {
        Map<String, String> m = validLocal();
        m.put("listen", "127.0.0.1:99999");
        assertConfigError(m, "listen");
    }

    @Test
    void badPortInRemoteExitsWithCode2NamingTheKey() throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "remote");
        m.put("listen", "tcp://127.0.0.1:65536");
        m.put("clients", UUID.randomUUID().toString());
        assertConfigError(m, "listen");
    }

    private void assertConfigError(Map<String, String> values, String key) throws Exception {
        Path file = ProxyPair.writeProperties(dir.resolve("pong.properties"), values);
        Path output = dir.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process p = new ProcessBuilder(java, "-cp", classes, "pong.Main", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("pong did not exit on a bad config; output:\n" + Files.readString(output));
        }
        String out = Files.readString(output);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("key '" + key + "'"), "the message names the key '" + key + "':\n" + out);
        assertTrue(out.contains(file.toString()), "the message names the file:\n" + out);
    }
}
