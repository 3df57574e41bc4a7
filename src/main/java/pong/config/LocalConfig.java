package pong.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import pong.local.TunnelPool;
import pong.monitoring.Monitoring;
import pong.transport.Endpoint;
import pong.transport.Tls;
import pong.tunnel.TunnelSettings;

/**
 * local.properties, checked. The limits keys are described in docs/limits.md.
 *
 * @param remotes        remote=, one or more endpoints in order (a comma inside a URL path is written %2C)
 * @param remotePolicy   remote.policy: which endpoints new streams go to
 * @param tunnels        tunnels=: tunnels per endpoint
 * @param socksUsers     user name to password (socks.users); empty means apps need no credentials
 * @param udpIdleTimeout how long a UDP relay stream may go without a datagram before it is closed
 * @param udpMaxRelays   udp.max.relays: relay streams one UDP ASSOCIATE may have open at once
 */
public record LocalConfig(
        Endpoint listen,
        List<Endpoint> remotes,
        TunnelPool.Policy remotePolicy,
        int tunnels,
        UUID clientId,
        Path tlsTrust,
        String tlsPin,
        boolean tlsInsecure,
        String tlsSni,
        String httpHost,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Map<String, String> socksUsers,
        Duration udpIdleTimeout,
        int udpMaxRelays,
        boolean confirm,
        int maxConnections,
        Limits limits,
        TunnelSettings tunnel,
        Monitoring.Options monitoring,
        boolean tlsWarmup) implements ModeConfig {
    /** RFC 1929 carries user name and password each in at most 255 bytes. */
    static final int MAX_CREDENTIAL_BYTES = 255;
    /** A game or DNS client talks to a handful of destinations; 64 leaves the shared tunnel's other 960 streams to other apps. */
    public static final int DEFAULT_UDP_MAX_RELAYS = 64;

    static LocalConfig from(Config c) throws ConfigException {
        Endpoint listen = c.endpoint("listen", "tcp");
        if (!listen.scheme().equals("tcp")) throw c.error("listen", "local listens for apps in plain TCP: use HOST:PORT");
        List<Endpoint> remotes = c.endpoints("remote", null);
        Endpoint remote = remotes.get(0);
        String policyText = c.string("remote.policy", "failover");
        TunnelPool.Policy policy = switch (policyText) {
            case "failover" -> TunnelPool.Policy.FAILOVER;
            case "spread" -> TunnelPool.Policy.SPREAD;
            default -> throw c.error("remote.policy", "must be failover or spread, not '" + policyText + "'");
        };
        int tunnels = c.integer("tunnels", 1, 1, 64);
        String httpHost = c.optional("http.host");
        if (httpHost != null && httpHost.isEmpty()) httpHost = null;
        for (Endpoint e : remotes) {
            if (httpHost != null && !e.transport().http()) {
                throw c.error("http.host", "only applies to HTTP-based transports (ws, wss, h2c, h2, grpc, grpcs, http, https), not " + e.scheme() + "://");
            }
        }
        if (httpHost != null && !validHost(httpHost)) throw c.error("http.host", "'" + httpHost + "' is not HOST or HOST:PORT");
        UUID id = c.uuid("client.id", c.required("client.id"));
        Path trust = c.path("tls.trust");
        String pin = c.optional("tls.pin");
        if (pin != null && !pin.isEmpty()) {
            if (!pin.startsWith(Tls.PIN_PREFIX)) throw c.error("tls.pin", "must look like sha256/BASE64");
            try {
                if (Base64.getDecoder().decode(pin.substring(Tls.PIN_PREFIX.length())).length != 32) {
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
        Map<String, String> users = users(c);
        Duration udpIdle = c.duration("udp.idle.timeout", Duration.ofSeconds(60));
        if (udpIdle.isZero() || udpIdle.isNegative()) throw c.error("udp.idle.timeout", "must be positive");
        int udpRelays = c.integer("udp.max.relays", DEFAULT_UDP_MAX_RELAYS, 1, 1_000_000);
        // socks.confirm is the older name, from when only SOCKS5 waited
        boolean legacyConfirm = c.bool("socks.confirm", false);
        boolean confirm = c.bool("confirm", legacyConfirm);
        if (c.optional("confirm") != null && c.optional("socks.confirm") != null && confirm != legacyConfirm) {
            throw c.error("confirm", "contradicts socks.confirm (its older name): keep only confirm");
        }
        int maxConnections = c.integer("local.max.connections", Limits.DEFAULT_LOCAL_MAX_CONNECTIONS, 1, 1_000_000);
        Limits limits = Limits.forLocal(c);
        TunnelSettings tunnel = c.tunnelSettings(true).withLimits(limits.maxStreams(), limits.streamIdleTimeout())
                .withConnectConfirm(confirm);
        return new LocalConfig(listen, remotes, policy, tunnels, id, trust, pin, insecure, sni, httpHost, connect, handshake, users, udpIdle, udpRelays, confirm,
                maxConnections, limits, tunnel, c.monitoring(false),
                c.bool("tls.warmup", true) && remotes.stream().anyMatch(e -> e.transport().secure()));
    }

    /** The first endpoint of remote= (the only one unless a list is given). */
    public Endpoint remote() {
        return remotes.get(0);
    }

    /** What the tunnel pool needs: the endpoints, the policy and the tunnels per endpoint. */
    public TunnelPool.Options pool() {
        return new TunnelPool.Options(remotes, remotePolicy, tunnels);
    }

    /** Visible ASCII without the characters that would end or split a header line. */
    private static boolean validHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if (ch <= ' ' || ch >= 0x7f || ch == ',' || ch == '/') return false;
        }
        return true;
    }

    /** socks.users=user:password[,user:password...]; errors never repeat a password. */
    private static Map<String, String> users(Config c) throws ConfigException {
        Map<String, String> users = new LinkedHashMap<>();
        for (String entry : c.list("socks.users", "")) {
            int colon = entry.indexOf(':');
            if (colon <= 0) throw c.error("socks.users", "each entry must be user:password (entry " + (users.size() + 1) + " is not)");
            String user = entry.substring(0, colon);
            String password = entry.substring(colon + 1);
            if (password.isEmpty()) throw c.error("socks.users", "user '" + user + "' has an empty password");
            if (user.getBytes(StandardCharsets.UTF_8).length > MAX_CREDENTIAL_BYTES
                    || password.getBytes(StandardCharsets.UTF_8).length > MAX_CREDENTIAL_BYTES) {
                throw c.error("socks.users", "user '" + user + "': name and password are limited to 255 bytes each");
            }
            if (users.put(user, password) != null) throw c.error("socks.users", "user '" + user + "' is listed twice");
        }
        return Collections.unmodifiableMap(users);
    }
}
