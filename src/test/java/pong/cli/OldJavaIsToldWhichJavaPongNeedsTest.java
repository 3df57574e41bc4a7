package pong.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.PongJar;

/**
 * {@code java -jar pong.jar} under a Java older than 21 says which Java pong needs and exits 2 instead of
 * failing with UnsupportedClassVersionError. Needs an old Java on the machine (Debian:
 * openjdk-17-jre-headless, which .ci/run installs); without one the test fails and says so.
 */
@Timeout(120)
class OldJavaIsToldWhichJavaPongNeedsTest {
    @TempDir
    Path dir;

    @Test
    void javaSeventeenGetsTheNeededVersionAndExitCode2() throws Exception {
        Path old = oldJava();
        PongJar.Result r = PongJar.runWith(old.toString(), dir, "--version");
        assertEquals(2, r.exit(), r.output());
        Path home = old.toRealPath().getParent().getParent();
        Matcher m = Pattern.compile("pong needs Java 21 or newer; this is Java (\\d+) \\(java.home=(.+)\\)").matcher(r.output());
        assertTrue(m.find(), r.output());
        assertTrue(Integer.parseInt(m.group(1)) < 21, r.output());
        assertEquals(home.toString(), Path.of(m.group(2)).toRealPath().toString(), r.output());
        assertTrue(!r.output().contains("UnsupportedClassVersionError"), r.output());
    }

    /** /usr/bin/java if it is older than 21, else any JDK/JRE under /usr/lib/jvm that is. */
    private static Path oldJava() throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin/java"));
        if (Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
                homes.sorted().forEach(h -> candidates.add(h.resolve("bin/java")));
            }
        }
        for (Path java : candidates) {
            if (!Files.isExecutable(java)) continue;
            Path release = java.toRealPath().getParent().getParent().resolve("release");
            if (!Files.isReadable(release)) continue;
            Matcher m = Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
            if (m.find() && Integer.parseInt(m.group(1)) < 21) return java;
        }
        return fail("no Java older than 21 found (/usr/bin/java, /usr/lib/jvm/*): install one to run this test"
                + " (Debian: apt-get install openjdk-17-jre-headless)");
    }
}
