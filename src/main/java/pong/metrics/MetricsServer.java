package pong.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code GET /metrics} (and HEAD) with a scrape of the registry, on its own port; every other
 * path is 404 and every other method 405, so the port carries nothing but metrics.
 *
 * <p>Threading: the JDK's HTTP server, one virtual thread per exchange; {@link #close} from any thread.
 */
public final class MetricsServer implements AutoCloseable {
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code address} and starts serving the registry's scrapes. */
    public static MetricsServer start(InetSocketAddress address, Registry registry) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        MetricsServer m = new MetricsServer(http);
        http.createContext("/", exchange -> m.handle(exchange, registry));
        http.setExecutor(m.executor);
        http.start();
        return m;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange, Registry registry) throws IOException {
        try (exchange) {
            exchange.getRequestBody().close();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: only " + PATH + " is served here\n", true);
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", true);
                return;
            }
            reply(exchange, 200, TextFormat.CONTENT_TYPE, registry.scrape(), method.equals("GET"));
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body, boolean withBody) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, withBody ? bytes.length : -1);
        if (withBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
