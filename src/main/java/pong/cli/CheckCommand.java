package pong.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import pong.config.Config;
import pong.config.ConfigException;
import pong.config.LocalConfig;
import pong.transport.Endpoint;
import pong.config.RemoteConfig;
import pong.local.RemoteHints;
import pong.protocol.PongException;

/**
 * {@code check FILE [--url URL]}: validates a file as start-up would, then what start-up cannot know.
 * For remote: the certificate matches the key, its expiry, the names it covers. For local: remote
 * answers (DNS, TCP, TLS with the configured chain or pin, the connection header) and, with --url, a
 * request through the tunnel, for every endpoint of remote= in turn. One line per step, OK / WARN /
 * FAIL with the fix; the first failure ends the check of that endpoint. Exit 0 when every step passed, 2 when the file or a file it names is wrong, 1 otherwise.
 *
 * <p>Threading: the main thread only.
 */
public final class CheckCommand {
    private static final int MAX_STATUS_LINE = 8 * 1024;
    /** How much of the response after its status line check reads (to its end when shorter) before closing. */
    private static final long MAX_BODY_DRAINED = 1024 * 1024;

    private CheckCommand() {
    }

    /** Prints the steps; a failed step decides the exit code. */
    private static final class Report {
        private final PrintStream out;
        int exit = ExitCodes.OK;

        Report(PrintStream out) {
            this.out = out;
        }

        void ok(String step, String text) {
            out.printf("OK   %-8s %s%n", step, text);
        }

        void warn(String step, String text) {
            out.printf("WARN %-8s %s%n", step, text);
        }

        int fail(String step, String text, String fix, int code) {
            out.printf("FAIL %-8s %s%s%n", step, text, fix == null ? "" : "; fix: " + fix);
            exit = code;
            return code;
        }
    }

    public static int run(String[] args) throws InterruptedException {
        Path file = null;
        URI url = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--url") && i + 1 < args.length) {
                try {
                    url = new URI(args[++i]);
                } catch (URISyntaxException e) {
                    return usage("--url " + args[i] + " is not a URL: " + e.getMessage());
                }
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    return usage("--url must be an http:// or https:// URL with a host, not '" + args[i] + "'");
                }
            } else if (args[i].startsWith("-") || file != null) {
                return usage("unexpected argument '" + args[i] + "'");
            } else {
                file = Path.of(args[i]);
            }
        }
        if (file == null) return usage("which file? (local.properties or remote.properties)");
        Report r = new Report(System.out);
        Object config;
        try {
            config = Config.parse(file);
        } catch (ConfigException e) {
            return r.fail("config", e.getMessage(), null, ExitCodes.CONFIG);
        }
        if (config instanceof RemoteConfig rc) {
            if (url != null) return usage("--url is for a local file (it makes a request through the tunnel)");
            r.ok("config", file + " is valid (mode=remote, listen=" + rc.listen() + ")");
            checkRemote(file, rc, r);
        } else {
            LocalConfig lc = (LocalConfig) config;
            r.ok("config", file + " is valid (mode=local, remote=" + lc.remotes().stream().map(Endpoint::toString).collect(Collectors.joining(","))
                    + ")");
            checkLocal(file, lc, url, r);
        }
        return r.exit;
    }

    private static int usage(String problem) {
        System.err.println("pong check: " + problem);
        System.err.println("usage: java -jar pong.jar check FILE [--url URL]");
        return ExitCodes.CONFIG;
    }

    private static void checkRemote(Path file, RemoteConfig c, Report r) {
        Instant now = Instant.now();
        List<String> warnings;
        X509Certificate leaf;
        try {
            warnings = Preflight.remote(file, c, now);
            leaf = Preflight.leaf(file, c);
        } catch (ConfigException e) {
            r.fail("tls", e.getMessage(), null, ExitCodes.CONFIG);
            return;
        }
        if (leaf == null) {
            r.ok("tls", "none here (listen=tcp://): whatever is in front of remote must terminate TLS");
        } else {
            r.ok("key", "the private key belongs to the certificate (" + leaf.getSubjectX500Principal().getName() + ")");
            List<String> names = TlsFiles.names(leaf);
            if (names.isEmpty()) {
                r.warn("names", "the certificate has no subjectAltName: clients that check the chain fail with 'No subject"
                        + " alternative names present'; only tls.pin accepts it (pong init makes one with a SAN)");
            } else {
                r.ok("names", "covers " + String.join(", ", names));
            }
            Instant notAfter = leaf.getNotAfter().toInstant();
            if (notAfter.isBefore(now)) {
                r.fail("expiry", "the certificate expired on " + notAfter, "renew it", ExitCodes.FAILURE);
            } else if (notAfter.isBefore(now.plus(TlsFiles.EXPIRY_WARNING))) {
                r.warn("expiry", "the certificate expires on " + notAfter + ", in less than " + TlsFiles.EXPIRY_WARNING.toDays() + " days");
            } else {
                r.ok("expiry", "valid until " + notAfter);
            }
        }
        for (String w : warnings) if (!w.contains("certificate expire")) r.warn("warning", w);
    }

    private static void checkLocal(Path file, LocalConfig c, URI url, Report r) throws InterruptedException {
        try {
            for (String w : Preflight.local(file, c)) r.warn("warning", w);
        } catch (ConfigException e) {
            r.fail("tls", e.getMessage(), null, ExitCodes.CONFIG);
            return;
        }
        List<Endpoint> all = c.remotes();
        for (int i = 0; i < all.size(); i++) {
            if (all.size() > 1) r.ok("remote", "endpoint " + (i + 1) + " of " + all.size() + ": " + all.get(i));
            checkEndpoint(c, all.get(i), url, r);
        }
    }

    /** DNS, TCP, TLS, the connection header and (with --url) a request, for one endpoint of remote=. */
    private static void checkEndpoint(LocalConfig c, Endpoint remote, URI url, Report r) throws InterruptedException {
        String host = remote.host();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
            r.ok("dns", host + " -> " + Arrays.stream(addresses).map(InetAddress::getHostAddress).collect(Collectors.joining(", ")));
        } catch (UnknownHostException e) {
            r.fail("dns", "cannot resolve " + host + ": " + e.getMessage(), "check the host in remote=, or give the server's IP address",
                    ExitCodes.FAILURE);
            return;
        }
        try (TunnelProbe probe = connect(c, remote, r)) {
            if (probe == null || !header(c, probe, r)) return;
            if (url != null) request(c, probe, url, r);
        }
    }

    /**
     * The TCP and TLS steps in one connection, as local makes it: a bare TCP probe would reach remote
     * as a connection without a header, which its log rightly reports as a rejected tunnel.
     */
    private static TunnelProbe connect(LocalConfig c, Endpoint remote, Report r) {
        int port = remote.port();
        TunnelProbe probe;
        try {
            probe = TunnelProbe.connect(c, remote);
        } catch (IOException | GeneralSecurityException e) {
            String problem = rootMessage(e);
            boolean duringTls = e instanceof SSLException || e instanceof GeneralSecurityException
                    || (e instanceof SocketTimeoutException && !problem.contains("Connect timed out"));
            if (duringTls) {
                r.ok("tcp", "connected to " + remote.host() + " port " + port);
                r.fail("tls", problem, tlsFix(c, remote, problem), ExitCodes.FAILURE);
            } else {
                String fix = e instanceof ConnectException
                        ? "is remote running and listening on port " + port + "? (java -jar pong.jar remote.properties on the server)"
                        : e instanceof SocketTimeoutException
                        ? "no answer within connect.timeout=" + c.connectTimeout().toMillis() + " ms: is port " + port
                                + " open in the server's firewall?"
                        : null;
                r.fail("tcp", "cannot connect to " + remote.host() + " port " + port + ": " + problem, fix, ExitCodes.FAILURE);
            }
            return null;
        }
        r.ok("tcp", "connected to " + probe.peerAddress() + " port " + port);
        String session = probe.tlsSession();
        if (session == null) {
            r.ok("tls", "not used (remote=" + remote + ")");
        } else {
            String how = c.tlsInsecure() ? "NOT checked (tls.insecure=true)"
                    : c.tlsPin() != null ? "its key matches tls.pin"
                    : c.tlsTrust() != null ? "its chain is trusted through tls.trust and it covers the name"
                    : "its chain is trusted through the JDK's trust store and it covers the name";
            r.ok("tls", session + ", remote's certificate: " + how);
        }
        return probe;
    }

    private static String tlsFix(LocalConfig c, Endpoint remote, String problem) {
        return RemoteHints.tls(problem, c.tlsSni() != null ? c.tlsSni() : remote.host());
    }

    private static boolean header(LocalConfig c, TunnelProbe probe, Report r) throws InterruptedException {
        TunnelProbe.Answer answer;
        try {
            answer = probe.sendHeader();
        } catch (IOException e) {
            r.fail("header", "cannot send the connection header: " + rootMessage(e), null, ExitCodes.FAILURE);
            return false;
        }
        switch (answer) {
            case ANNOUNCED -> {
                long rtt;
                try {
                    rtt = probe.ping(TunnelProbe.ANNOUNCEMENT_WAIT.plus(c.connectTimeout()));
                } catch (IOException e) {
                    rtt = -1;
                }
                if (rtt < 0) {
                    r.fail("header", "remote accepted the client id but did not answer a ping", "see remote's log", ExitCodes.FAILURE);
                    return false;
                }
                r.ok("header", "remote accepted client.id " + c.clientId() + " and answered a ping in "
                        + Duration.ofNanos(rtt).toMillis() + " ms");
            }
            case CLOSED -> {
                r.fail("header", "remote closed the connection after the connection header: it does not know client.id "
                        + c.clientId(), "add " + c.clientId() + " to clients= in remote.properties and restart remote", ExitCodes.FAILURE);
                return false;
            }
            case SILENT -> r.ok("header", "remote keeps the tunnel open but announces no extensions: a plain-spec remote"
                    + " (or tunnel.extensions=false there); only a request (--url) shows that it accepted the client id");
            case NOT_ASKED -> r.ok("header", "sent; tunnel.extensions=false here, so remote is not asked for a ping:"
                    + " only a request (--url) shows that it accepted the client id");
        }
        return true;
    }

    private static void request(LocalConfig c, TunnelProbe probe, URI url, Report r) {
        boolean https = url.getScheme().equals("https");
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        Duration timeout = c.connectTimeout().plus(Duration.ofSeconds(10));
        try (Socket s = probe.connectThrough(host, port, timeout)) {
            String status = get(s, url, host, port, https, timeout);
            r.ok("url", "GET " + url + " through the tunnel: " + status);
        } catch (PongException e) {
            String fix = switch (e.code()) {
                case ERR_RULE -> "remote's dst.deny refuses this destination (private and loopback addresses by default)";
                case ERR_DST, ERR_NET, ERR_DIAL_TIMEOUT, ERR_DST_REFUSE -> "remote cannot reach " + host + ":" + port + " from where it runs";
                default -> null;
            };
            r.fail("url", "remote answered rst " + e.code() + " for " + host + ":" + port + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    fix, ExitCodes.FAILURE);
        } catch (IOException e) {
            r.fail("url", "GET " + url + " through the tunnel failed: " + rootMessage(e), probe.isClosed() ? "the tunnel closed: see remote's log" : null,
                    ExitCodes.FAILURE);
        }
    }

    /** A GET with Connection: close; returns the response's status line. */
    private static String get(Socket s, URI url, String host, int port, boolean https, Duration timeout) throws IOException {
        Socket conn = s;
        if (https) {
            SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            ssl.setSoTimeout((int) timeout.toMillis());
            ssl.startHandshake();
            conn = ssl;
        }
        conn.setSoTimeout((int) timeout.toMillis());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        String hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + (port == (https ? 443 : 80) ? "" : ":" + port);
        OutputStream out = conn.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: pong-check/" + Version.value()
                + "\r\nAccept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = conn.getInputStream();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && line.length() < MAX_STATUS_LINE) line.append((char) b);
        String status = line.toString().strip();
        if (!status.startsWith("HTTP/")) {
            throw new IOException(status.isEmpty() ? "the connection ended without an HTTP response" : "not an HTTP response: '" + status + "'");
        }
        // The rest of the response (up to a bound) is read to its end, so that the test stream ends in
        // order on both halves: closing with bytes unread would reset it, and remote would log a cut.
        long left = MAX_BODY_DRAINED;
        byte[] skip = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) >= 0) left -= n;
        return status;
    }

    private static String rootMessage(Throwable e) {
        return RemoteHints.rootMessage(e);
    }
}
