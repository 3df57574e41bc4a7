package pong.observe;

import java.util.Locale;

/** Why a connection or stream was turned away before it was served: a small fixed set, so it can be a metrics label. */
public enum Rejection {
    /** Remote: the connection header had a version we do not speak (or was TLS on a tcp:// listener). */
    BAD_VERSION,
    /** Remote: the client id is not in clients. */
    UNKNOWN_CLIENT,
    /** Remote: no whole connection header within header.timeout. */
    HEADER_TIMEOUT,
    /** Remote: the connection closed before a whole connection header. */
    HEADER_INCOMPLETE,
    /** Remote: the TLS handshake failed. */
    HANDSHAKE_FAILED,
    /** Remote: the client id already held remote.max.tunnels.per.client tunnels. */
    TUNNEL_LIMIT,
    /** Remote: remote.max.pending.dials dials were in progress. */
    PENDING_DIALS,
    /** Either half: the tunnel already carried tunnel.max.streams streams. */
    STREAM_LIMIT,
    /** Local: local.max.connections app connections were open. */
    CONNECTION_LIMIT,
    /** Local: an app's handshake was malformed, timed out or failed authentication. */
    APP_HANDSHAKE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
