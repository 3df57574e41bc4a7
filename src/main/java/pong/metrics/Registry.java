package pong.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The metric families of one half, in registration order. Names are unique; a family is registered
 * once, at start-up, and counted into from then on. {@link #scrape} renders them all in the
 * Prometheus text format ({@link TextFormat}).
 *
 * <p>Threading: registration and scrapes from any thread (synchronized); counting is lock-free.
 */
public final class Registry {
    /** Label sets per family unless a family asks for another cap. */
    public static final int DEFAULT_MAX_SERIES = 200;

    private final Map<String, Metric<?>> families = new LinkedHashMap<>();

    public Counter counter(String name, String help, String... labelNames) {
        return add(new Counter(name, help, List.of(labelNames), DEFAULT_MAX_SERIES, null));
    }

    public Counter counter(String name, String help, int maxSeries, String... labelNames) {
        return add(new Counter(name, help, List.of(labelNames), maxSeries, null));
    }

    /** A counter kept by someone else, read at scrape time (it must never go down). */
    public Counter counter(String name, String help, LongSupplier value) {
        return add(new Counter(name, help, List.of(), 1, value));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return add(new Gauge(name, help, List.of(labelNames), DEFAULT_MAX_SERIES, null));
    }

    /** A gauge read from {@code value} at scrape time. */
    public Gauge gauge(String name, String help, DoubleSupplier value) {
        return add(new Gauge(name, help, List.of(), 1, value));
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return add(new Histogram(name, help, buckets, List.of(labelNames), DEFAULT_MAX_SERIES));
    }

    private synchronized <M extends Metric<?>> M add(M m) {
        for (String existing : families.keySet()) {
            if (existing.equals(m.name) || clashes(existing, families.get(existing), m.name)
                    || clashes(m.name, m, existing)) {
                throw new IllegalArgumentException("metric " + m.name + " clashes with " + existing);
            }
        }
        families.put(m.name, m);
        return m;
    }

    /** A histogram's series names (_bucket, _sum, _count) are taken too. */
    private static boolean clashes(String name, Metric<?> m, String other) {
        return m instanceof Histogram && (other.equals(name + "_bucket") || other.equals(name + "_sum") || other.equals(name + "_count"));
    }

    synchronized List<Metric<?>> families() {
        return new ArrayList<>(families.values());
    }

    /** Every family in the text exposition format, version 0.0.4. */
    public String scrape() {
        return TextFormat.render(families());
    }
}
