package pong.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import pong.transport.Endpoint;
import pong.transport.Tls;

/** local.properties, checked. The limits keys are described in docs/limits.md. */
public record LocalConfig(
        Endpoint listen,
        Endpoint remote,
        UUID clientId,
        Path tlsTrust,
        String tlsPin,
        boolean tlsInsecure,
        String tlsSni,
        Duration connectTimeout,
        Duration handshakeTimeout,
        int maxConnections,
        Limits limits) {

    static LocalConfig from(Config c) throws ConfigException {
        Endpoint listen = c.endpoint("listen", false);
        if (listen.tls()) throw c.error("listen", "local listens for apps in plain TCP: use HOST:PORT");
        Endpoint remote = c.endpoint("remote", null);
        UUID id = c.uuid("client.id", c.required("client.id"));
        Path trust = c.path("tls.trust");
        String pin = c.optional("tls.pin");
        if (pin != null && !pin.isEmpty()) {
            if (!pin.startsWith(Tls.PIN_PREFIX)) throw c.error("tls.pin", "must look like sha256/BASE64");
            try {
                if (java.util.Base64.getDecoder().decode(pin.substring(Tls.PIN_PREFIX.length())).length != 32) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw c.error("tls.pin", "is not the base64 of a 32-byte SHA-256 hash");
            }
        } else {
            pin = null;
        }
        boolean insecure = c.bool("tls.insecure", false);
        String sni = c.optional("tls.sni");
        if (sni != null && sni.isEmpty()) sni = null;
        int trustChoices = (trust != null ? 1 : 0) + (pin != null ? 1 : 0) + (insecure ? 1 : 0);
        if (trustChoices > 1) throw c.error("tls.insecure", "choose one of tls.trust, tls.pin and tls.insecure");
        Duration connect = c.duration("connect.timeout", Duration.ofSeconds(10));
        Duration handshake = c.duration("handshake.timeout", Duration.ofSeconds(10));
        int maxConnections = c.integer("local.max.connections", Limits.DEFAULT_LOCAL_MAX_CONNECTIONS, 1, 1_000_000);
        return new LocalConfig(listen, remote, id, trust, pin, insecure, sni, connect, handshake, maxConnections, Limits.forLocal(c));
    }
}
