package pong.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pong-aot column's AOT cache, made once per bench run by pong's own {@code aot} command (its
 * training run on loopback) with pong's JVM options, by the java running the bench, for the jar under
 * test: the cache a user would make with {@code ./run.sh aot}.
 */
final class AotCache {
    private static final int FIRST_JAVA = 24;

    private AotCache() {
    }

    /** Why this JVM cannot make a cache, or null when it can. */
    static String unavailable() {
        int feature = Runtime.version().feature();
        return feature < FIRST_JAVA ? "the JDK's AOT cache needs Java " + FIRST_JAVA + " or newer; the bench runs on Java " + feature : null;
    }

    /** Runs {@code java PONG_JAVA_OPTS -jar JAR aot DIR/pong.aot --seconds N}; the cache, or why it failed. */
    static Path make(Path jar, Path dir, int seconds) throws IOException, InterruptedException {
        Path cache = dir.resolve("pong.aot");
        Path log = dir.resolve("aot.log");
        List<String> c = new ArrayList<>();
        c.add(Processes.java());
        c.addAll(Processes.pongJavaOptions());
        c.addAll(List.of("-jar", jar.toString(), "aot", cache.toString(), "--seconds", String.valueOf(seconds)));
        Process p = Processes.start(c, log);
        if (!p.waitFor(seconds + 300L, TimeUnit.SECONDS)) {
            Processes.stop(p);
            throw new IOException("pong aot did not finish within " + (seconds + 300) + " s (log: " + log + ")");
        }
        Processes.stop(p);
        if (p.exitValue() != 0 || !Files.isRegularFile(cache)) {
            throw new IOException("pong aot failed with exit code " + p.exitValue() + " (log: " + log + ")");
        }
        return cache;
    }
}
