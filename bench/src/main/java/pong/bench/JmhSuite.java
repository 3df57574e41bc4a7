package pong.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * {@code ./run.sh bench}: runs the JMH suite with settings short enough for a few minutes (1 fork,
 * 2 x 1 s warm-up, 3 x 1 s measurement; {@code --quick}: 1 + 2 iterations) and prints a short table
 * with the derived rates (bytes/s, MB/s). Any other argument is a regular expression choosing the
 * benchmarks. For JMH's own options use {@code ./run.sh bench jmh ...}.
 */
public final class JmhSuite {
    private JmhSuite() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = false;
        List<String> includes = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else includes.add(a);
        }
        if (includes.isEmpty()) includes = List.of(FrameCodecBench.class.getSimpleName(), "TunnelWriterBench", "TunnelPathBench", EndToEndBench.class.getSimpleName());
        ChainedOptionsBuilder b = new OptionsBuilder()
                .forks(1)
                .warmupIterations(quick ? 1 : 2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(forkJvmArgs())
                .addProfiler(GCProfiler.class) // bytes allocated per op, for the table's alloc column
                .shouldFailOnError(true);
        for (String inc : includes) b.include(inc);
        List<RunResult> results = new ArrayList<>(new Runner(b.build()).run());
        results.sort(Comparator.comparing((RunResult r) -> r.getParams().getBenchmark())); // stable: params stay in run order
        System.out.println();
        System.out.println(table(results));
    }

    private static String[] forkJvmArgs() {
        // JMH 1.37 calls sun.misc.Unsafe, which JDK 24+ warns about in every fork unless allowed.
        if (Runtime.version().feature() >= 24) return new String[] {"-Xmx2g", "--sun-misc-unsafe-memory-access=allow"};
        return new String[] {"-Xmx2g"};
    }

    static String table(Collection<RunResult> results) {
        StringBuilder t = new StringBuilder();
        t.append("| benchmark | params | score | unit | derived | alloc B/op |\n|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            List<String> params = new ArrayList<>();
            for (String k : r.getParams().getParamsKeys()) params.add(k + "=" + r.getParams().getParam(k));
            Result<?> p = r.getPrimaryResult();
            String score = Double.isNaN(p.getScoreError()) ? String.format(Locale.ROOT, "%.1f", p.getScore())
                    : String.format(Locale.ROOT, "%.1f ± %.1f", p.getScore(), p.getScoreError());
            t.append("| ").append(bench).append(" | ").append(String.join(" ", params)).append(" | ").append(score)
                    .append(" | ").append(p.getScoreUnit()).append(" | ").append(derived(bench, r)).append(" | ").append(allocated(r)).append(" |\n");
        }
        return t.toString();
    }

    /** JMH's gc.alloc.rate.norm: bytes the whole JVM allocated per operation (all threads), or blank without the profiler. */
    private static String allocated(RunResult r) {
        Result<?> norm = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return norm == null ? "" : String.format(Locale.ROOT, "%.0f", norm.getScore());
    }

    /** The number the brief asks for when it is not JMH's score itself. */
    private static String derived(String bench, RunResult r) {
        Result<?> p = r.getPrimaryResult();
        if (bench.startsWith("TunnelWriterBench") || bench.startsWith("TunnelPathBench")) {
            int payload = Integer.parseInt(r.getParams().getParam("payload"));
            return String.format(Locale.ROOT, "%.0f MB/s", p.getScore() * (payload + 7) / 1e6);
        }
        if (bench.endsWith("bulk1") || bench.endsWith("bulk16")) {
            return String.format(Locale.ROOT, "%.0f MB/s", EndToEndBench.BULK_BYTES / 1e6 / (p.getScore() / 1000));
        }
        if (bench.endsWith("openToFirstByte")) {
            Statistics s = p.getStatistics();
            return String.format(Locale.ROOT, "p50 %.0f us, p99 %.0f us", s.getPercentile(50), s.getPercentile(99));
        }
        return "";
    }
}
