package pong.config;

import java.time.Duration;
import pong.access.Shares;

/**
 * The resource limits (docs/limits.md gives the reasons for each default). Local reads only the keys
 * that mean something there (it accepts no streams and dials nothing), so the others stay unknown keys in
 * local.properties and are rejected like any typo.
 *
 * @param maxStreams          tunnel.max.streams: streams one tunnel may carry at once; the next one gets rst 1
 * @param maxTunnelsPerClient remote.max.tunnels.per.client: tunnel connections one client id may hold at once
 * @param maxPendingDials     remote.max.pending.dials: destination dials in progress at once; the next stream gets rst 1
 * @param streamIdleTimeout   stream.idle.timeout: a stream with no bytes either way for this long is reset; zero means never
 * @param shutdownGrace       shutdown.grace: how long open streams may finish after SIGTERM/SIGINT before they are reset
 */
public record Limits(int maxStreams, int maxTunnelsPerClient, int maxPendingDials, Duration streamIdleTimeout, Duration shutdownGrace) {
    public static final int DEFAULT_MAX_STREAMS = 1024;
    public static final int DEFAULT_MAX_TUNNELS_PER_CLIENT = 32;
    public static final int DEFAULT_MAX_PENDING_DIALS = 256;
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_LOCAL_MAX_CONNECTIONS = 1024;

    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_STREAMS, DEFAULT_MAX_TUNNELS_PER_CLIENT,
            DEFAULT_MAX_PENDING_DIALS, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_SHUTDOWN_GRACE);

    static Limits forRemote(Config c) throws ConfigException {
        int streams = c.integer("tunnel.max.streams", DEFAULT_MAX_STREAMS, 1, 1_000_000);
        int tunnels = c.integer("remote.max.tunnels.per.client", DEFAULT_MAX_TUNNELS_PER_CLIENT, 1, 100_000);
        int dials = c.integer("remote.max.pending.dials", DEFAULT_MAX_PENDING_DIALS, 1, 1_000_000);
        return common(c, streams, tunnels, dials);
    }

    static Limits forLocal(Config c) throws ConfigException {
        return common(c, DEFAULT_MAX_STREAMS, DEFAULT_MAX_TUNNELS_PER_CLIENT, DEFAULT_MAX_PENDING_DIALS);
    }

    /** The keys of what remote shares between client ids; defaults that depend on others are derived from them. */
    static Shares sharesForRemote(Config c, Limits limits) throws ConfigException {
        long buffer = c.bytes("remote.buffer.max", Shares.defaultBufferMax(), 1024 * 1024, Long.MAX_VALUE / 4);
        long clientBuffer = c.bytes("client.buffer.max", buffer / 2, 64 * 1024, Long.MAX_VALUE / 4);
        int clientStreams = c.integer("client.max.streams", Shares.DEFAULT_CLIENT_MAX_STREAMS, 1, 10_000_000);
        int clientDials = c.integer("client.max.pending.dials", Math.max(1, limits.maxPendingDials() / 2), 1, 1_000_000);
        Duration queue = c.duration("dial.queue.timeout", Shares.DEFAULT_DIAL_QUEUE_TIMEOUT);
        if (queue.isNegative()) throw c.error("dial.queue.timeout", "must not be negative");
        int relays = c.integer("tunnel.max.relays", Shares.DEFAULT_MAX_RELAYS, 0, 1_000_000);
        Duration udpIdle = c.duration("udp.idle.timeout", Shares.DEFAULT_UDP_IDLE_TIMEOUT);
        if (udpIdle.isZero() || udpIdle.isNegative()) throw c.error("udp.idle.timeout", "must be positive");
        return new Shares(buffer, clientBuffer, clientStreams, clientDials, queue, relays, udpIdle);
    }

    private static Limits common(Config c, int streams, int tunnels, int dials) throws ConfigException {
        Duration idle = c.duration("stream.idle.timeout", DEFAULT_STREAM_IDLE_TIMEOUT);
        if (idle.isNegative()) throw c.error("stream.idle.timeout", "must not be negative");
        Duration grace = c.duration("shutdown.grace", DEFAULT_SHUTDOWN_GRACE);
        if (grace.isNegative()) throw c.error("shutdown.grace", "must not be negative");
        return new Limits(streams, tunnels, dials, idle, grace);
    }
}
