package pong.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;
import pong.local.LocalServer;
import pong.remote.RemoteServer;
import pong.transport.Endpoint;
import pong.transport.Transports;

/**
 * A remote and a local running in this JVM on loopback, configured through real properties files
 * (so the config parser is exercised too). Defaults: TLS with the test certificate, one client id,
 * {@code dst.deny=} (loopback origins allowed). Any key can be overridden; a null value removes it.
 */
public final class ProxyPair implements AutoCloseable {
    public final UUID clientId = UUID.randomUUID();
    public final RemoteServer remote;
    public final LocalServer local;
    private final Path dir;
    private final Map<String, String> remoteValues;
    private final Map<String, String> localValues;
    private final List<LocalServer> others = new CopyOnWriteArrayList<>();
    private final List<RemoteServer> restarted = new ArrayList<>();

    private ProxyPair(Map<String, String> remoteOverrides, Map<String, String> localOverrides,
                      IntUnaryOperator route) throws Exception {
        this(remoteOverrides, localOverrides, (listen, port) -> listen.withPort(route.applyAsInt(port)).toString());
    }

    /** How local reaches remote: its {@code remote} value from remote's listen endpoint and the port remote got. */
    public interface Route {
        String remoteValue(Endpoint listen, int port) throws Exception;
    }

    private ProxyPair(Map<String, String> remoteOverrides, Map<String, String> localOverrides, Route route) throws Exception {
        dir = Files.createTempDirectory("pong-pair");
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("listen", "tls://127.0.0.1:0");
        r.put("tls.keystore", TestPki.keystore().toString());
        r.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        r.put("clients", clientId.toString());
        r.put("dst.deny", "");
        merge(r, remoteOverrides);
        remoteValues = r;
        remote = new RemoteServer((RemoteConfig) Config.parse(write("remote.properties", r))).start();
        Endpoint listen = Endpoint.parse(r.get("listen"), null);
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:0");
        l.put("remote", route.remoteValue(listen, remote.port()));
        l.put("client.id", clientId.toString());
        if (listen.transport().secure()) l.put("tls.trust", TestPki.certPem().toString());
        merge(l, localOverrides);
        localValues = l;
        local = new LocalServer((LocalConfig) Config.parse(write("local.properties", l))).start();
    }

    /** A second local with the same settings (same remote, same client id) on a port of its own; closed with the pair. */
    public LocalServer startAnotherLocal() throws Exception {
        LocalServer another = new LocalServer((LocalConfig) Config.parse(write("local-" + (others.size() + 2) + ".properties", localValues))).start();
        others.add(another);
        return another;
    }

    public static ProxyPair start() throws Exception {
        return new ProxyPair(Map.of(), Map.of(), p -> p);
    }

    /** A pair whose tunnel runs over this transport (scheme), on the path {@code /tunnel} where the scheme has paths. */
    public static ProxyPair over(String scheme) throws Exception {
        return over(scheme, Map.of(), Map.of());
    }

    public static ProxyPair over(String scheme, Map<String, String> remoteOverrides, Map<String, String> localOverrides) throws Exception {
        Map<String, String> r = new LinkedHashMap<>(remoteOverrides);
        r.putIfAbsent("listen", listenValue(scheme));
        return new ProxyPair(r, localOverrides, p -> p);
    }

    /** Remote's listen value for a transport on an ephemeral loopback port. */
    public static String listenValue(String scheme) {
        return scheme + "://127.0.0.1:0" + (Transports.of(scheme).http() ? "/tunnel" : "");
    }

    public static ProxyPair start(Map<String, String> remoteOverrides, Map<String, String> localOverrides) throws Exception {
        return new ProxyPair(remoteOverrides, localOverrides, p -> p);
    }

    /** Like {@link #start(Map, Map)}, but local reaches remote through the port that {@code route} returns for remote's port (a test proxy). */
    public static ProxyPair startVia(IntUnaryOperator route, Map<String, String> remoteOverrides,
                                     Map<String, String> localOverrides) throws Exception {
        return new ProxyPair(remoteOverrides, localOverrides, route);
    }

    /** Like {@link #start(Map, Map)}, with local's {@code remote} value chosen by {@code route} once remote listens (a web server in front). */
    public static ProxyPair startBehind(Route route, Map<String, String> remoteOverrides, Map<String, String> localOverrides) throws Exception {
        return new ProxyPair(remoteOverrides, localOverrides, route);
    }

    /**
     * Starts another remote with the same settings on the port the first one listened on (close the
     * first one before): a remote restarted while local keeps running. Closed with the pair.
     */
    public RemoteServer startRemoteAgain() throws Exception {
        Map<String, String> r = new LinkedHashMap<>(remoteValues);
        r.put("listen", Endpoint.parse(r.get("listen"), null).withPort(remote.port()).toString());
        RemoteServer again = new RemoteServer((RemoteConfig) Config.parse(write("remote-again.properties", r))).start();
        restarted.add(again);
        return again;
    }

    public int socksPort() {
        return local.port();
    }

    /** Writes a properties file into this pair's temp folder. */
    public Path write(String name, Map<String, String> values) {
        return writeProperties(dir.resolve(name), values);
    }

    public static Path writeProperties(Path file, Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        try {
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void merge(Map<String, String> base, Map<String, String> overrides) {
        overrides.forEach((k, v) -> {
            if (v == null) base.remove(k);
            else base.put(k, v);
        });
    }

    @Override
    public void close() {
        others.forEach(LocalServer::close);
        local.close();
        remote.close();
        restarted.forEach(RemoteServer::close);
        TempDirs.deleteQuietly(dir);
    }
}
