package pong.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl as a process, bounded in time; tests that need it are skipped when it is not installed. */
public final class Curl {
    public static final Path CURL = Path.of("/usr/bin/curl");
    private static final int MAX_SECONDS = 30;

    /** What curl printed to stdout, and its exit code. */
    public record Result(int exit, byte[] body, String stderr) {
    }

    private Curl() {
    }

    /** Runs {@code curl -sS --max-time 30 ARGS}; stdout is the response body. */
    public static Result run(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed at " + CURL + " (.ci/run installs it)");
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", String.valueOf(MAX_SECONDS)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process gone
            }
        });
        p.getInputStream().transferTo(out);
        if (!p.waitFor(MAX_SECONDS + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not end: " + cmd);
        }
        errReader.join();
        return new Result(p.exitValue(), out.toByteArray(), err.toString());
    }
}
