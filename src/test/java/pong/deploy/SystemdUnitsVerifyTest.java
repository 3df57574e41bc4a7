package pong.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units in docs/deploy pass {@code systemd-analyze verify} without a word (it exits 0 even
 * for unknown keys and values it cannot parse, so any output counts as a failure), and keep the
 * hardening the deployment guide promises. Needs systemd-analyze (Debian package systemd, which
 * .ci/run installs); without it the test fails and says so.
 */
@Timeout(120)
class SystemdUnitsVerifyTest {
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Path DEPLOY = Path.of("docs", "deploy");
    private static final List<String> UNITS = List.of("pong-remote.service", "pong-local.service");

    @TempDir
    Path dir;

    @Test
    void bothUnitsVerifyCleanly() throws Exception {
        for (String unit : UNITS) {
            Verdict v = verify(DEPLOY.resolve(unit));
            assertEquals(0, v.exit(), unit + ":\n" + v.output());
            assertEquals("", v.output().strip(), unit + ": systemd-analyze verify has remarks");
        }
    }

    @Test
    void bothUnitsRunAsADedicatedUserWithTheHardeningTheGuidePromises() throws Exception {
        for (String unit : UNITS) {
            List<String> lines = Files.readAllLines(DEPLOY.resolve(unit));
            for (String key : new String[] {"User=pong", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure",
                    "RestartPreventExitStatus=2", "KillSignal=SIGTERM"}) {
                assertTrue(lines.contains(key), unit + " has " + key);
            }
            String half = unit.contains("remote") ? "remote" : "local";
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("ExecStart=") && l.endsWith("-jar /opt/pong/pong.jar /etc/pong/" + half + ".properties")),
                    unit + " runs the " + half + " half");
        }
    }

    @Test
    void aMistakeInAUnitIsCaught() throws Exception {
        Path broken = dir.resolve("pong-remote.service");
        Files.writeString(broken, Files.readString(DEPLOY.resolve("pong-remote.service")).replace("ProtectSystem=strict", "ProtectSytem=strict"));
        Verdict v = verify(broken);
        assertFalse(v.exit() == 0 && v.output().isBlank(), "a misspelt key passed verify silently");
    }

    private record Verdict(int exit, String output) {
    }

    private Verdict verify(Path unit) throws Exception {
        if (!Files.isExecutable(ANALYZE)) {
            fail(ANALYZE + " is missing: install it to run this test (Debian: apt-get install systemd)");
        }
        Path out = dir.resolve("verify.txt");
        List<String> cmd = new ArrayList<>(List.of(ANALYZE.toString(), "verify", unit.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("systemd-analyze verify did not finish");
        }
        return new Verdict(p.exitValue(), Files.readString(out));
    }
}
