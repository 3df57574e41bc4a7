package pong.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.Origin;
import pong.testing.PongJar;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestPki;

/**
 * The JDK's AOT cache is an optional speed-up: a garbage cache, a cache made for another jar, or a Java
 * that refuses the option must never stop pong from starting and serving. Real processes: the pair is two
 * {@code java -jar pong.jar} processes, started directly or through docs/deploy/pong-java (the wrapper the
 * service files and run.sh use), and a request goes through them. Needs a Java 24 or newer (the one running
 * the tests, or one under /usr/lib/jvm) and a Java older than 21 (Debian: openjdk-17-jre-headless); without
 * them the tests fail and say so.
 */
@Timeout(300)
class AnAotCacheNeverStopsAStartTest {
    private static final Path PONG_JAVA = Path.of("docs", "deploy", "pong-java").toAbsolutePath();
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx96m");
    private static final byte[] HELLO = "through the pair".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aPairStartedWithAGarbageCacheFileStillServes() throws Exception {
        Path garbage = dir.resolve("garbage.aot");
        byte[] junk = new byte[100_000];
        new Random(1).nextBytes(junk);
        Files.write(garbage, junk);
        List<String> java = new ArrayList<>(List.of(aotJava()));
        java.addAll(JVM_OPTIONS);
        java.add("-XX:AOTCache=" + garbage);
        assertPairServes(java, PongJar.jar());
    }

    @Test
    void aCacheMadeForAnotherJarIsLeftOutByPongJavaAndThePairServes() throws Exception {
        Path jar = Files.copy(PongJar.jar(), dir.resolve("pong.jar"));
        Path cache = dir.resolve("pong.aot");
        PongJar.Result made = run(List.of(aotJava(), "-XX:+UseSerialGC", "-Xmx96m", "-jar", jar.toString(), "aot", cache.toString(), "--seconds", "2"));
        assertEquals(0, made.exit(), made.output());
        assertTrue(Files.readString(AotCommand.stampOf(cache)).startsWith(AotCommand.sha256(jar) + "  "), made.output());

        // the jar it was made for: pong-java adds the cache, and pong's classes come from it
        PongJar.Result same = run(pongJava(cache, jar, "-Xlog:class+load", "--version"));
        assertEquals(0, same.exit(), same.output());
        assertFalse(same.output().contains("not using the AOT cache"), same.output());
        assertTrue(pongClassesFromTheCache(same.output()), "pong's classes were not loaded from the cache:\n" + head(same.output()));

        // the same cache as another JDK build made it (its HotSpot version changed in the header): pong-java passes it
        // on, since the jar matches; the JVM rejects it with a warning, and the pair serves
        Path otherJdk = dir.resolve("other-jdk.aot");
        Files.write(otherJdk, withOtherHotSpotVersion(Files.readAllBytes(cache)));
        Files.copy(AotCommand.stampOf(cache), AotCommand.stampOf(otherJdk));
        PongJar.Result rejected = run(pongJava(otherJdk, jar, "--version"));
        assertEquals(0, rejected.exit(), rejected.output());
        assertTrue(rejected.output().contains("created by a different version or build of HotSpot"), rejected.output());
        assertPairServes(pongJava(otherJdk, jar), jar);

        // a replaced jar (one more entry): left out, with the reason, and the pair serves
        replaceWithAnotherJar(jar);
        PongJar.Result other = run(pongJava(cache, jar, "-Xlog:class+load", "--version"));
        assertEquals(0, other.exit(), other.output());
        assertTrue(other.output().contains("pong-java: not using the AOT cache " + cache + ": it was made for another jar"), other.output());
        assertFalse(pongClassesFromTheCache(other.output()), "a stale cache's classes were used:\n" + head(other.output()));
        assertPairServes(pongJava(cache, jar), jar);
    }

    @Test
    void aCacheThatCannotBeReadIsLeftOutAndThePairServes() throws Exception {
        Path cache = dir.resolve("unreadable.aot");
        Files.writeString(cache, "x");
        Files.writeString(AotCommand.stampOf(cache), AotCommand.sha256(PongJar.jar()) + "  pong.jar\n");
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(cache)) {
            // root reads anything: a cache that is missing is what an unreadable one amounts to here
            Files.delete(cache);
        }
        PongJar.Result r = run(pongJava(cache, PongJar.jar(), "--version"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("not using the AOT cache " + cache + ": no readable cache there"), r.output());
        assertPairServes(pongJava(cache, PongJar.jar()), PongJar.jar());
    }

    @Test
    void theVersionGateAddsNothingOnAJavaThatRefusesTheFlag() throws Exception {
        Path cache = dir.resolve("pong.aot");
        Files.writeString(cache, "not read by a fake java");
        Files.writeString(AotCommand.stampOf(cache), AotCommand.sha256(PongJar.jar()) + "  pong.jar\n");
        for (String version : List.of("1.8.0_402", "17.0.13", "21.0.5", "23")) {
            List<String> args = argsSeenBy(fakeJava(version), cache);
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:AOT")), "Java " + version + " got " + args);
            assertEquals(List.of("-Xmx96m", "-jar", PongJar.jar().toString(), "app.properties"), args, "Java " + version);
        }
        for (String version : List.of("24", "24.0.2", "25.0.3", "26-ea")) {
            List<String> args = argsSeenBy(fakeJava(version), cache);
            assertEquals(List.of("-XX:AOTCache=" + cache, "-Xmx96m", "-jar", PongJar.jar().toString(), "app.properties"), args, "Java " + version);
        }
        // a real Java 17: without the gate the JVM itself would refuse to start ("Unrecognized VM option")
        PongJar.Result old = run(List.of("sh", PONG_JAVA.toString(), cache.toString(), oldJava().toString(), "-jar", PongJar.jar().toString(), "--version"));
        assertEquals(2, old.exit(), old.output());
        assertTrue(old.output().contains("pong needs Java 21 or newer"), old.output());
        assertFalse(old.output().contains("Unrecognized VM option"), old.output());
    }

    @Test
    void theServiceUnitsStartJavaThroughPongJava() throws Exception {
        for (String half : List.of("remote", "local")) {
            List<String> execStart = Files.readAllLines(Path.of("docs", "deploy", "pong-" + half + ".service")).stream()
                    .filter(l -> l.startsWith("ExecStart=")).toList();
            assertEquals(1, execStart.size(), half);
            assertTrue(execStart.get(0).startsWith("ExecStart=/bin/sh /opt/pong/pong-java /opt/pong/pong.aot /usr/bin/java "), execStart.get(0));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A java that answers -version with this version and otherwise writes its arguments, one a line, to args.txt. */
    private Path fakeJava(String version) throws IOException {
        Path java = dir.resolve("fake-java-" + version);
        Files.writeString(java, """
                #!/bin/sh
                if [ "$1" = "-version" ]; then
                    echo 'openjdk version "%s" 2026-01-01' >&2
                    exit 0
                fi
                printf '%%s\\n' "$@" > "%s"
                """.formatted(version, dir.resolve("args.txt")));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        return java;
    }

    private List<String> argsSeenBy(Path java, Path cache) throws Exception {
        Files.deleteIfExists(dir.resolve("args.txt"));
        PongJar.Result r = run(List.of("sh", PONG_JAVA.toString(), cache.toString(), java.toString(), "-Xmx96m", "-jar",
                PongJar.jar().toString(), "app.properties"));
        assertEquals(0, r.exit(), r.output());
        return Files.readAllLines(dir.resolve("args.txt"));
    }

    private List<String> pongJava(Path cache, Path jar, String... more) {
        List<String> c = new ArrayList<>(List.of("sh", PONG_JAVA.toString(), cache.toString(), aotJava()));
        c.addAll(JVM_OPTIONS);
        List<String> rest = new ArrayList<>(List.of(more));
        // JVM options (the -X... ones) go before -jar, pong's arguments after it
        while (!rest.isEmpty() && rest.get(0).startsWith("-X")) c.add(rest.remove(0));
        c.add("-jar");
        c.add(jar.toString());
        c.addAll(rest);
        return c;
    }

    private static boolean pongClassesFromTheCache(String classLoadLog) {
        return Pattern.compile("\\] pong\\.\\S+ source: shared objects file").matcher(classLoadLog).find();
    }

    private static String head(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "\n..." : s;
    }

    /** The cache with the last character of the HotSpot version it names (e.g. 25.0.3+9-LTS) in its header changed. */
    private static byte[] withOtherHotSpotVersion(byte[] cache) throws IOException, InterruptedException {
        PongJar.Result v = versionOutput();
        assertEquals(0, v.exit(), v.output());
        Matcher m = Pattern.compile("VM [^(]*\\(build ([^,)]+)").matcher(v.output());
        assertTrue(m.find(), v.output());
        byte[] version = m.group(1).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(cache, version, 16 * 1024);
        assertTrue(at >= 0, "the cache's header does not name " + m.group(1));
        byte[] copy = cache.clone();
        int last = at + version.length - 1;
        copy[last] = (byte) (copy[last] == 'X' ? 'Y' : 'X');
        return copy;
    }

    private static PongJar.Result versionOutput() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(aotJava(), "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new PongJar.Result(p.waitFor(), out);
    }

    private static int indexOf(byte[] data, byte[] what, int within) {
        outer:
        for (int i = 0; i + what.length <= Math.min(data.length, within); i++) {
            for (int k = 0; k < what.length; k++) if (data[i + k] != what[k]) continue outer;
            return i;
        }
        return -1;
    }

    /** The jar with one more entry: another file, as an upgrade makes it, whose classes are the same. */
    private static void replaceWithAnotherJar(Path jar) throws IOException {
        Path tmp = jar.resolveSibling("other.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("META-INF/upgraded.txt"));
            out.write("another build".getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts remote (tls) and local with this launcher in front of {@code -jar JAR FILE}, and sends bytes through them to an echo origin. */
    private void assertPairServes(List<String> launcher, Path jar) throws Exception {
        UUID id = UUID.randomUUID();
        int remotePort = PongJar.freePort();
        int socksPort = PongJar.freePort();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("listen", "tls://127.0.0.1:" + remotePort);
        r.put("tls.keystore", TestPki.keystore().toString());
        r.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        r.put("clients", id.toString());
        r.put("dst.deny", "");
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:" + socksPort);
        l.put("remote", "tls://127.0.0.1:" + remotePort);
        l.put("tls.trust", TestPki.certPem().toString());
        l.put("client.id", id.toString());
        Process remote = null;
        Process local = null;
        try (Origin echo = Origin.echo()) {
            remote = startHalf(launcher, jar, ProxyPair.writeProperties(dir.resolve("remote.properties"), r), "remote");
            local = startHalf(launcher, jar, ProxyPair.writeProperties(dir.resolve("local.properties"), l), "local");
            assertArrayEquals(HELLO, Socks5Client.echo(socksPort, echo.port(), HELLO));
        } finally {
            stop(local);
            stop(remote);
        }
    }

    private Process startHalf(List<String> launcher, Path jar, Path properties, String half) throws Exception {
        List<String> cmd = new ArrayList<>(launcher);
        if (!cmd.contains("-jar")) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        }
        cmd.add(properties.toString());
        Path log = dir.resolve(half + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(half + " listening on")) return p;
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        stop(p);
        return fail(half + " did not start listening (" + String.join(" ", cmd) + "); log:\n" + Files.readString(log));
    }

    private static void stop(Process p) throws InterruptedException {
        if (p == null) return;
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    private PongJar.Result run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "output-", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            // no input
        }
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(String.join(" ", cmd) + " did not end within 240 s; output:\n" + Files.readString(out));
        }
        return new PongJar.Result(p.exitValue(), Files.readString(out));
    }

    /** The java of the tests if it is 24 or newer, else the newest such under /usr/lib/jvm. */
    private static String aotJava() {
        if (Runtime.version().feature() >= AotCommand.FIRST_JAVA) return PongJar.java();
        Path found = javaUnderJvmRoot(v -> v >= AotCommand.FIRST_JAVA);
        if (found == null) fail("no Java 24 or newer found (the tests' java, /usr/lib/jvm/*): install one to run this test");
        return found.toString();
    }

    private static Path oldJava() {
        Path found = javaUnderJvmRoot(v -> v < 21);
        if (found == null) fail("no Java older than 21 under /usr/lib/jvm: install one to run this test (Debian: apt-get install openjdk-17-jre-headless)");
        return found;
    }

    private static Path javaUnderJvmRoot(IntPredicate version) {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) return null;
        try (Stream<Path> homes = Files.list(root)) {
            for (Path h : homes.sorted().toList()) {
                Path java = h.resolve("bin/java");
                Path release = h.resolve("release");
                if (!Files.isExecutable(java) || !Files.isReadable(release)) continue;
                Matcher m = Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
                if (m.find() && version.test(Integer.parseInt(m.group(1)))) return java;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
