package pong.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real HAProxy (Debian's package) in the foreground for tests: TCP mode in front of a list of
 * loopback servers, with its config in its own temp folder. Stopped by pid. Fails clearly (never
 * skips) when haproxy is not installed.
 */
public final class Haproxy implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final int port;
    private final Path dir;

    private Haproxy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * The config docs/deploy/haproxy.md recommends (mode tcp, leastconn, TLS health checks, long
     * timeouts, redispatch), with check intervals short enough for a test.
     */
    public static String config(int port, List<Integer> servers) {
        StringBuilder b = new StringBuilder("""
                global
                    maxconn 4096
                    log stdout format raw local0 info
                defaults
                    mode tcp
                    log global
                    option tcplog
                    timeout connect 2s
                    timeout client 1h
                    timeout server 1h
                    timeout check 1s
                    retries 3
                    option redispatch
                frontend pong
                    bind 127.0.0.1:PORT
                    default_backend remotes
                backend remotes
                    balance leastconn
                    default-server check check-ssl verify none inter 500ms fall 2 rise 2
                """.replace("PORT", String.valueOf(port)));
        for (int i = 0; i < servers.size(); i++) b.append("    server r").append(i + 1).append(" 127.0.0.1:").append(servers.get(i)).append('\n');
        return b.toString();
    }

    /** Starts haproxy in the foreground in front of these loopback ports and waits until it accepts connections. */
    public static Haproxy start(List<Integer> servers) throws Exception {
        assertTrue(Files.isExecutable(BINARY), "haproxy is not installed (" + BINARY + "): apt-get install haproxy");
        Path dir = Files.createTempDirectory("pong-haproxy");
        int port = PongJar.freePort();
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config(port, servers));
        Process p = new ProcessBuilder(BINARY.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy h = new Haproxy(p, port, dir);
        Daemons.awaitListening(p, port, "haproxy", h::log);
        return h;
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    @Override
    public void close() {
        Daemons.stop(process);
    }
}
