package pong.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestPki;

/**
 * The pong columns: remote and local as two {@code java -jar target/pong.jar} processes on loopback,
 * TLS between them (the test certificate), as tls:// ("pong"), as a WebSocket in TLS, wss:// on the
 * path /tunnel ("pong-wss"), as HTTP/2 in TLS, h2:// on /tunnel ("pong-h2"), or as a gRPC call,
 * grpcs:// ("pong-grpc"), with no web server in between, {@code dst.deny=} because the origin is on 127.0.0.1, and
 * stream and connection caps raised to {@link #FANOUT_CAPACITY} (the fanout workload opens 10,000 streams),
 * except for fanout-default, which runs against pong's default settings. With {@code tunnels} above 1
 * ("pong-t2") local holds that many tunnels to remote, all opened before the workload starts. JVM options
 * for both: {@link Processes#pongJavaOptions()} (PONG_JAVA_OPTS), plus the column's own (pong-aot: the AOT cache).
 */
final class PongProcesses implements ProxyUnderTest {
    /** Streams and app connections the bench configures room for (fanout opens 10,000 at once). */
    static final int FANOUT_CAPACITY = 12_000;

    private final Path jar;
    private final Path dir;
    private final List<String> javaOpts;
    private final String scheme;
    private final int tunnels;
    private final String name;
    private boolean defaults;
    private final UUID clientId = UUID.randomUUID();
    private Process remote;
    private Process local;
    private int socksPort;
    private int run;

    /** The transports the bench can put between the halves, each a column of its own. */
    static final List<String> SCHEMES = List.of("tls", "wss", "h2", "grpcs");

    /** The column of a transport: "pong" for tls, else "pong-" and the scheme without its TLS "s" for grpcs. */
    static String columnName(String scheme) {
        return switch (scheme) {
            case "tls" -> "pong";
            case "grpcs" -> "pong-grpc";
            default -> "pong-" + scheme;
        };
    }

    /** @param scheme the transport between the halves: one of {@link #SCHEMES} */
    PongProcesses(Path jar, Path dir, String scheme) {
        this(jar, dir, scheme, 1);
    }

    /** @param tunnels local's tunnels= (its tunnels to the one remote) */
    PongProcesses(Path jar, Path dir, String scheme, int tunnels) {
        this(jar, dir, scheme, tunnels, columnName(scheme) + (tunnels > 1 ? "-t" + tunnels : ""), List.of());
    }

    /**
     * @param name the column's name
     * @param extraJavaOpts JVM options after PONG_JAVA_OPTS, for both halves
     */
    PongProcesses(Path jar, Path dir, String scheme, int tunnels, String name, List<String> extraJavaOpts) {
        this.jar = jar;
        this.dir = dir;
        this.scheme = scheme;
        this.tunnels = tunnels;
        this.name = name;
        List<String> opts = new ArrayList<>(Processes.pongJavaOptions());
        opts.addAll(extraJavaOpts);
        this.javaOpts = List.copyOf(opts);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void workload(String workload) {
        defaults = workload.equals("fanout-default");
    }

    List<String> javaOpts() {
        return javaOpts;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        run++;
        int remotePort = Processes.freePort();
        socksPort = Processes.freePort();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        String url = scheme + "://127.0.0.1:" + remotePort + (scheme.equals("tls") || scheme.equals("grpcs") ? "" : "/tunnel");
        r.put("listen", url);
        r.put("tls.keystore", TestPki.keystore().toString());
        r.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        r.put("clients", clientId.toString());
        r.put("dst.deny", "");
        // The fanout workload holds 10,000 streams on one tunnel: above the default caps (1024), which are for everyday use.
        if (!defaults) {
            r.put("tunnel.max.streams", String.valueOf(FANOUT_CAPACITY));
            r.put("remote.max.pending.dials", String.valueOf(FANOUT_CAPACITY));
            r.put("client.max.streams", String.valueOf(FANOUT_CAPACITY));
            r.put("client.max.pending.dials", String.valueOf(FANOUT_CAPACITY));
        }
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:" + socksPort);
        l.put("remote", url);
        l.put("client.id", clientId.toString());
        l.put("tls.trust", TestPki.certPem().toString());
        if (!defaults) l.put("local.max.connections", String.valueOf(FANOUT_CAPACITY));
        l.put("tunnels", String.valueOf(tunnels));
        Path rLog = dir.resolve("remote-" + run + ".log");
        Path lLog = dir.resolve("local-" + run + ".log");
        remote = Processes.start(command(ProxyPair.writeProperties(dir.resolve("remote.properties"), r)), rLog);
        Processes.awaitPort(remote, remotePort, "pong remote", rLog);
        local = Processes.start(command(ProxyPair.writeProperties(dir.resolve("local.properties"), l)), lLog);
        Processes.awaitPort(local, socksPort, "pong local", lLog);
        if (tunnels > 1) openTunnels();
    }

    /**
     * Local opens its tunnels on the first request (each slot connecting in the background): one request
     * to a closed port before the workload, and a moment for the connects, so that the workload's streams
     * find every tunnel up instead of all landing on the first.
     */
    private void openTunnels() throws InterruptedException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", 1)) {
            // a listener on port 1 answered: the tunnels are opening all the same
        } catch (IOException e) {
            // refused by remote, as expected: what matters is that local started connecting every tunnel
        }
        Thread.sleep(1000);
    }

    private List<String> command(Path properties) {
        List<String> c = new ArrayList<>();
        c.add(Processes.java());
        c.addAll(javaOpts);
        c.add("-jar");
        c.add(jar.toString());
        c.add(properties.toString());
        return c;
    }

    @Override
    public Socket connect(int originPort) throws IOException {
        return Socks5Client.connect(socksPort, "127.0.0.1", originPort);
    }

    @Override
    public long peakRssKib() {
        return PeakRss.kib(local.pid()) + PeakRss.kib(remote.pid());
    }

    @Override
    public long[] peakRssPartsKib() {
        return new long[] {PeakRss.kib(local.pid()), PeakRss.kib(remote.pid())};
    }

    @Override
    public void stop() throws InterruptedException {
        Processes.stop(local);
        Processes.stop(remote);
        local = null;
        remote = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static boolean exists(Path jar) {
        return Files.isRegularFile(jar);
    }
}
