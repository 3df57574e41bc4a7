package pong.observe;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.UUID;

/**
 * One tunnel connection as observers see it.
 *
 * @param side      "local" or "remote": the half that reports
 * @param transport how the tunnel travels ("tcp", "tls"; later transports add their own names)
 * @param endpoint  the remote endpoint this tunnel belongs to (local's tunnel pool may hold several), as configured
 * @param peer      the other end's socket address, for logs
 * @param clientId  the client id the tunnel carries
 */
public record TunnelInfo(String side, String transport, String endpoint, String peer, UUID clientId) {
    public TunnelInfo {
        if (side == null || transport == null || endpoint == null || peer == null || clientId == null) {
            throw new NullPointerException("every field of a TunnelInfo is required");
        }
    }

    /**
     * How observers write a socket address: {@code ip:port}, IPv6 in brackets, without the host name
     * or the leading slash of {@link InetSocketAddress#toString()}; empty for null.
     */
    public static String address(SocketAddress a) {
        if (a == null) return "";
        if (!(a instanceof InetSocketAddress i)) return a.toString();
        if (i.getAddress() == null) return i.getHostString() + ":" + i.getPort();
        String ip = i.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + i.getPort();
    }

    /** The first eight hex digits of the client id: enough to tell clients apart in a log line. */
    public String shortClientId() {
        return clientId.toString().substring(0, 8);
    }
}
