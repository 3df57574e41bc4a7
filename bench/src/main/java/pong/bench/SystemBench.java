package pong.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./run.sh bench system [options]}: the whole-system bench. Starts a {@link BenchOrigin}
 * process, then runs every workload through each column ({@code direct}, {@code pong}, {@code ssh -D})
 * in turn, restarting the proxy's processes per workload so their peak RSS is per workload, and prints
 * one Markdown table with ratios to direct, which it also saves (default bench/RESULTS.md, or
 * bench/RESULTS-quick.md with --quick).
 *
 * <p>The floor columns ({@link RelayChain}: two bare TLS relay processes on virtual or platform threads)
 * run the data-path workloads and open, to show what any two-process relay gets on this machine.
 *
 * <p>bulk1 and upload first measure the first {@code freshBytes} of the freshly started proxy ("fresh"), then
 * warm up as every workload does and measure the warm rate. Every column gets the same warm-up, and the
 * floor relays pong's JVM options.
 *
 * <p>Options: {@code --quick} (small sizes, a smoke run), {@code --only direct,pong,pong-aot,pong-t2,pong-wss,pong-h2,pong-grpc,ssh,floor-vt,floor-pt}
 * (pong-t2: tls with tunnels=2; pong-aot: tls with the JDK's AOT cache, Java 24+), {@code --aot-seconds N}
 * (pong-aot's training time, default 30, quick 10),
 * {@code --workloads bulk1,bulk16,upload,rr,open,fanout,fanout-default,hol}, {@code --out FILE}, {@code --root DIR}
 * (the project, for target/pong.jar; default "."), {@code --skip-ssh REASON}, {@code --command TEXT}
 * (recorded as the command), {@code --note TEXT} (recorded with the table), {@code --keep} (keep the temp
 * folder with logs, configs and keys; it is kept anyway when something failed).
 */
public final class SystemBench {
    private static final List<String> ALL_WORKLOADS = List.of("bulk1", "bulk16", "upload", "rr", "open", "fanout", "fanout-default", "hol");

    /** What one workload gave through one column: metrics, or why it failed; and peak RSS, in all and per process. */
    record Outcome(Map<String, Double> metrics, String failure, long rssKib, double seconds, List<String> notes, long[] rssPartsKib) {
    }

    private SystemBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        boolean quick = opt.containsKey("quick");
        Workloads.Sizes sizes = quick ? Workloads.Sizes.quick() : Workloads.Sizes.full();
        Path root = Path.of(opt.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path out = Path.of(opt.getOrDefault("out", root.resolve(quick ? "bench/RESULTS-quick.md" : "bench/RESULTS.md").toString()));
        List<String> only = List.of(opt.getOrDefault("only", "direct,pong,pong-aot,ssh,floor-vt,floor-pt").split(","));
        List<String> workloads = List.of(opt.getOrDefault("workloads", String.join(",", ALL_WORKLOADS)).split(","));
        for (String w : workloads) {
            if (!ALL_WORKLOADS.contains(w)) throw new IllegalArgumentException("unknown workload " + w + "; known: " + ALL_WORKLOADS);
        }
        Path tmp = Files.createTempDirectory("pong-system-bench");
        List<String> notes = new ArrayList<>();
        List<ProxyUnderTest> columns = new ArrayList<>();
        if (only.contains("direct")) columns.add(new DirectPath());
        // every transport with one tunnel, and tls with two ("pong-t2")
        List<Map.Entry<String, Integer>> pongColumns = new ArrayList<>();
        for (String scheme : PongProcesses.SCHEMES) pongColumns.add(Map.entry(scheme, 1));
        pongColumns.add(Map.entry("tls", 2));
        for (Map.Entry<String, Integer> c : pongColumns) {
            String scheme = c.getKey();
            int tunnels = c.getValue();
            String name = PongProcesses.columnName(scheme) + (tunnels > 1 ? "-t" + tunnels : "");
            if (!only.contains(name)) continue;
            Path jar = root.resolve("target/pong.jar");
            if (PongProcesses.exists(jar)) {
                PongProcesses pong = new PongProcesses(jar, Files.createDirectories(tmp.resolve(name)), scheme, tunnels);
                columns.add(pong);
                if (!pong.javaOpts().isEmpty() && notes.stream().noneMatch(n -> n.startsWith("pong JVM options"))) {
                    notes.add("pong JVM options (PONG_JAVA_OPTS): " + String.join(" ", pong.javaOpts()));
                }
            } else {
                notes.add(name + " column skipped: " + jar + " is missing (build it with ./run.sh build)");
            }
        }
        if (only.contains("pong-aot")) {
            Path jar = root.resolve("target/pong.jar");
            String why = PongProcesses.exists(jar) ? AotCache.unavailable() : jar + " is missing (build it with ./run.sh build)";
            if (why == null) {
                int seconds = Integer.parseInt(opt.getOrDefault("aot-seconds", quick ? "10" : "30"));
                System.out.println("system bench: making the AOT cache for pong-aot (pong.jar aot, " + seconds + " s of training) ...");
                try {
                    Path dir = Files.createDirectories(tmp.resolve("pong-aot"));
                    Path cache = AotCache.make(jar, dir, seconds);
                    columns.add(new PongProcesses(jar, dir, "tls", 1, "pong-aot", List.of("-XX:AOTCache=" + cache)));
                    notes.add(String.format(Locale.ROOT, "pong-aot: pong (tls) with the JDK's AOT cache (%.0f MiB), made by `pong.jar aot` with pong's"
                            + " JVM options and %d s of training before the run", Files.size(cache) / 1048576.0, seconds));
                } catch (IOException e) {
                    why = e.getMessage();
                }
            }
            if (why != null) notes.add("pong-aot column skipped: " + why);
        }
        if (only.contains("ssh")) {
            String why = opt.containsKey("skip-ssh") ? opt.get("skip-ssh") : SshDynamic.unavailable();
            if (why == null) {
                try {
                    columns.add(SshDynamic.prepare(Files.createDirectories(tmp.resolve("ssh"))));
                } catch (IOException e) {
                    why = "could not start sshd: " + e.getMessage();
                }
            }
            if (why != null) notes.add("ssh -D column skipped: " + why);
        }
        Process origin = startOrigin(tmp);
        int originPort;
        try {
            originPort = originPort(origin);
        } catch (IOException e) {
            Processes.stop(origin);
            throw e;
        }
        for (String threads : List.of("vt", "pt")) {
            if (only.contains("floor-" + threads)) columns.add(new RelayChain(threads, Files.createDirectories(tmp.resolve("floor-" + threads)), originPort));
        }
        notes.forEach(n -> System.out.println("system bench: " + n));
        System.out.println("system bench: " + (quick ? "quick sizes" : "full sizes") + ", columns " + columns.stream().map(ProxyUnderTest::name).toList()
                + ", work folder " + tmp);

        Map<String, Map<String, Outcome>> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        try {
            for (String w : workloads) {
                Map<String, Outcome> row = new LinkedHashMap<>();
                results.put(w, row);
                for (ProxyUnderTest p : columns) {
                    if (!p.supports(w)) continue;
                    System.out.printf(Locale.ROOT, "system bench: %-7s via %-7s ... ", w, p.name());
                    System.out.flush();
                    Outcome o = runOne(w, p, new Workloads(p, originPort, sizes));
                    row.put(p.name(), o);
                    System.out.println(o.failure() != null ? "FAILED: " + o.failure()
                            : String.format(Locale.ROOT, "%.1f s %s", o.seconds(), o.metrics()));
                    for (String n : o.notes()) {
                        System.out.println("system bench:   " + n);
                        notes.add(w + " via " + p.name() + ": " + n);
                    }
                }
            }
        } finally {
            for (ProxyUnderTest p : columns) p.close();
            origin.getOutputStream().close();
            Processes.stop(origin);
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String table = ResultTable.markdown(results, columns.stream().map(ProxyUnderTest::name).toList(), sizes);
        System.out.println();
        System.out.println(table);
        String command = opt.getOrDefault("command", "java -cp bench/target/benchmarks.jar pong.bench.SystemBench " + String.join(" ", args));
        Files.writeString(out, report(table, command, quick, notes, opt.get("note"), minutes));
        System.out.println("system bench: saved " + out + String.format(Locale.ROOT, " (%.1f min)", minutes));
        boolean failed = results.values().stream().flatMap(r -> r.values().stream()).anyMatch(o -> o.failure() != null);
        if (opt.containsKey("keep") || failed) {
            System.out.println("system bench: logs, configs and keys kept in " + tmp);
        } else {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static Outcome runOne(String workload, ProxyUnderTest p, Workloads w) throws InterruptedException {
        long t0 = System.nanoTime();
        Map<String, Double> metrics = Map.of();
        String failure = null;
        long rss = -1;
        long[] rssParts = new long[0];
        try {
            p.workload(workload);
            p.start();
            try {
                // the first bytes of a freshly started proxy, before any warm-up: what a just (re)started service gives
                Double fresh = switch (workload) {
                    case "bulk1" -> w.download(1, w.sizes().freshBytes()).get("MB/s");
                    case "upload" -> w.upload(w.sizes().freshBytes()).get("MB/s");
                    default -> null;
                };
                w.warmUp();
                metrics = switch (workload) {
                    case "bulk1" -> w.download(1, w.sizes().bulk1());
                    case "bulk16" -> w.download(w.sizes().bulk16Streams(), w.sizes().bulk16Each());
                    case "upload" -> w.upload(w.sizes().upload());
                    case "rr" -> w.requestResponse();
                    case "open" -> w.opens();
                    case "fanout" -> w.fanout();
                    case "fanout-default" -> w.burst();
                    case "hol" -> w.headOfLine();
                    default -> throw new IllegalArgumentException(workload);
                };
                if (fresh != null) {
                    metrics = new LinkedHashMap<>(metrics);
                    metrics.put("fresh MB/s", fresh);
                }
            } catch (PartialResult e) {
                metrics = e.metrics();
                failure = e.getMessage();
            } catch (Exception e) {
                failure = e.toString();
            }
            rss = p.peakRssKib();
            rssParts = p.peakRssPartsKib();
        } catch (IOException e) {
            failure = "could not start: " + e.getMessage();
        } finally {
            p.stop();
        }
        return new Outcome(metrics, failure, rss, (System.nanoTime() - t0) / 1e9, List.copyOf(w.notes()), rssParts);
    }

    private static Process startOrigin(Path tmp) throws IOException {
        Path log = tmp.resolve("origin.log");
        return Processes.track(new ProcessBuilder(Processes.java(), "-cp", System.getProperty("java.class.path"), BenchOrigin.class.getName())
                .redirectError(log.toFile())
                .start());
    }

    private static int originPort(Process origin) throws IOException, InterruptedException {
        BufferedReader r = new BufferedReader(new InputStreamReader(origin.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("port ")) {
            origin.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the origin process did not report its port (got " + line + ")");
        }
        return Integer.parseInt(line.substring(5).trim());
    }

    private static String report(String table, String command, boolean quick, List<String> notes, String note, double minutes) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# pong system bench results\n\n");
        b.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        b.append("- machine: ").append(Machine.describe()).append('\n');
        b.append("- command: `").append(command).append("`").append(quick ? " (quick sizes: a smoke run, not the targets' sizes)" : "").append('\n');
        b.append(String.format(Locale.ROOT, "- duration: %.1f min%n", minutes));
        for (String n : notes) b.append("- ").append(n).append('\n');
        if (note != null) b.append("- note: ").append(note).append('\n');
        b.append('\n').append(table).append('\n').append(ResultTable.LEGEND);
        return b.toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
            String key = a.substring(2);
            if (key.contains("=")) {
                m.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (key.equals("quick") || key.equals("keep")) {
                m.put(key, "");
            } else if (i + 1 < args.length) {
                m.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return m;
    }
}
