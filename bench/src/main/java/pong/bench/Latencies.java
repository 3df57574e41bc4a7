package pong.bench;

import java.util.Arrays;

/**
 * Round-trip times of one workload, in nanoseconds; percentiles by nearest rank. Threading: {@link #add}
 * is synchronized so many client threads may record into one instance.
 */
final class Latencies {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** The p-th percentile (0 < p <= 100) in microseconds, or NaN when nothing was recorded. */
    synchronized double percentileMicros(double p) {
        if (size == 0) return Double.NaN;
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1000.0;
    }
}
