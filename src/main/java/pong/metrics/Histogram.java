package pong.metrics;

import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets (upper bounds, in base units: seconds, bytes), with their
 * sum and count, as Prometheus histograms are.
 */
public final class Histogram extends Metric<Histogram.Child> {
    final double[] bounds;

    Histogram(String name, String help, double[] bounds, List<String> labelNames, int maxSeries) {
        super(name, help, labelNames, maxSeries);
        if (labelNames.contains("le")) throw new IllegalArgumentException("'le' is reserved in histogram " + name);
        if (bounds.length == 0) throw new IllegalArgumentException("histogram " + name + " needs buckets");
        for (int i = 0; i < bounds.length; i++) {
            if (Double.isNaN(bounds[i]) || Double.isInfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException("histogram " + name + ": buckets must be finite and increasing");
            }
        }
        this.bounds = bounds.clone();
    }

    /** One label set's buckets. Threading: any thread. */
    public final class Child {
        /** Not cumulative: one counter per bucket plus the last for values above every bound. */
        private final LongAdder[] counts = new LongAdder[bounds.length + 1];
        private final DoubleAdder sum = new DoubleAdder();

        Child() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        public void observe(double v) {
            int i = 0;
            while (i < bounds.length && v > bounds[i]) i++;
            counts[i].increment();
            sum.add(v);
        }

        /** Cumulative counts per bound, the last being +Inf (the count of all observations). */
        long[] cumulative() {
            long[] out = new long[counts.length];
            long running = 0;
            for (int i = 0; i < counts.length; i++) {
                running += counts[i].sum();
                out[i] = running;
            }
            return out;
        }

        double sum() {
            return sum.sum();
        }
    }

    @Override
    Child newChild() {
        return new Child();
    }

    @Override
    String type() {
        return "histogram";
    }

    public void observe(double v) {
        only().observe(v);
    }
}
