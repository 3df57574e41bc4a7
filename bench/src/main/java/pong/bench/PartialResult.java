package pong.bench;

import java.util.Map;

/** A workload that failed part way: what it measured before the failure, kept for the table. */
final class PartialResult extends Exception {
    private final transient Map<String, Double> metrics;

    PartialResult(Map<String, Double> metrics, Exception cause) {
        super(cause.toString(), cause);
        this.metrics = Map.copyOf(metrics);
    }

    Map<String, Double> metrics() {
        return metrics;
    }
}
