package pong.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.Main;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;

/**
 * log.level and -Dpong.log.level on the real program (a separate JVM running pong.Main): what they
 * let through, and that the property wins over the file.
 */
@Timeout(120)
class LogLevelEndToEndTest {
    private static final Pattern LISTENING = Pattern.compile("local listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void logLevelWarningHidesInfoLinesButNotWarnings() throws Exception {
        int listen = Origin.closedPort(); // free: nothing listens there
        Path out = dir.resolve("out.txt");
        Process p = start(Map.of("log.level", "warning", "listen", "127.0.0.1:" + listen), List.of(), Origin.closedPort(), out);
        try {
            // a SOCKS5 request makes local try its unreachable remote, which is logged at WARNING
            assertTrue(Eventually.holds(() -> request(listen)), () -> "local never answered:\n" + read(out));
            assertTrue(Eventually.holds(() -> read(out).contains("WARNING cannot reach remote")), () -> read(out));
            String text = read(out);
            assertFalse(text.contains("INFO"), "no INFO line at log.level=warning:\n" + text);
        } finally {
            stop(p);
        }
    }

    @Test
    void thePropertyWinsOverTheFileAndDebugShowsDebugLines() throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(Map.of("log.level", "warning"), List.of("-Dpong.log.level=debug"), Origin.closedPort(), out);
        try {
            assertTrue(Eventually.holds(() -> LISTENING.matcher(read(out)).find()), () -> "INFO shown despite the file:\n" + read(out));
            Matcher m = LISTENING.matcher(read(out));
            assertTrue(m.find());
            // the request starts the reconnect loop, whose failed attempts are logged at DEBUG only
            assertTrue(request(Integer.parseInt(m.group(1))), () -> read(out));
            assertTrue(Eventually.holds(() -> read(out).contains("FINE    reconnect to ")), () -> read(out));
        } finally {
            stop(p);
        }
    }

    @Test
    void anUnknownLevelInThePropertyExitsWithCode2() throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(Map.of(), List.of("-Dpong.log.level=loud"), Origin.closedPort(), out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), read(out));
        assertTrue(read(out).contains("pong.log.level=loud is not a log level"), read(out));
    }

    /** One SOCKS5 CONNECT; true once local answered it (with whatever reply). */
    private static boolean request(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            Socks5Client.handshake(s, "127.0.0.1", 9);
            return true;
        } catch (IOException e) {
            return false;
        }
    }


    private Process start(Map<String, String> extra, List<String> jvm, int remotePort, Path out) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("remote", "tcp://127.0.0.1:" + remotePort);
        m.put("client.id", UUID.randomUUID().toString());
        m.putAll(extra);
        Path file = ProxyPair.writeProperties(dir.resolve("local.properties"), m);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classes, "pong.Main", file.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    private static String read(Path out) {
        try {
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
