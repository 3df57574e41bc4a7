package pong.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * Remote's choices for one listener.
 *
 * @param tls            the TLS context (certificate and key); null for transports without TLS
 * @param trustedProxy   whether a connection from this address is a proxy whose X-Forwarded-For is
 *                       believed (listen.trusted.proxies); HTTP-based transports only
 * @param handshakeTimeout the bound on the whole handshake (header.timeout); used as the socket read
 *                       timeout during it, the caller's deadline is what really ends it
 */
public record ServerOptions(SSLContext tls, Predicate<InetAddress> trustedProxy, Duration handshakeTimeout) {
}
