package pong.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pong as a real process (this build's classes in a jar, this JVM's java), optionally under {@code prlimit} so
 * its fd limit is its own: HotSpot raises the soft limit to the hard one at start, so both are set.
 * Output goes to a log file the test can read. {@link #close} ends it by its pid.
 */
public final class PongProcess implements AutoCloseable {
    public final int port;
    public final Path log;
    private final Process process;

    private PongProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts pong with these properties ("listen" gets a free loopback port: give its scheme, e.g.
     * "tcp://" for remote, "" for local) and waits until it listens.
     *
     * @param maxFds the fd limit (soft and hard), or 0 for the inherited one
     */
    public static PongProcess start(Path dir, String name, Map<String, String> properties, String listenScheme, int maxFds)
            throws IOException, InterruptedException {
        return startOn(dir, name, properties, listenScheme, maxFds, PongJar.freePort());
    }

    /** Like {@link #start}, listening on this port (a process restarted where its predecessor listened). */
    public static PongProcess startOn(Path dir, String name, Map<String, String> properties, String listenScheme, int maxFds, int port)
            throws IOException, InterruptedException {
        Map<String, String> p = new LinkedHashMap<>(properties);
        p.put("listen", listenScheme + "127.0.0.1:" + port);
        Path props = ProxyPair.writeProperties(dir.resolve(name + ".properties"), p);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        if (maxFds > 0) cmd.addAll(List.of("prlimit", "--nofile=" + maxFds + ":" + maxFds));
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-Xmx128m", "-cp", PongJar.jar().toString(), "pong.Main", props.toString()));
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PongProcess pp = new PongProcess(port, log, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            // listening, and past start-up: its first log line written (the port opens before that, and a
            // test that floods it at once could starve the start-up of fds)
            if (pp.logText().contains(" listening on ")) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return pp;
                } catch (IOException e) {
                    // not yet
                }
            }
            Thread.sleep(100);
        }
        pp.close();
        throw new IOException(name + " did not start listening: " + pp.logText());
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as a service manager would send. */
    public void terminate() {
        process.destroy();
    }

    /** Sends a signal to this process by its pid (STOP, CONT, KILL, ...). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (kill.waitFor() != 0) throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }

    public boolean waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
