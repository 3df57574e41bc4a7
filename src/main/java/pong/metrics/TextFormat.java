package pong.metrics;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format, version 0.0.4: per family a {@code # HELP} and a
 * {@code # TYPE} line, then one line per series; histograms as cumulative {@code _bucket} series with
 * an {@code le} label (the last {@code +Inf}), {@code _sum} and {@code _count}. Help text escapes
 * backslash and newline; label values escape backslash, double quote and newline. Labels with an
 * empty value are left out (Prometheus treats both alike). No timestamps: the scrape time applies.
 */
public final class TextFormat {
    /** The Content-Type of a scrape. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextFormat() {
    }

    static String render(List<Metric<?>> families) {
        StringBuilder b = new StringBuilder(4096);
        for (Metric<?> m : families) {
            b.append("# HELP ").append(m.name).append(' ').append(escapeHelp(m.help)).append('\n');
            b.append("# TYPE ").append(m.name).append(' ').append(m.type()).append('\n');
            switch (m) {
                case Counter c when c.isSampled() -> sample(b, m.name, m.labelNames, List.of(), null, null, number(c.get()));
                case Gauge g when g.isSampled() -> sample(b, m.name, m.labelNames, List.of(), null, null, number(g.get()));
                case Counter c -> {
                    for (Map.Entry<List<String>, Counter.Child> e : c.series()) {
                        sample(b, m.name, m.labelNames, e.getKey(), null, null, number(e.getValue().get()));
                    }
                }
                case Gauge g -> {
                    for (Map.Entry<List<String>, Gauge.Child> e : g.series()) {
                        sample(b, m.name, m.labelNames, e.getKey(), null, null, number(e.getValue().get()));
                    }
                }
                case Histogram h -> {
                    for (Map.Entry<List<String>, Histogram.Child> e : h.series()) {
                        long[] cumulative = e.getValue().cumulative();
                        for (int i = 0; i < cumulative.length; i++) {
                            String le = i < h.bounds.length ? number(h.bounds[i]) : "+Inf";
                            sample(b, m.name + "_bucket", m.labelNames, e.getKey(), "le", le, Long.toString(cumulative[i]));
                        }
                        sample(b, m.name + "_sum", m.labelNames, e.getKey(), null, null, number(e.getValue().sum()));
                        sample(b, m.name + "_count", m.labelNames, e.getKey(), null, null,
                                Long.toString(cumulative[cumulative.length - 1]));
                    }
                }
            }
        }
        return b.toString();
    }

    private static void sample(StringBuilder b, String name, List<String> labelNames, List<String> values,
                               String extraName, String extraValue, String value) {
        b.append(name);
        boolean open = false;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isEmpty()) continue;
            b.append(open ? ',' : '{');
            open = true;
            b.append(labelNames.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
        }
        if (extraName != null) {
            b.append(open ? ',' : '{');
            open = true;
            b.append(extraName).append("=\"").append(extraValue).append('"');
        }
        if (open) b.append('}');
        b.append(' ').append(value).append('\n');
    }

    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Whole numbers without a fraction, the rest in plain decimal (0.0005, not 5.0E-4), and NaN/+Inf/-Inf. */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
