package pong.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import pong.access.DenyList;
import pong.access.Shares;
import pong.access.TrustedProxies;
import pong.monitoring.Monitoring;
import pong.transport.Endpoint;
import pong.tunnel.TunnelSettings;

/**
 * remote.properties, checked. The limits keys are described in docs/limits.md.
 *
 * @param trustedProxies listen.trusted.proxies: peers whose X-Forwarded-For names the client (HTTP-based transports)
 */
public record RemoteConfig(
        Endpoint listen,
        TrustedProxies trustedProxies,
        Path tlsCert,
        Path tlsKey,
        Path tlsKeystore,
        String tlsKeystorePassword,
        List<UUID> clients,
        DenyList deny,
        Duration dialTimeout,
        Duration headerTimeout,
        Limits limits,
        TunnelSettings tunnel,
        Shares shares,
        Monitoring.Options monitoring) implements ModeConfig {

    public static final String DEFAULT_DENY = "private,:25";

    static RemoteConfig from(Config c) throws ConfigException {
        Endpoint listen = c.endpoint("listen", null);
        Path cert = c.path("tls.cert");
        Path key = c.path("tls.key");
        Path keystore = c.path("tls.keystore");
        String password = c.string("tls.keystore.password", "");
        TrustedProxies trusted;
        try {
            trusted = TrustedProxies.parse(c.string("listen.trusted.proxies", ""));
        } catch (IllegalArgumentException e) {
            throw c.error("listen.trusted.proxies", e.getMessage());
        }
        if (!trusted.isEmpty() && !listen.transport().http()) {
            throw c.error("listen.trusted.proxies", "only applies to HTTP-based transports (ws, wss, h2c, h2, grpc, grpcs, http, https), not " + listen.scheme() + "://");
        }
        if (listen.transport().secure()) {
            if (keystore == null && (cert == null || key == null)) {
                throw c.error(cert == null ? "tls.cert" : "tls.key",
                        "a " + listen.scheme() + ":// listener needs tls.cert and tls.key (PEM), or tls.keystore (PKCS#12)");
            }
            if (keystore != null && cert != null) throw c.error("tls.keystore", "give either tls.keystore or tls.cert/tls.key, not both");
        }
        List<UUID> clients = new ArrayList<>();
        for (String s : c.list("clients", "")) clients.add(c.uuid("clients", s));
        if (clients.isEmpty()) throw c.error("clients", "is required: the client ids (UUIDs) allowed in, comma-separated");
        DenyList deny;
        try {
            deny = DenyList.parse(c.string("dst.deny", DEFAULT_DENY));
        } catch (IllegalArgumentException e) {
            throw c.error("dst.deny", e.getMessage());
        }
        Duration dial = c.duration("dial.timeout", Duration.ofSeconds(10));
        Duration header = c.duration("header.timeout", Duration.ofSeconds(10));
        Limits limits = Limits.forRemote(c);
        TunnelSettings tunnel = c.tunnelSettings(false).withLimits(limits.maxStreams(), limits.streamIdleTimeout());
        Shares shares = Limits.sharesForRemote(c, limits);
        return new RemoteConfig(listen, trusted, cert, key, keystore, password, List.copyOf(clients), deny, dial, header, limits, tunnel,
                shares, c.monitoring(true));
    }
}
