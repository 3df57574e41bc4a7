package pong.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One metric family: a name, a help text, its label names, and one child per label set seen so far.
 * The number of label sets is capped ({@link #maxSeries}): past the cap, new label sets are counted
 * in one shared child whose every label is {@link #OVERFLOW}, so a flood of distinct values (client
 * ids, codes) cannot grow memory or the scrape without bound.
 *
 * <p>Threading: {@link #labels} from any thread, lock-free once a label set exists.
 *
 * @param <C> the child type: what one label set counts with
 */
public abstract sealed class Metric<C> permits Counter, Gauge, Histogram {
    /** The label value that stands for every label set past the cap. */
    public static final String OVERFLOW = "other";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    final String name;
    final String help;
    final List<String> labelNames;
    private final int maxSeries;
    private final Map<List<String>, C> children = new ConcurrentHashMap<>();
    private final List<String> overflowKey;

    Metric(String name, String help, List<String> labelNames, int maxSeries) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad metric name '" + name + "'");
        for (String l : labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__")) throw new IllegalArgumentException("bad label name '" + l + "' in " + name);
        }
        if (maxSeries < 1) throw new IllegalArgumentException("maxSeries must be at least 1");
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
        this.maxSeries = maxSeries;
        this.overflowKey = Collections.nCopies(labelNames.size(), OVERFLOW);
    }

    abstract C newChild();

    /** "counter", "gauge" or "histogram": the TYPE line's word. */
    abstract String type();

    /** The child for these label values (one per label name, in order). */
    public C labels(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label values, not " + values.length);
        }
        List<String> key = Arrays.asList(values.clone());
        C c = children.get(key);
        if (c != null) return c;
        synchronized (this) {
            c = children.get(key);
            if (c != null) return c;
            if (children.size() >= maxSeries - 1 && !key.equals(overflowKey)) {
                // the last slot is kept for the overflow child
                return children.computeIfAbsent(overflowKey, k -> newChild());
            }
            c = newChild();
            children.put(List.copyOf(key), c);
            return c;
        }
    }

    /** The children with their label values, sorted by them so that scrapes are stable. */
    List<Map.Entry<List<String>, C>> series() {
        if (labelNames.isEmpty()) only(); // a family without labels always shows its one series, 0 at first
        List<Map.Entry<List<String>, C>> out = new ArrayList<>(children.entrySet());
        out.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
        return out;
    }

    /** The child of a family without labels. */
    C only() {
        return labels();
    }
}
