package pong.bench;

import java.io.IOException;
import java.net.Socket;

/**
 * One column of the system bench: a way for the load client to reach the origin. Started afresh for
 * each workload so that the peak RSS it reports belongs to that workload.
 *
 * <p>Threading: {@link #connect} from many client threads at once; the rest from the bench's main thread.
 */
interface ProxyUnderTest extends AutoCloseable {
    String name();

    /** False for workloads this column cannot run meaningfully; its cells stay empty. */
    default boolean supports(String workload) {
        return true;
    }

    /** Told which workload the next {@link #start} is for. */
    default void workload(String name) {
    }

    /** Starts the proxy's processes for one workload; returns when it accepts SOCKS5 connections. */
    void start() throws IOException, InterruptedException;

    /** A connection to 127.0.0.1:port on the origin, through the proxy. */
    Socket connect(int originPort) throws IOException;

    /** Peak RSS in KiB of the proxy's processes since {@link #start}, or -1 when there are none. */
    long peakRssKib();

    /**
     * Peak RSS in KiB of each of the proxy's processes, in a fixed order (pong: local, remote), or empty when
     * the column does not split it.
     */
    default long[] peakRssPartsKib() {
        return new long[0];
    }

    /** Ends what {@link #start} started. */
    void stop() throws InterruptedException;

    @Override
    void close() throws InterruptedException;
}
