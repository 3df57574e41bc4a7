package pong.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.PongJar;
import pong.testing.TestPki;
import pong.transport.Pem;
import pong.transport.Tls;

/** --help, --version, pin and a wrong command line, run as {@code java -jar target/pong.jar}. */
@Timeout(300)
class HelpVersionAndPinCommandsTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandAndTheExitCodesAndExitsZero() throws Exception {
        PongJar.Result r = PongJar.run(dir, "--help");
        assertEquals(0, r.exit(), r.output());
        for (String s : new String[] {"init [DIR] --host", "check FILE [--url URL]", "pin CERT.pem", "--version", "exit codes:",
                "0  clean stop", "1  any other failure", "2  a problem in the configuration"}) {
            assertTrue(r.output().contains(s), "--help mentions '" + s + "':\n" + r.output());
        }
    }

    @Test
    void versionPrintsTheVersionFromThePom() throws Exception {
        Matcher m = Pattern.compile("<artifactId>pong</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml has the project version");
        PongJar.Result r = PongJar.run(dir, "--version");
        assertEquals(0, r.exit(), r.output());
        assertEquals("pong " + m.group(1), r.output().strip());
    }

    @Test
    void noArgumentsAnUnknownOptionOrTwoFilesExitWithCode2() throws Exception {
        for (String[] args : new String[][] {{}, {"--frobnicate"}, {"a.properties", "b.properties"}}) {
            PongJar.Result r = PongJar.run(dir, args);
            assertEquals(2, r.exit(), String.join(" ", args) + ":\n" + r.output());
            assertTrue(r.output().contains("usage:"), r.output());
        }
    }

    @Test
    void pinPrintsTheValueLocalCompares() throws Exception {
        PongJar.Result r = PongJar.run(dir, "pin", TestPki.certPem().toString());
        assertEquals(0, r.exit(), r.output());
        assertEquals(Tls.pinOf(Pem.certificates(TestPki.certPem()).get(0)), r.output().strip());
    }

    @Test
    void pinOfAKeyFileExitsWithCode2NamingTheFileAndWhatItHolds() throws Exception {
        PongJar.Result r = PongJar.run(dir, "pin", TestPki.keyPem().toString());
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains(TestPki.keyPem().toString()), r.output());
        assertTrue(r.output().contains("PEM blocks: PRIVATE KEY"), r.output());
    }
}
