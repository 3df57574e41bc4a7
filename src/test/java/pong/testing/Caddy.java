package pong.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Caddy (Debian's package) in the foreground for tests: a Caddyfile with {@code admin off}, no
 * automatic HTTPS, and HOME, XDG folders and storage in its own temp folder; one TLS site on a free
 * loopback port with the test certificate. Stopped by pid. Fails clearly (never skips) when Caddy is not
 * installed.
 */
public final class Caddy implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/caddy");

    private final Process process;
    private final int port;
    private final Path dir;

    private Caddy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts Caddy with this site block body ({@code PORT}, {@code CERT} and {@code KEY} are replaced) for
     * {@code https://127.0.0.1:PORT}, and waits until it accepts connections.
     */
    public static Caddy start(String siteBody) throws Exception {
        assertTrue(Files.isExecutable(BINARY), "caddy is not installed (" + BINARY + "): apt-get install caddy");
        Path dir = Files.createTempDirectory("pong-caddy");
        int port = PongJar.freePort();
        String conf = """
                {
                	admin off
                	auto_https off
                	storage file_system DIR/storage
                }
                https://127.0.0.1:PORT {
                	tls CERT KEY
                BODY
                }
                """.replace("BODY", siteBody).replace("DIR", dir.toString()).replace("PORT", String.valueOf(port))
                .replace("CERT", TestPki.certPem().toString()).replace("KEY", TestPki.keyPem().toString());
        Path file = dir.resolve("Caddyfile");
        Files.writeString(file, conf);
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "run", "--config", file.toString(), "--adapter", "caddyfile")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("caddy.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("HOME", dir.toString());
        env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Process p = pb.start();
        Caddy caddy = new Caddy(p, port, dir);
        Daemons.awaitListening(p, port, "caddy", caddy::log);
        return caddy;
    }

    public int port() {
        return port;
    }

    /** Everything Caddy logged (its log goes to stderr). */
    public String log() throws IOException {
        Path log = dir.resolve("caddy.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        Daemons.stop(process); // SIGTERM: Caddy's graceful stop
    }
}
