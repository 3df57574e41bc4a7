package pong.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import pong.transport.Tls;

/**
 * An HTTP (or HTTPS, with the test certificate) destination on 127.0.0.1 for tests, on the JDK's
 * server. {@code GET /bytes/N} answers N bytes of {@link TestData#bytes} for this origin's seed with a
 * Content-Length, {@code GET /chunked/N} the same chunked, {@code POST /echo} echoes the request body.
 * The last request's headers are kept so tests can see what the proxy forwarded.
 */
public final class WebOrigin implements AutoCloseable {
    private final HttpServer server;
    private final long seed;
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();

    private WebOrigin(HttpServer server, long seed) {
        this.server = server;
        this.seed = seed;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public static WebOrigin http(long seed) throws IOException {
        return new WebOrigin(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), seed);
    }

    public static WebOrigin https(long seed) throws Exception {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setHttpsConfigurator(new HttpsConfigurator(Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray())));
        return new WebOrigin(s, seed);
    }

    /** The body {@code /bytes/n} and {@code /chunked/n} answer. */
    public byte[] body(int n) {
        return TestData.bytes(seed, n);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Headers lastHeaders() {
        return lastHeaders.get();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            lastHeaders.set(x.getRequestHeaders());
            String[] path = x.getRequestURI().getPath().split("/");
            byte[] body;
            boolean chunked = false;
            if (x.getRequestMethod().equals("POST") && path.length == 2 && path[1].equals("echo")) {
                body = x.getRequestBody().readAllBytes();
            } else if (path.length == 3 && (path[1].equals("bytes") || path[1].equals("chunked"))) {
                body = body(Integer.parseInt(path[2]));
                chunked = path[1].equals("chunked");
            } else {
                x.sendResponseHeaders(404, -1);
                return;
            }
            x.getResponseHeaders().set("Content-Type", "application/octet-stream");
            x.sendResponseHeaders(200, chunked ? 0 : body.length == 0 ? -1 : body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
