package pong.tunnel;

import java.time.Duration;

/**
 * Tunnel tuning shared by both halves; built from the properties files (see README).
 *
 * @param streamBuffer      bytes a stream may hold from a legacy peer, unread by its app, before the tunnel's reader waits;
 *                          also the allowance a stream may be sent before its sender saw our announcement (docs/extensions.md)
 * @param maxFramePayload   largest data payload we send; pong-go's reader breaks above 57344 bytes (NOTES.md)
 * @param extensions        announce and use our extensions (flow control, ping, connect confirmation); off plays a legacy peer
 * @param window            tunnel.window: the credit each stream starts with, per direction
 * @param bufferMax         tunnel.buffer.max: bytes received and not yet taken by apps, plus credit granted, over all streams
 * @param pingInterval      local pings a tunnel that received nothing for this long; zero disables
 * @param pingTimeout       and declares it dead when nothing arrives for this long after the ping
 * @param idleTimeout       remote closes a tunnel with no streams that received nothing for this long; zero disables
 * @param maxStreams        streams the peer may have open on this tunnel at once; an opening frame past it gets rst 1
 * @param streamIdleTimeout a relayed stream with no bytes either way for this long is reset; zero means never
 * @param connectConfirm    local: asks remote for {@code connected} frames (socks.confirm); remote ignores it
 * @param budget            the shared budget (client's, process-wide) that tunnel.buffer.max draws from; null for none
 */
public record TunnelSettings(
        int streamBuffer,
        int maxFramePayload,
        boolean extensions,
        int window,
        long bufferMax,
        Duration pingInterval,
        Duration pingTimeout,
        Duration idleTimeout,
        int maxStreams,
        Duration streamIdleTimeout,
        boolean connectConfirm,
        BufferBudget budget) {

    public static final int DEFAULT_WINDOW = 64 * 1024;
    public static final long DEFAULT_BUFFER_MAX = 128L * 1024 * 1024;
    /** A busy stream's window doubles up to this multiple of tunnel.window. */
    public static final int MAX_WINDOW_FACTOR = 64;

    /**
     * Data payload we send at most: header and payload fill exactly two full TLS records (2 x 16 KiB), so
     * a bulk frame never leaves a few-byte record (and a syscall) behind it; well under pong-go's 57,344.
     */
    public static final int MAX_DATA_PAYLOAD = 2 * 16 * 1024 - pong.protocol.Frame.HEADER_LENGTH;

    public static final TunnelSettings DEFAULTS = new TunnelSettings(256 * 1024, MAX_DATA_PAYLOAD, true,
            DEFAULT_WINDOW, DEFAULT_BUFFER_MAX, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5),
            1024, Duration.ofMinutes(10), false, null);

    public TunnelSettings withExtensions(boolean on) {
        return new TunnelSettings(streamBuffer, maxFramePayload, on, window, bufferMax, pingInterval, pingTimeout, idleTimeout,
                maxStreams, streamIdleTimeout, connectConfirm, budget);
    }

    public TunnelSettings withFlow(int window, long bufferMax) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, pingInterval, pingTimeout,
                idleTimeout, maxStreams, streamIdleTimeout, connectConfirm, budget);
    }

    public TunnelSettings withPing(Duration interval, Duration timeout) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, interval, timeout, idleTimeout,
                maxStreams, streamIdleTimeout, connectConfirm, budget);
    }

    public TunnelSettings withIdleTimeout(Duration idle) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, pingInterval, pingTimeout, idle,
                maxStreams, streamIdleTimeout, connectConfirm, budget);
    }

    public TunnelSettings withLimits(int maxStreams, Duration streamIdleTimeout) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, pingInterval, pingTimeout,
                idleTimeout, maxStreams, streamIdleTimeout, connectConfirm, budget);
    }

    public TunnelSettings withConnectConfirm(boolean on) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, pingInterval, pingTimeout,
                idleTimeout, maxStreams, streamIdleTimeout, on, budget);
    }

    /** The same settings drawing on this shared budget (a client's share of the process-wide one). */
    public TunnelSettings withBudget(BufferBudget shared) {
        return new TunnelSettings(streamBuffer, maxFramePayload, extensions, window, bufferMax, pingInterval, pingTimeout,
                idleTimeout, maxStreams, streamIdleTimeout, connectConfirm, shared);
    }

    /** The largest a busy stream's window may grow. */
    public int maxWindow() {
        return (int) Math.min((long) window * MAX_WINDOW_FACTOR, Math.max(window, bufferMax / 2));
    }
}
