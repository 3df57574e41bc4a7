package pong.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** A value that goes up and down, set by its owner or read from a supplier at scrape time. */
public final class Gauge extends Metric<Gauge.Child> {
    private final DoubleSupplier sampled;

    Gauge(String name, String help, List<String> labelNames, int maxSeries, DoubleSupplier sampled) {
        super(name, help, labelNames, maxSeries);
        this.sampled = sampled;
    }

    /** One label set's value. Threading: any thread. */
    public static final class Child {
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));

        public void set(double v) {
            bits.set(Double.doubleToLongBits(v));
        }

        public void add(double d) {
            long old;
            do {
                old = bits.get();
            } while (!bits.compareAndSet(old, Double.doubleToLongBits(Double.longBitsToDouble(old) + d)));
        }

        public double get() {
            return Double.longBitsToDouble(bits.get());
        }
    }

    @Override
    Child newChild() {
        return new Child();
    }

    @Override
    String type() {
        return "gauge";
    }

    public void set(double v) {
        only().set(v);
    }

    public void add(double d) {
        only().add(d);
    }

    /** The value of a family without labels (for a sampled gauge: what its supplier says now). */
    public double get() {
        return sampled != null ? sampled.getAsDouble() : only().get();
    }

    boolean isSampled() {
        return sampled != null;
    }
}
