package pong.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * @param tlsKeystoreInline tls.keystore.base64 decoded: the PKCS#12 keystore's bytes held in the file itself, so
 *                          that remote.properties alone is the server's half; null when not given
 */
public record RemoteConfig(
        Endpoint listen,
        TrustedProxies trustedProxies,
        Path tlsCert,
        Path tlsKey,
        Path tlsKeystore,
        byte[] tlsKeystoreInline,
        String tlsKeystorePassword,
        List<UUID> clients,
        DenyList deny,
        Duration dialTimeout,
        Duration headerTimeout,
        Limits limits,
        TunnelSettings tunnel,
        Shares shares,
        Monitoring.Options monitoring,
        boolean tlsWarmup) implements ModeConfig {

    public static final String DEFAULT_DENY = "private,:25";

    static RemoteConfig from(Config c) throws ConfigException {
        Endpoint listen = c.endpoint("listen", null);
        Path cert = c.path("tls.cert");
        Path key = c.path("tls.key");
        Path keystore = c.path("tls.keystore");
        byte[] inline = inlineKeystore(c);
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
            boolean pem = cert != null || key != null;
            int ways = (pem ? 1 : 0) + (keystore != null ? 1 : 0) + (inline != null ? 1 : 0);
            if (ways == 0) {
                throw c.error("tls.cert", "a " + listen.scheme() + ":// listener needs tls.cert and tls.key (PEM), tls.keystore"
                        + " (a PKCS#12 file) or tls.keystore.base64 (a PKCS#12 keystore inline)");
            }
            if (ways > 1) {
                throw c.error(inline != null ? "tls.keystore.base64" : "tls.keystore",
                        "give exactly one of tls.cert/tls.key, tls.keystore, tls.keystore.base64; this file gives "
                                + String.join(" and ", given(pem, keystore != null, inline != null)));
            }
            if (pem && (cert == null || key == null)) {
                throw c.error(cert == null ? "tls.cert" : "tls.key", "tls.cert and tls.key go together: give both");
            }
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
        return new RemoteConfig(listen, trusted, cert, key, keystore, inline, password, List.copyOf(clients), deny, dial, header, limits, tunnel,
                shares, c.monitoring(true), c.bool("tls.warmup", true) && listen.transport().secure());
    }

    /** tls.keystore.base64: standard base64 (spaces and line breaks ignored), or an error naming the key. */
    private static byte[] inlineKeystore(Config c) throws ConfigException {
        String v = c.optional("tls.keystore.base64");
        if (v == null) return null;
        String compact = v.replaceAll("\\s", "");
        if (compact.isEmpty()) throw c.error("tls.keystore.base64", "is empty: give a PKCS#12 keystore in base64 (base64 -w0 remote.p12)");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw c.error("tls.keystore.base64", "is not base64 (" + e.getMessage() + "): give a PKCS#12 keystore in base64"
                    + " (base64 -w0 remote.p12)");
        }
    }

    private static List<String> given(boolean pem, boolean keystore, boolean inline) {
        List<String> out = new ArrayList<>();
        if (pem) out.add("tls.cert/tls.key");
        if (keystore) out.add("tls.keystore");
        if (inline) out.add("tls.keystore.base64");
        return out;
    }
}
