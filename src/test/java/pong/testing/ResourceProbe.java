package pong.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * What this test JVM holds: platform threads (ThreadMXBean; virtual threads are not counted there) and
 * open file descriptors (/proc/self/fd, which also stands for live virtual threads: each one we start
 * holds a socket). Tests take a baseline, run a load, then wait for the numbers to come back.
 */
public final class ResourceProbe {
    public record Snapshot(int threads, int fds) {
    }

    private ResourceProbe() {
    }

    public static Snapshot now() {
        return new Snapshot(ManagementFactory.getThreadMXBean().getThreadCount(), openFds());
    }

    public static int openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
    }

    /** Polls until threads and fds are within slack of the baseline or the time is up; returns the last snapshot. */
    public static Snapshot awaitBaseline(Snapshot baseline, int threadSlack, int fdSlack, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        Snapshot s = now();
        while (System.nanoTime() < deadline
                && (s.threads() > baseline.threads() + threadSlack || s.fds() > baseline.fds() + fdSlack)) {
            Thread.sleep(100);
            s = now();
        }
        return s;
    }

    /** Polls a counter until it reaches zero or the time is up; returns its last value. */
    public static int awaitZero(IntSupplier counter, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        int v = counter.getAsInt();
        while (v != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = counter.getAsInt();
        }
        return v;
    }
}
