package pong.metrics;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** A count that only goes up (its name ends in {@code _total}). Children: {@link Counter.Child}. */
public final class Counter extends Metric<Counter.Child> {
    private final LongSupplier sampled;

    Counter(String name, String help, List<String> labelNames, int maxSeries, LongSupplier sampled) {
        super(name, help, labelNames, maxSeries);
        if (!name.endsWith("_total")) throw new IllegalArgumentException("counter " + name + " must end in _total");
        this.sampled = sampled;
    }

    /** One label set's count. Threading: any thread. */
    public static final class Child {
        private final LongAdder value = new LongAdder();

        public void inc() {
            value.increment();
        }

        public void inc(long n) {
            if (n < 0) throw new IllegalArgumentException("a counter cannot go down (" + n + ")");
            value.add(n);
        }

        public long get() {
            return value.sum();
        }
    }

    @Override
    Child newChild() {
        return new Child();
    }

    @Override
    String type() {
        return "counter";
    }

    /** Adds one (a family without labels). */
    public void inc() {
        only().inc();
    }

    public void inc(long n) {
        only().inc(n);
    }

    /** The value of a family without labels (for a sampled counter: what its supplier says now). */
    public long get() {
        return sampled != null ? sampled.getAsLong() : only().get();
    }

    boolean isSampled() {
        return sampled != null;
    }
}
