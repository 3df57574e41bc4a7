package pong.monitoring;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import pong.logging.AccessLog;
import pong.logging.SummaryLog;
import pong.metrics.MetricsObserver;
import pong.metrics.MetricsServer;
import pong.metrics.Registry;
import pong.observe.CloseReason;
import pong.observe.Rejection;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ErrorCode;

/**
 * What one half reports to, put together from its options: the metrics registry (always, so tests
 * and the summary can read it) and its {@code /metrics} port when metrics.listen is set, the access
 * log, the periodic summary line. Components get {@link #observer()}; the half starts this with
 * itself and closes it last.
 *
 * <p>Threading: {@link #start} and {@link #close} once each, from the half's start and close; the
 * observer from any thread.
 */
public final class Monitoring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Monitoring.class.getName());

    /** Where access-log lines go. */
    public enum AccessTarget { OFF, LOGGER, FILE }

    /**
     * @param metricsListen   where to serve /metrics, or null for no port
     * @param perClient       per-client-id counters (remote only)
     * @param access          where the access log goes
     * @param accessFile      the file when {@code access} is FILE
     * @param summaryInterval how often the summary line is written; zero for never
     * @param logLevel        log.level as written in the file, or null (Main applies it)
     */
    public record Options(InetSocketAddress metricsListen, boolean perClient, AccessTarget access, Path accessFile,
                          Duration summaryInterval, String logLevel) {
        /** No port, no access log, no summary: what tests and embedders get unless they ask. */
        public static final Options QUIET = new Options(null, false, AccessTarget.OFF, null, Duration.ZERO, null);
    }

    private final Options options;
    private final String side;
    private final Registry registry = new Registry();
    private final List<TunnelObserver> observers = new ArrayList<>();
    private final Forwarding observer = new Forwarding();
    private IntSupplier tunnelsOpen = () -> 0;
    private IntSupplier streamsOpen = () -> 0;
    private MetricsServer server;
    private AccessLog accessLog;
    private SummaryLog summary;

    /** @param side "local" or "remote" */
    public Monitoring(Options options, String side) {
        this.options = options;
        this.side = side;
        observers.add(new MetricsObserver(registry, options.perClient()));
        registry.gauge("pong_tunnels_open", "Tunnel connections open now.", () -> tunnelsOpen.getAsInt());
        registry.gauge("pong_streams_open", "Streams open now.", () -> streamsOpen.getAsInt());
        observer.target = TunnelObserver.all(observers);
    }

    /**
     * The observer to hand to components. It may be taken before {@link #start}: events before then
     * reach the metrics only.
     */
    public TunnelObserver observer() {
        return observer;
    }

    public Registry registry() {
        return registry;
    }

    /** What is open now, for the gauges and the summary line. Call before {@link #start}. */
    public void open(IntSupplier tunnels, IntSupplier streams) {
        this.tunnelsOpen = tunnels;
        this.streamsOpen = streams;
    }

    /** A gauge read at scrape time (buffered bytes, queued frames). */
    public void gauge(String name, String help, LongSupplier value) {
        registry.gauge(name, help, () -> value.getAsLong());
    }

    /** A counter kept elsewhere, read at scrape time. */
    public void counter(String name, String help, LongSupplier value) {
        registry.counter(name, help, value);
    }

    /** Adds another observer (tests); call before {@link #start}. */
    public void add(TunnelObserver o) {
        observers.add(o);
        observer.target = TunnelObserver.all(observers);
    }

    /** Opens the metrics port and the access log, starts the summary line. */
    public Monitoring start() throws IOException {
        switch (options.access()) {
            case LOGGER -> accessLog = AccessLog.toLogger();
            case FILE -> accessLog = AccessLog.toFile(options.accessFile());
            case OFF -> accessLog = null;
        }
        if (accessLog != null) observers.add(accessLog);
        if (!options.summaryInterval().isZero()) {
            summary = new SummaryLog(options.summaryInterval(), tunnelsOpen, streamsOpen);
            observers.add(summary);
        }
        if (options.metricsListen() != null) {
            try {
                server = MetricsServer.start(options.metricsListen(), registry);
            } catch (IOException e) {
                if (accessLog != null) accessLog.close();
                throw new IOException("metrics.listen=" + options.metricsListen().getHostString() + ":"
                        + options.metricsListen().getPort() + ": " + e.getMessage(), e);
            }
            LOG.log(Level.INFO, "{0} serves metrics on http://{1}:{2,number,#}{3}", side,
                    options.metricsListen().getHostString(), server.port(), MetricsServer.PATH);
        }
        observer.target = TunnelObserver.all(observers);
        if (summary != null) summary.start();
        return this;
    }

    /** The port /metrics is served on, or -1 without metrics.listen. */
    public int metricsPort() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (server != null) server.close();
        if (summary != null) summary.close();
        if (accessLog != null) accessLog.close();
    }

    /** Lets components keep one observer while the set behind it is completed at start. */
    private static final class Forwarding implements TunnelObserver {
        volatile TunnelObserver target = TunnelObserver.NONE;

        @Override
        public void tunnelOpened(TunnelInfo t) {
            target.tunnelOpened(t);
        }

        @Override
        public void tunnelClosed(TunnelInfo t, CloseReason r, String d) {
            target.tunnelClosed(t, r, d);
        }

        @Override
        public void streamOpened(StreamInfo s) {
            target.streamOpened(s);
        }

        @Override
        public void streamEnded(StreamInfo s, StreamEnd e) {
            target.streamEnded(s, e);
        }

        @Override
        public void dialed(Address t, ErrorCode f, long n) {
            target.dialed(t, f, n);
        }

        @Override
        public void rejected(Rejection r, String s, String d) {
            target.rejected(r, s, d);
        }

        @Override
        public void pingRoundTrip(TunnelInfo t, long n) {
            target.pingRoundTrip(t, n);
        }

        @Override
        public void reconnect(String e, boolean ok) {
            target.reconnect(e, ok);
        }
    }
}
