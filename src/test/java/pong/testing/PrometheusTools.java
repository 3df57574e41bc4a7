package pong.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's prometheus package for tests: promtool, and scrapes over HTTP. The tools are required, not
 * optional: a test that needs them fails with the package to install (.ci/run installs it).
 */
public final class PrometheusTools {
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The exit code and everything the command printed. */
    public record Result(int exit, String output) {
    }

    private PrometheusTools() {
    }

    public static void requireInstalled(Path tool) {
        assertTrue(Files.isExecutable(tool), tool + " is missing: install Debian's package 'prometheus' (apt-get install prometheus)");
    }

    /** {@code promtool check metrics} on this scrape (fed on stdin); bounded to 30 s. */
    public static Result checkMetrics(String scrape) throws IOException, InterruptedException {
        requireInstalled(PROMTOOL);
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        try (var in = p.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool did not end within 30 s");
        }
        reader.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /** GET http://127.0.0.1:PORT/PATH: the status and body. */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of every series of {@code name} (any labels) in a scrape; 0 when there is none. */
    public static double sum(String scrape, String name) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#")) continue;
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The value of one series, given as it appears in the scrape (name with its labels), or NaN. */
    public static double value(String scrape, String series) {
        for (String line : List.of(scrape.split("\n"))) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        return Double.NaN;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended
        }
    }
}
