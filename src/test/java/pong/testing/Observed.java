package pong.testing;

import pong.monitoring.Monitoring;

/** What a half reported to its observer, read from its metrics registry (what a scrape of /metrics shows). */
public final class Observed {
    private Observed() {
    }

    /** Every series of a family added up (0 when nothing was reported yet). */
    public static long sum(Monitoring m, String family) {
        return (long) PrometheusTools.sum(m.registry().scrape(), family);
    }

    /** One series, e.g. {@code pong_rejections_total{reason="tunnel_limit"}}; 0 when it does not exist yet. */
    public static long value(Monitoring m, String series) {
        double v = PrometheusTools.value(m.registry().scrape(), series);
        return Double.isNaN(v) ? 0 : (long) v;
    }
}
