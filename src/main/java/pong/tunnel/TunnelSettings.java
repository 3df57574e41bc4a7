package pong.tunnel;

import java.time.Duration;

/**
 * Tunnel tuning shared by both halves.
 *
 * @param streamBuffer      bytes a stream may hold from the peer, unread by its app, before the tunnel's reader waits
 * @param maxFramePayload   largest data payload we send; pong-go's reader breaks above 57344 bytes (NOTES.md)
 * @param maxStreams        streams the peer may have open on this tunnel at once; an opening frame past it gets rst 1
 * @param streamIdleTimeout a relayed stream with no bytes either way for this long is reset; zero means never
 */
public record TunnelSettings(int streamBuffer, int maxFramePayload, int maxStreams, Duration streamIdleTimeout) {
    public static final TunnelSettings DEFAULTS = new TunnelSettings(256 * 1024, 32 * 1024, 1024, Duration.ofMinutes(10));

    public TunnelSettings withLimits(int maxStreams, Duration streamIdleTimeout) {
        return new TunnelSettings(streamBuffer, maxFramePayload, maxStreams, streamIdleTimeout);
    }
}
