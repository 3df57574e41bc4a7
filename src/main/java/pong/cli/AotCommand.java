package pong.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code aot FILE [--seconds N]}: makes the JDK's AOT cache for pong (Java 24 or newer): the classes a
 * running pong loads, already parsed and linked, and (Java 25) the profiles of its hot methods, so that a
 * half started with {@code -XX:AOTCache=FILE} skips most of that work. It runs {@link AotTraining} in a
 * child JVM of the same java with this JVM's options (a cache is only used by a JVM whose options are
 * compatible) and the jar given as {@code -jar} by its absolute path, as a service starts it: on Java 25 one
 * run with {@code -XX:AOTCacheOutput}, on Java 24 a recording run and a create run.
 *
 * <p>Next to FILE it writes FILE.sha256, the SHA-256 of the jar the cache was made from (the format of
 * {@code sha256sum}). A JVM does not reliably notice that the jar changed since (JDK 25.0.3 uses the
 * cached classes of a replaced jar), so whatever adds {@code -XX:AOTCache} must check the jar against
 * this file first: docs/deploy/pong-java does. The cache and its stamp are replaced only when the
 * training succeeded, the cache first: a stamp never names a jar its cache was not made from.
 *
 * <p>Threading: the main thread only.
 */
public final class AotCommand {
    static final int FIRST_JAVA = 24;
    private static final int ONE_STEP_JAVA = 25;
    private static final long CHILD_EXTRA_SECONDS = 300;

    private AotCommand() {
    }

    public static int run(String[] args) throws InterruptedException {
        Path file;
        Duration duration;
        try {
            if (args.length == 0 || args[0].startsWith("-")) throw new UsageException("no cache file given");
            file = Path.of(args[0]).toAbsolutePath();
            duration = seconds(Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            System.err.println("pong aot: " + e.getMessage());
            System.err.println("usage: java [JVM options] -jar pong.jar aot FILE [--seconds " + AotTraining.DEFAULT_DURATION.toSeconds() + "]");
            return ExitCodes.CONFIG;
        }
        int feature = Runtime.version().feature();
        if (feature < FIRST_JAVA) {
            System.err.println("pong aot: the JDK's AOT cache needs Java " + FIRST_JAVA + " or newer; this is Java " + feature
                    + " (java.home=" + System.getProperty("java.home") + "). pong runs fine without one.");
            return ExitCodes.CONFIG;
        }
        try {
            Path jar = ownJar();
            String sha256 = sha256(jar);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Path config = file.resolveSibling(file.getFileName() + ".config.tmp");
            Files.deleteIfExists(tmp);
            List<String> base = new ArrayList<>();
            base.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            base.addAll(inheritedOptions());
            int exit;
            if (feature >= ONE_STEP_JAVA) {
                exit = child(with(base, List.of("-XX:AOTCacheOutput=" + tmp, "-jar", jar.toString(), "aot-train", "--seconds",
                        String.valueOf(duration.toSeconds()))), duration);
            } else {
                exit = child(with(base, List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + config, "-jar", jar.toString(),
                        "aot-train", "--seconds", String.valueOf(duration.toSeconds()))), duration);
                if (exit == 0) {
                    exit = child(with(base, List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + tmp,
                            "-cp", jar.toString())), Duration.ZERO);
                }
                Files.deleteIfExists(config);
            }
            if (exit != 0 || !Files.isRegularFile(tmp)) {
                Files.deleteIfExists(tmp);
                System.err.println("pong aot: the training run failed (exit " + exit + "); " + file + " is left as it was");
                return ExitCodes.FAILURE;
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path stamp = stampOf(file);
            Path stampTmp = stamp.resolveSibling(stamp.getFileName() + ".tmp");
            Files.writeString(stampTmp, sha256 + "  " + jar + "\n");
            Files.move(stampTmp, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf(Locale.ROOT, "pong aot: wrote %s (%.0f MiB) and %s for %s on Java %s%n", file, Files.size(file) / 1048576.0,
                    stamp.getFileName(), jar, Runtime.version());
            System.out.println("pong aot: start pong with the same JVM options through pong-java, which adds -XX:AOTCache only when"
                    + " the Java and the jar match: pong-java " + file + " " + base.get(0) + " [JVM options] -jar " + jar + " FILE.properties");
            return ExitCodes.OK;
        } catch (IOException e) {
            System.err.println("pong aot: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /** {@code aot-train [--seconds N]}: the training run itself, in the JVM that records (not for users to call). */
    public static int train(String[] args) throws InterruptedException {
        return AotTraining.run(args);
    }

    /** The stamp next to a cache: FILE.sha256. */
    static Path stampOf(Path cache) {
        return cache.resolveSibling(cache.getFileName() + ".sha256");
    }

    /** {@code [--seconds N]}, N from 1 to 3600. */
    static Duration seconds(String[] args) throws UsageException {
        if (args.length == 0) return AotTraining.DEFAULT_DURATION;
        if (args.length != 2 || !args[0].equals("--seconds")) throw new UsageException("unexpected arguments " + String.join(" ", args));
        try {
            int s = Integer.parseInt(args[1]);
            if (s < 1 || s > 3600) throw new UsageException("--seconds must be from 1 to 3600, not " + s);
            return Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            throw new UsageException("--seconds needs a whole number, not '" + args[1] + "'");
        }
    }

    private static List<String> with(List<String> base, List<String> more) {
        List<String> c = new ArrayList<>(base);
        c.addAll(more);
        return c;
    }

    /** This JVM's options for the child, without any AOT or CDS archive options of its own. */
    private static List<String> inheritedOptions() {
        List<String> options = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:AOT") || a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-XX:+AutoCreateSharedArchive")
                    || a.startsWith("-Xshare")) continue;
            options.add(a);
        }
        return options;
    }

    /** Runs a child JVM with this process's stdout and stderr; its exit code. Bounded: the training time plus 5 minutes. */
    private static int child(List<String> command, Duration training) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(training.toSeconds() + CHILD_EXTRA_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException("the training JVM did not finish within " + (training.toSeconds() + CHILD_EXTRA_SECONDS) + " s");
        }
        return p.exitValue();
    }

    /** The jar this class was loaded from: the cache is made for exactly that file. */
    private static Path ownJar() throws IOException {
        try {
            Path p = Path.of(AotCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            if (!Files.isRegularFile(p)) throw new IOException("pong aot runs from the jar (java -jar pong.jar aot FILE), not from " + p);
            return p;
        } catch (URISyntaxException e) {
            throw new IOException("cannot tell which jar this is: " + e.getMessage());
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
