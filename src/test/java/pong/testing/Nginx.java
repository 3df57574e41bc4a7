package pong.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real nginx (Debian's package) in the foreground for tests: its own prefix folder holding the
 * config, pid, logs and every temp path; one TLS server block on a free loopback port with the test
 * certificate. Stopped by pid. Fails clearly (never skips) when nginx is not installed.
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts nginx with this {@code server} block body ({@code PORT}, {@code CERT} and {@code KEY} are
     * replaced) inside a minimal http block, and waits until it accepts connections.
     */
    public static Nginx start(String serverBody) throws Exception {
        return start(serverBody, false);
    }

    /** Like {@link #start(String)}, with HTTP/2 offered on the TLS listener (ALPN h2), as gRPC proxying needs. */
    public static Nginx startHttp2(String serverBody) throws Exception {
        return start(serverBody, true);
    }

    private static Nginx start(String serverBody, boolean http2) throws Exception {
        assertTrue(Files.isExecutable(BINARY), "nginx is not installed (" + BINARY + "): apt-get install nginx");
        Path dir = Files.createTempDirectory("pong-nginx");
        int port = PongJar.freePort();
        String conf = """
                master_process off;
                worker_processes 1;
                pid DIR/nginx.pid;
                error_log DIR/error.log info;
                events { worker_connections 1024; }
                http {
                    access_log DIR/access.log;
                    client_body_temp_path DIR/client_body_temp;
                    proxy_temp_path DIR/proxy_temp;
                    fastcgi_temp_path DIR/fastcgi_temp;
                    uwsgi_temp_path DIR/uwsgi_temp;
                    scgi_temp_path DIR/scgi_temp;
                    server {
                        listen 127.0.0.1:PORT ssl HTTP2;
                        ssl_certificate CERT;
                        ssl_certificate_key KEY;
                        ssl_protocols TLSv1.2 TLSv1.3;
                BODY
                    }
                }
                """.replace(" HTTP2", http2 ? " http2" : "").replace("BODY", serverBody).replace("DIR", dir.toString()).replace("PORT", String.valueOf(port))
                .replace("CERT", TestPki.certPem().toString()).replace("KEY", TestPki.keyPem().toString());
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", file.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(p, port, dir);
        Daemons.awaitListening(p, port, "nginx", () -> Files.readString(dir.resolve("stdout.log")) + nginx.errorLog());
        return nginx;
    }

    public int port() {
        return port;
    }

    public String errorLog() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        Daemons.stop(process); // SIGTERM: nginx's fast shutdown
    }
}
