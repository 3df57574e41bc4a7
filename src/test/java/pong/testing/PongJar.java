package pong.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real program as users do, {@code java -jar target/pong.jar ARGS}, in its own JVM (the build
 * makes the jar right after compiling, before the tests run). Every wait is bounded; processes are
 * stopped by their own handle.
 *
 * <p>Threading: any thread.
 */
public final class PongJar {
    /** Small, quickly started JVMs: the machine runs several at once. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx96m");
    private static final int COMMAND_SECONDS = 90;

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int exit, String output) {
    }

    private PongJar() {
    }

    /** target/pong.jar, next to the compiled classes. */
    public static Path jar() {
        try {
            Path classes = Path.of(pong.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jar = classes.resolveSibling("pong.jar");
            if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: run the tests through Maven (./run.sh test), which builds it");
            return jar;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The java of the JVM running the tests (21 or newer). */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a command to its end in {@code dir} with the tests' java. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        return runWith(java(), dir, args);
    }

    /** Runs a command to its end in {@code dir} with the given java. */
    public static Result runWith(String java, Path dir, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "pong-output-", ".txt");
        Process p = builder(java, dir, args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("pong " + String.join(" ", args) + " did not end within " + COMMAND_SECONDS + " s; output:\n"
                    + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.delete(out);
        return new Result(p.exitValue(), text);
    }

    /** Starts a long-running half ({@code java -jar pong.jar FILE}) with its output in {@code log}. */
    public static Running start(Path dir, Path log, String... args) throws IOException {
        Process p = builder(java(), dir, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        return new Running(p, log);
    }

    private static ProcessBuilder builder(String java, Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    /** A loopback port nobody listened on a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A started pong process. */
    public static final class Running implements AutoCloseable {
        private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);
        private final Process process;
        private final Path log;

        Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public String log() throws IOException {
            return Files.readString(log);
        }

        /** Waits until the log contains the text; fails with the log if the process ends or the bound passes first. */
        public void awaitLog(String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (System.nanoTime() - deadline < 0) {
                if (log().contains(text)) return;
                if (!process.isAlive()) break;
                Thread.sleep(50);
            }
            if (log().contains(text)) return;
            throw new AssertionError("pong never logged '" + text + "' (alive: " + process.isAlive() + "); log:\n" + log());
        }

        /** Waits for the process to end by itself; its exit code. */
        public int awaitExit() throws InterruptedException, IOException {
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) throw new AssertionError("pong did not exit; log:\n" + log());
            return process.exitValue();
        }

        /** SIGTERM, then waits for the exit; its exit code. */
        public int stop() throws InterruptedException, IOException {
            process.destroy();
            return awaitExit();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
        }
    }
}
