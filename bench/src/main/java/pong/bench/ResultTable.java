package pong.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the system bench's outcomes into one Markdown table with ratios to direct (and pong to ssh -D). */
final class ResultTable {
    static final String LEGEND = """
            MB/s are 10^6 bytes per second of payload, measured by the client from the connect to the last byte \
            (upload: to the origin's confirmation of the byte count). Latencies are microseconds per round trip of \
            32 bytes (open: connect through SOCKS5 + one round trip + close). Ratios are column / direct (for \
            latency, lower is better; for MB/s, higher). Head-of-line rounds are paced (one every 10 ms) and timed \
            from when each was due, so time a stream spends blocked counts in full; "done during stall" is how many \
            of them finished before the stalled client gave up (it closes when the rounds are done or at the cap). \
            Peak RSS is VmHWM from /proc: pong = local + remote processes, ssh -D = ssh + sshd's per-connection \
            processes; "per half" is each pong process on its own (local / remote); each proxy is restarted for every workload. Fresh (bulk and upload): the first bytes \
            through a just started proxy, before its warm-up, measured separately; the warm rate comes after \
            the warm-up every column gets. pong-aot is pong (tls) started with the JDK's AOT cache from \
            `pong.jar aot` (loaded classes and method profiles, no compiled code). Fanout at default settings \
            opens all its streams at once against pong's default caps; the other fanout raises them. floor-vt and floor-pt are two bare relay \
            processes in a row with TLS between them, set up as pong sets it up, copying with 64 KiB buffers on \
            virtual (vt) or platform (pt) threads, with pong's JVM options (PONG_JAVA_OPTS) and pong's warm-up: \
            no SOCKS, no frames, no multiplexing. They show what any \
            two-process TLS relay gets on this machine and JDK. For open the hop between them is plain TCP (a \
            TLS handshake per connection would be no floor); fanout and head-of-line need a multiplexer.
            """;

    private record Metric(String key, String label, String format) {
    }

    private static final Map<String, List<Metric>> METRICS = new LinkedHashMap<>();

    static {
        List<Metric> rate = List.of(new Metric("MB/s", "MB/s", "%.0f"));
        List<Metric> freshAndWarm = List.of(new Metric("MB/s", "MB/s (warm)", "%.0f"), new Metric("fresh MB/s", "fresh MB/s", "%.0f"),
                new Metric("fresh/warm", "fresh / warm", "%.2f"));
        List<Metric> lat = List.of(new Metric("p50", "p50 µs", "%.0f"), new Metric("p99", "p99 µs", "%.0f"));
        METRICS.put("bulk1", freshAndWarm);
        METRICS.put("bulk16", rate);
        METRICS.put("upload", freshAndWarm);
        METRICS.put("rr", lat);
        METRICS.put("open", lat);
        List<Metric> fan = new ArrayList<>();
        fan.add(new Metric("completed", "streams completed", "%.0f"));
        fan.addAll(lat);
        METRICS.put("fanout", fan);
        METRICS.put("fanout-default", fan);
        METRICS.put("hol", List.of(
                new Metric("alone p50", "alone p50 µs", "%.0f"),
                new Metric("alone p99", "alone p99 µs", "%.0f"),
                new Metric("stalled p50", "beside stall p50 µs", "%.0f"),
                new Metric("stalled p99", "beside stall p99 µs", "%.0f"),
                new Metric("stall/alone p99", "beside stall p99 / alone p99", "%.2f"),
                new Metric("done during stall", "rounds done during stall", "%.0f")));
    }

    private ResultTable() {
    }

    static String label(String workload, Workloads.Sizes s) {
        return switch (workload) {
            case "bulk1" -> "bulk download, 1 stream x " + size(s.bulk1()) + " (fresh: the first " + size(s.freshBytes()) + " of a new pair)";
            case "bulk16" -> "bulk download, " + s.bulk16Streams() + " streams x " + size(s.bulk16Each());
            case "upload" -> "upload, 1 stream x " + size(s.upload()) + " (fresh: the first " + size(s.freshBytes()) + " of a new pair)";
            case "rr" -> "request/response, 1 stream, " + s.roundTrips() + " x 32 B";
            case "open" -> "open: " + s.opens() + " x (connect + 1 round trip + close)";
            case "fanout" -> "fanout: " + s.fanoutStreams() + " concurrent streams x " + s.fanoutRounds() + " round trips (caps raised)";
            case "fanout-default" -> "fanout at default settings: " + s.fanoutDefaultStreams() + " streams opened at once x " + s.fanoutRounds()
                    + " round trips";
            case "hol" -> "head-of-line: " + s.holRounds() + " paced round trips, stall cap " + s.holStallMaxSeconds() + " s";
            default -> workload;
        };
    }

    static String markdown(Map<String, Map<String, SystemBench.Outcome>> results, List<String> columns, Workloads.Sizes sizes) {
        List<String> others = columns.stream().filter(c -> !c.equals("direct")).toList();
        boolean direct = columns.contains("direct");
        boolean pongVsSsh = columns.contains("pong") && columns.contains("ssh -D");
        // every other transport against tls: "pong-wss / pong", "pong-h2 / pong", ...
        List<String> vsTls = columns.contains("pong") ? others.stream().filter(c -> c.startsWith("pong-")).toList() : List.of();
        StringBuilder t = new StringBuilder("| workload | metric |");
        StringBuilder sep = new StringBuilder("|---|---|");
        if (direct) {
            t.append(" direct |");
            sep.append("---:|");
        }
        for (String c : others) {
            t.append(' ').append(c).append(" |");
            sep.append("---:|");
            if (direct) {
                t.append(' ').append(c).append(" / direct |");
                sep.append("---:|");
            }
        }
        if (pongVsSsh) {
            t.append(" pong / ssh -D |");
            sep.append("---:|");
        }
        for (String c : vsTls) {
            t.append(' ').append(c).append(" / pong |");
            sep.append("---:|");
        }
        t.append('\n').append(sep).append('\n');
        List<String> failures = new ArrayList<>();
        for (var e : results.entrySet()) {
            String w = e.getKey();
            Map<String, SystemBench.Outcome> row = e.getValue();
            row.forEach((col, o) -> {
                if (o.failure() != null) failures.add(w + " via " + col + ": " + o.failure());
            });
            List<Metric> metrics = new ArrayList<>(METRICS.get(w));
            metrics.add(new Metric("rss", "peak RSS MiB", "%.0f"));
            metrics.add(new Metric("rss halves", "peak RSS MiB per half", "%.0f"));
            boolean first = true;
            for (Metric m : metrics) {
                t.append("| ").append(first ? label(w, sizes) : "").append(" | ").append(m.label()).append(" |");
                first = false;
                Double d = value(row.get("direct"), m);
                if (direct) t.append(' ').append(cell(row.get("direct"), d, m)).append(" |");
                for (String c : others) {
                    Double v = value(row.get(c), m);
                    t.append(' ').append(cell(row.get(c), v, m)).append(" |");
                    if (direct) t.append(' ').append(ratio(v, d)).append(" |");
                }
                if (pongVsSsh) t.append(' ').append(ratio(value(row.get("pong"), m), value(row.get("ssh -D"), m))).append(" |");
                for (String c : vsTls) t.append(' ').append(ratio(value(row.get(c), m), value(row.get("pong"), m))).append(" |");
                t.append('\n');
            }
        }
        if (!failures.isEmpty()) {
            t.append("\nFailures (* marks what was measured before the failure):\n");
            for (String f : failures) t.append("- ").append(f).append('\n');
        }
        return t.toString();
    }

    private static Double value(SystemBench.Outcome o, Metric m) {
        if (o == null || m.key().equals("rss halves")) return null;
        if (m.key().equals("rss")) return o.rssKib() < 0 ? null : o.rssKib() / 1024.0;
        if (m.key().equals("fresh/warm")) {
            Double f = o.metrics().get("fresh MB/s");
            Double w = o.metrics().get("MB/s");
            return f == null || w == null || w == 0 ? null : f / w;
        }
        if (m.key().equals("stall/alone p99")) {
            Double s = o.metrics().get("stalled p99");
            Double a = o.metrics().get("alone p99");
            return s == null || a == null || a == 0 ? null : s / a;
        }
        return o.metrics().get(m.key());
    }

    private static String cell(SystemBench.Outcome o, Double v, Metric m) {
        if (o == null) return "";
        if (m.key().equals("rss halves")) return halves(o.rssPartsKib(), m);
        if (v == null || v.isNaN()) return o.failure() != null && !m.key().equals("rss") ? "FAILED" : "-";
        if (o.failure() != null && !m.key().equals("rss")) return String.format(Locale.ROOT, m.format(), v) + "*";
        return String.format(Locale.ROOT, m.format(), v);
    }

    /** Each process's peak RSS in MiB, "local / remote" for pong; "-" for a column that does not split it. */
    private static String halves(long[] kib, Metric m) {
        if (kib.length == 0) return "-";
        List<String> mib = new ArrayList<>();
        for (long k : kib) mib.add(String.format(Locale.ROOT, m.format(), k / 1024.0));
        return String.join(" / ", mib);
    }

    private static String ratio(Double a, Double b) {
        if (a == null || b == null || a.isNaN() || b.isNaN() || b == 0) return "-";
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        return (bytes >> 20) + " MiB";
    }
}
