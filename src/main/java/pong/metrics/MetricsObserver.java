package pong.metrics;

import pong.observe.CloseReason;
import pong.observe.Rejection;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ErrorCode;

/**
 * Counts what the halves report into a {@link Registry}, under the names docs/metrics.md lists.
 * Label values come from small fixed sets (fronts, outcomes, rst codes, reasons, transports), except
 * the client id of the per-client counters, which are off unless asked for and capped like every family.
 *
 * <p>Threading: any thread; every event is a few lock-free additions.
 */
public final class MetricsObserver implements TunnelObserver {
    /** Per-client families hold at most this many client ids; the rest count under "other". */
    public static final int MAX_CLIENTS = 1000;

    static final double[] DIAL_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    static final double[] PING_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    static final double[] STREAM_SECONDS = {0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 86400};

    private final Counter tunnelsOpened;
    private final Counter tunnelsClosed;
    private final Counter streamsOpened;
    private final Counter streamsEnded;
    private final Counter bytes;
    private final Histogram streamSeconds;
    private final Histogram dialSeconds;
    private final Counter dialFailures;
    private final Counter rejections;
    private final Counter reconnects;
    private final Histogram pingSeconds;
    private final Counter clientTunnels;
    private final Counter clientStreams;
    private final Counter clientBytes;

    /** @param perClient also count per client id (remote; metrics.per.client) */
    public MetricsObserver(Registry r, boolean perClient) {
        tunnelsOpened = r.counter("pong_tunnels_opened_total", "Tunnel connections that passed their handshake.", "transport");
        tunnelsClosed = r.counter("pong_tunnels_closed_total", "Tunnel connections that ended, by reason.", "transport", "reason");
        streamsOpened = r.counter("pong_streams_opened_total", "Streams opened, by front (local: the app's proxy protocol; remote: tcp or udp).", "front");
        streamsEnded = r.counter("pong_streams_ended_total",
                "Streams ended, by front and outcome (finish, close, rst, timeout); code is the rst code.", "front", "outcome", "code");
        bytes = r.counter("pong_stream_bytes_total",
                "Payload bytes carried by streams; direction up is from the app towards the destination, down the other way.", "direction");
        streamSeconds = r.histogram("pong_stream_duration_seconds", "How long streams lived.", STREAM_SECONDS);
        dialSeconds = r.histogram("pong_dial_duration_seconds", "Remote's dials to destinations, name resolution included, by result.",
                DIAL_SECONDS, "result");
        dialFailures = r.counter("pong_dial_failures_total", "Remote's failed dials, by the rst code the stream got.", "code");
        rejections = r.counter("pong_rejections_total",
                "Connections and streams turned away before being served, by reason (headers, handshakes, limits).", "reason");
        reconnects = r.counter("pong_tunnel_reconnects_total", "Local's attempts to reach remote again after losing it, by result.", "result");
        pingSeconds = r.histogram("pong_ping_round_trip_seconds", "Round-trip time of local's tunnel pings.", PING_SECONDS);
        if (perClient) {
            clientTunnels = r.counter("pong_client_tunnels_opened_total", "Tunnels opened per client id (first 8 hex digits).",
                    MAX_CLIENTS, "client");
            clientStreams = r.counter("pong_client_streams_opened_total", "Streams opened per client id (first 8 hex digits).",
                    MAX_CLIENTS, "client");
            clientBytes = r.counter("pong_client_stream_bytes_total", "Stream payload bytes per client id (first 8 hex digits) and direction.",
                    MAX_CLIENTS * 2, "client", "direction");
        } else {
            clientTunnels = clientStreams = clientBytes = null;
        }
    }

    @Override
    public void tunnelOpened(TunnelInfo tunnel) {
        tunnelsOpened.labels(tunnel.transport()).inc();
        if (clientTunnels != null) clientTunnels.labels(tunnel.shortClientId()).inc();
    }

    @Override
    public void tunnelClosed(TunnelInfo tunnel, CloseReason reason, String detail) {
        tunnelsClosed.labels(tunnel.transport(), reason.label()).inc();
    }

    @Override
    public void streamOpened(StreamInfo stream) {
        streamsOpened.labels(stream.front().label()).inc();
        if (clientStreams != null) clientStreams.labels(stream.tunnel().shortClientId()).inc();
    }

    @Override
    public void streamEnded(StreamInfo stream, StreamEnd end) {
        streamsEnded.labels(stream.front().label(), end.outcome().label(), end.code() == null ? "" : Integer.toString(end.code().code)).inc();
        bytes.labels("up").inc(end.bytesUp());
        bytes.labels("down").inc(end.bytesDown());
        streamSeconds.observe(end.nanos() / 1e9);
        if (clientBytes != null) {
            clientBytes.labels(stream.tunnel().shortClientId(), "up").inc(end.bytesUp());
            clientBytes.labels(stream.tunnel().shortClientId(), "down").inc(end.bytesDown());
        }
    }

    @Override
    public void dialed(Address target, ErrorCode failure, long nanos) {
        dialSeconds.labels(failure == null ? "ok" : "failed").observe(nanos / 1e9);
        if (failure != null) dialFailures.labels(Integer.toString(failure.code)).inc();
    }

    @Override
    public void rejected(Rejection reason, String source, String detail) {
        rejections.labels(reason.label()).inc();
    }

    @Override
    public void pingRoundTrip(TunnelInfo tunnel, long nanos) {
        pingSeconds.observe(nanos / 1e9);
    }

    @Override
    public void reconnect(String endpoint, boolean succeeded) {
        reconnects.labels(succeeded ? "ok" : "failed").inc();
    }
}
