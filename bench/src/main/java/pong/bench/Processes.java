package pong.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Starting, waiting for and stopping the child processes of the system bench (each by its own handle). */
final class Processes {
    /** Children still running, ended by a shutdown hook if the bench itself is stopped (Ctrl-C). */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "bench children"));
    }

    private Processes() {
    }

    /** Starts a command with stdout and stderr appended to the log file and stdin from /dev/null. */
    static Process start(List<String> command, Path log) throws IOException {
        return track(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start());
    }

    static Process track(Process p) {
        LIVE.add(p);
        return p;
    }

    /** Waits until 127.0.0.1:port accepts a connection; fails if the process dies or 20 s pass. */
    static void awaitPort(Process p, int port, String what, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException(what + " exited with code " + p.exitValue() + " (log: " + log + ")");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException(what + " did not listen on 127.0.0.1:" + port + " within 20 s (log: " + log + ")");
    }

    /** SIGTERM, up to 10 s grace, then SIGKILL; only this process. */
    static void stop(Process p) throws InterruptedException {
        if (p == null) return;
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        LIVE.remove(p);
    }

    /** A loopback port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The JVM options of pong's processes, from PONG_JAVA_OPTS (split on whitespace; run.sh sets the
     * recommended ones when it is unset), and of the floor relays too: a floor is only fair with pong's heap
     * cap and collector.
     */
    static List<String> pongJavaOptions() {
        String opts = System.getenv().getOrDefault("PONG_JAVA_OPTS", "").trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    /** The java binary running this bench, for child JVMs. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
