package pong.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import pong.testing.PrometheusTools;

class TextFormatTest {

    /** A registry with one of each kind, labels needing every escape, and a sampled counter and gauge. */
    static Registry everyKind() {
        Registry r = new Registry();
        Counter c = r.counter("demo_requests_total", "Requests, with a backslash \\ and a\nnewline in the help.", "path", "code");
        c.labels("/a\"b\\c\nd", "200").inc(3);
        c.labels("/", "").inc();
        r.counter("demo_sampled_total", "A counter kept elsewhere.", () -> 42);
        Gauge g = r.gauge("demo_temperature_celsius", "A gauge set by its owner.", "room");
        g.labels("kitchen").set(21.5);
        g.labels("cellar").add(-3.25);
        r.gauge("demo_queue_length", "A gauge read at scrape time.", () -> 7);
        Histogram h = r.histogram("demo_latency_seconds", "A histogram.", new double[] {0.0005, 0.01, 1}, "op");
        h.labels("read").observe(0.0001);
        h.labels("read").observe(0.005);
        h.labels("read").observe(2);
        r.histogram("demo_size_bytes", "A histogram without labels.", new double[] {1024, 65536});
        return r;
    }

    @Test
    void countersGaugesAndHistogramsAreWrittenInTheTextFormatWithEveryEscape() {
        String s = everyKind().scrape();
        assertTrue(s.contains("# HELP demo_requests_total Requests, with a backslash \\\\ and a\\nnewline in the help.\n"), s);
        assertTrue(s.contains("# TYPE demo_requests_total counter\n"), s);
        assertTrue(s.contains("demo_requests_total{path=\"/a\\\"b\\\\c\\nd\",code=\"200\"} 3\n"), s);
        assertTrue(s.contains("demo_requests_total{path=\"/\"} 1\n"), "an empty label value is left out: " + s);
        assertTrue(s.contains("demo_sampled_total 42\n"), s);
        assertTrue(s.contains("demo_temperature_celsius{room=\"kitchen\"} 21.5\n"), s);
        assertTrue(s.contains("demo_temperature_celsius{room=\"cellar\"} -3.25\n"), s);
        assertTrue(s.contains("# TYPE demo_latency_seconds histogram\n"), s);
        assertTrue(s.contains("demo_latency_seconds_bucket{op=\"read\",le=\"0.0005\"} 1\n"), s);
        assertTrue(s.contains("demo_latency_seconds_bucket{op=\"read\",le=\"0.01\"} 2\n"), s);
        assertTrue(s.contains("demo_latency_seconds_bucket{op=\"read\",le=\"1\"} 2\n"), s);
        assertTrue(s.contains("demo_latency_seconds_bucket{op=\"read\",le=\"+Inf\"} 3\n"), s);
        assertTrue(s.contains("demo_latency_seconds_sum{op=\"read\"} 2.0051\n"), s);
        assertTrue(s.contains("demo_latency_seconds_count{op=\"read\"} 3\n"), s);
        assertTrue(s.contains("demo_size_bytes_bucket{le=\"+Inf\"} 0\ndemo_size_bytes_sum 0\ndemo_size_bytes_count 0\n"),
                "a family without labels shows its series from the start: " + s);
    }

    @Test
    void promtoolAcceptsARegistryWithEveryMetricKind() throws Exception {
        PrometheusTools.Result r = PrometheusTools.checkMetrics(everyKind().scrape());
        assertEquals(0, r.exit(), "promtool check metrics:\n" + r.output());
        assertEquals("", r.output().trim(), "promtool found lint problems");
    }

    @Test
    void labelSetsPastTheCapAreCountedUnderOther() {
        Registry r = new Registry();
        Counter c = r.counter("demo_clients_total", "Per client.", 3, "client");
        for (int i = 0; i < 10; i++) c.labels("client" + i).inc();
        String s = r.scrape();
        assertTrue(s.contains("demo_clients_total{client=\"client0\"} 1\n"), s);
        assertTrue(s.contains("demo_clients_total{client=\"client1\"} 1\n"), s);
        assertTrue(s.contains("demo_clients_total{client=\"other\"} 8\n"), s);
        assertEquals(3, s.lines().filter(l -> l.startsWith("demo_clients_total{")).count(), s);
    }

    @Test
    void namesThatBreakTheConventionsAreRefusedAtRegistration() {
        Registry r = new Registry();
        assertThrows(IllegalArgumentException.class, () -> r.counter("demo_requests", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("demo-bad_total", "bad character"));
        assertThrows(IllegalArgumentException.class, () -> r.gauge("demo_g", "reserved label", "__name"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("demo_h", "le is reserved", new double[] {1}, "le"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("demo_h", "unsorted", new double[] {2, 1}));
        r.histogram("demo_x", "taken", new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> r.gauge("demo_x_count", "clashes with a histogram series"));
        assertThrows(IllegalArgumentException.class, () -> r.gauge("demo_x", "twice"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("demo_c_total", "down", "l").labels("a").inc(-1));
    }
}
