package pong.tunnel;

/**
 * Tunnel tuning shared by both halves.
 *
 * @param streamBuffer    bytes a stream may hold from the peer, unread by its app, before the tunnel's reader waits
 * @param maxFramePayload largest data payload we send; pong-go's reader breaks above 57344 bytes (NOTES.md)
 */
public record TunnelSettings(int streamBuffer, int maxFramePayload) {
    public static final TunnelSettings DEFAULTS = new TunnelSettings(256 * 1024, 32 * 1024);
}
