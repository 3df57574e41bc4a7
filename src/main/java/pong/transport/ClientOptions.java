package pong.transport;

import javax.net.ssl.SSLContext;

/**
 * Local's choices for dialing remote.
 *
 * @param tls            the TLS context (trust or pin); null for transports without TLS
 * @param sni            the server name to send and check instead of the URL's host (tls.sni), or null
 * @param verifyHostname check the certificate against the name (off with tls.pin and tls.insecure)
 * @param httpHost       the Host header of HTTP-based transports instead of the URL's host (http.host), or null
 */
public record ClientOptions(SSLContext tls, String sni, boolean verifyHostname, String httpHost) {
    public static final ClientOptions PLAIN = new ClientOptions(null, null, false, null);
}
