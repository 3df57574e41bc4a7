package pong.transport;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import pong.transport.http2.ByteLink;
import pong.transport.http2.HeaderField;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Options;
import pong.transport.http2.Http2Stream;

/**
 * {@code h2c://} (HTTP/2 with prior knowledge on plain TCP) and {@code h2://} (HTTP/2 in TLS, ALPN
 * {@code h2}): one tunnel per HTTP/2 stream. Local sends {@code POST PATH}; remote answers {@code 200} at
 * once, and from then on the request body carries local's tunnel bytes and the response body remote's,
 * for the life of the tunnel (pong-go's h2 transport does the same). The bytes are the tls transport's:
 * the 17-byte connection header, then pong frames.
 *
 * <p>Local sends the connection header right behind its request, without waiting for remote's response
 * headers (a front may hold those back until body bytes follow); they are checked on the first read.
 *
 * <p>One connection on remote may carry many tunnels: a reverse proxy in front (Caddy, nginx) multiplexes
 * several clients onto one upstream connection, so every stream is a conduit of its own, with its own flow
 * control, and a tunnel's error resets its stream, never the connection. Anything that is not a tunnel
 * request on our path (another path or method, an HTTP/1.1 request, TLS without ALPN h2) gets the same
 * boring 404 as the ws listener. A connection with no stream for {@link #IDLE_CONNECTION} is ended with
 * GOAWAY. Local opens one connection per tunnel.
 *
 * <p>{@link GrpcTransport} is the same with gRPC's headers, message framing and trailers: the hooks below.
 */
class Http2Transport implements Transport {
    private static final Logger LOG = System.getLogger(Http2Transport.class.getName());
    /** The HTTP/2 limits and windows of both halves (docs/limits.md). */
    static final Http2Options OPTIONS = Http2Options.defaults();
    /** A connection that has carried no stream this long is ended: a proxy opens a new one when it needs one. */
    static final Duration IDLE_CONNECTION = Duration.ofMinutes(10);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    private static final String H2 = "h2";
    private static final int IO_BUFFER = 64 * 1024;

    private final boolean secure;

    Http2Transport(boolean secure) {
        this.secure = secure;
    }

    @Override public String scheme() { return secure ? "h2" : "h2c"; }
    @Override public int defaultPort() { return secure ? 443 : 80; }
    @Override public final boolean secure() { return secure; }
    @Override public final boolean http() { return true; }

    // ---- what gRPC changes

    /** The request path for a URL's path. */
    String path(Endpoint e) {
        return e.path();
    }

    /** Request headers after the pseudo-headers. */
    List<HeaderField> requestHeaders() {
        return List.of();
    }

    /** Why this request is no tunnel request on path (null: it is one). */
    String refusal(List<HeaderField> request, String path) {
        if (!"POST".equals(value(request, ":method"))) return "method " + value(request, ":method");
        String target = value(request, ":path");
        int query = target == null ? -1 : target.indexOf('?');
        if (target == null || !(query >= 0 ? target.substring(0, query) : target).equals(path)) return "other path";
        return null;
    }

    /** Remote's response headers for a tunnel. */
    List<HeaderField> responseHeaders() {
        return List.of(new HeaderField(":status", "200"));
    }

    /** Why local refuses remote's response (null: it opens the tunnel). */
    String responseRefusal(List<HeaderField> response) {
        String status = value(response, ":status");
        return "200".equals(status) ? null : "status " + status;
    }

    /**
     * The conduit on a stream: remote's once it accepted the request; local's (owned: its connection) right
     * after sending the request, with an input that checks remote's response first ({@link #responseBody}).
     */
    Http2Conduit conduit(Http2Stream stream, Http2Connection owned, InetSocketAddress peer, String security) {
        InputStream in = owned == null ? stream.input() : responseBody(stream);
        return new Http2Conduit(stream, owned, in, stream.output(), (s, out) -> out.close(), peer, scheme(), security);
    }

    /**
     * Local's view of remote's response body: the first read waits for the response headers and fails
     * if they refuse the tunnel. Local does not wait for them before sending: a front may hold remote's
     * headers back until the first body bytes (nginx's grpc_pass does), and those come only once remote
     * has the connection header.
     */
    final InputStream responseBody(Http2Stream stream) {
        return new FilterInputStream(stream.input()) {
            private boolean checked;

            private void check() throws IOException {
                if (checked) return;
                String why = responseRefusal(stream.awaitHeaders());
                if (why != null) throw new IOException("remote refused the tunnel request on " + stream + ": " + why);
                checked = true;
            }

            @Override
            public int read() throws IOException {
                check();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                return super.read(b, off, len);
            }
        };
    }

    static String value(List<HeaderField> fields, String name) {
        for (HeaderField f : fields) if (f.name().equals(name)) return f.value();
        return null;
    }

    // ---- local's half

    @Override
    public Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = Transports.dial(to, timeout);
        Http2Connection connection = null;
        try {
            Conduit base = Transports.clientStream(raw, to, options, deadline, secure, scheme(), H2);
            if (secure && !H2.equals(Transports.applicationProtocol(base))) {
                throw new IOException("remote at " + to + " does not speak HTTP/2 in TLS (ALPN chose '"
                        + Transports.applicationProtocol(base) + "')");
            }
            raw.setSoTimeout(0); // the connection's reader waits for as long as the tunnel lives
            connection = Http2Connection.client(link(raw, base, null), OPTIONS);
            List<HeaderField> request = new ArrayList<>();
            request.add(new HeaderField(":method", "POST"));
            request.add(new HeaderField(":scheme", secure ? "https" : "http"));
            request.add(new HeaderField(":authority", HttpListener.authority(to, options, defaultPort())));
            request.add(new HeaderField(":path", path(to)));
            request.addAll(requestHeaders());
            Http2Stream stream = connection.openStream(request, false);
            return conduit(stream, connection, (InetSocketAddress) raw.getRemoteSocketAddress(), base.security());
        } catch (IOException | RuntimeException e) {
            if (connection != null) connection.abort();
            raw.close();
            throw e;
        }
    }

    /**
     * The connection's byte stream ({@code base}: TLS on {@code raw}, or {@code raw} itself) as the HTTP/2
     * engine's link; {@code replay} (the preface remote has read already) comes first. An orderly close
     * ends our direction (close_notify, FIN) and closes the socket a moment later.
     */
    private static ByteLink link(Socket raw, Conduit base, byte[] replay) {
        InputStream in = base.inputBuffered() ? base.input() : new BufferedInputStream(base.input(), IO_BUFFER);
        InputStream input = replay == null ? in : new SequenceInputStream(new ByteArrayInputStream(replay), in);
        ByteLink.OutputEnd end = base instanceof TlsConduit t ? t.channel()::shutdownOutput : raw::shutdownOutput;
        return new ByteLink() {
            @Override public InputStream input() { return input; }
            @Override public OutputStream output() { return base.output(); }
            @Override public boolean outputBuffered() { return base.outputBuffered(); }
            @Override public void close() { ByteLink.closeAfterFin(raw, end); }
            @Override public void abort() { base.abort(); }
            @Override public String name() { return String.valueOf(raw.getRemoteSocketAddress()); }
        };
    }

    // ---- remote's half

    @Override
    public Server server(Endpoint listen, ServerOptions options) {
        if (secure && options.tls() == null) throw new IllegalArgumentException(scheme() + ":// needs a TLS certificate");
        String path = path(listen);
        Predicate<InetAddress> trusted = HttpListener.trusted(options);
        return (accepted, sink) -> {
            Transports.prepareAccepted(accepted, options.handshakeTimeout());
            Conduit base = Transports.serverStream(accepted, options, secure, scheme(), H2, "http/1.1");
            boolean h2 = !secure || H2.equals(Transports.applicationProtocol(base));
            InputStream in = base.input();
            byte[] start = new byte[Http2Connection.PREFACE.length];
            int n = 0;
            while (h2 && n < start.length) {
                int b = in.read();
                if (b < 0) throw new EOFException(n == 0 ? "closed before sending anything" : "closed inside the HTTP/2 preface");
                start[n++] = (byte) b;
                if (b != (Http2Connection.PREFACE[n - 1] & 0xff)) h2 = false;
            }
            if (!h2) refuseHttp1(new SequenceInputStream(new ByteArrayInputStream(start, 0, n), in), base.output());
            accepted.setSoTimeout(0); // from here the caller's deadline bounds the first tunnel, header.timeout the later ones
            InetSocketAddress connectionPeer = (InetSocketAddress) accepted.getRemoteSocketAddress();
            String security = base.security();
            AtomicLong tunnels = new AtomicLong();
            Http2Connection connection = Http2Connection.server(link(accepted, base, start), OPTIONS, stream -> {
                List<HeaderField> request = stream.awaitHeaders();
                String why = refusal(request, path);
                if (why != null) {
                    LOG.log(Level.DEBUG, () -> stream + ": not a tunnel request on " + path + " (" + why + "): 404");
                    notFound(stream);
                    return;
                }
                stream.sendHeaders(responseHeaders(), false);
                List<String> forwarded = new ArrayList<>();
                for (HeaderField f : request) if (f.name().equals("x-forwarded-for")) forwarded.add(f.value());
                InetSocketAddress peer = HttpListener.clientAddress(connectionPeer, forwarded, trusted);
                Http2Conduit conduit = conduit(stream, null, peer, security);
                tunnels.incrementAndGet();
                sink.accept(conduit);
                conduit.awaitEnd(); // the engine resets a stream whose handler returns while it is open
            });
            long idleSince = System.nanoTime();
            try {
                while (!connection.awaitClosed(IDLE_CHECK)) {
                    if (connection.activeStreams() > 0) {
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince > IDLE_CONNECTION.toNanos()) {
                        connection.shutdown();
                    }
                }
            } catch (InterruptedException e) {
                connection.abort();
                Thread.currentThread().interrupt();
            }
            if (tunnels.get() == 0) throw new IOException("HTTP/2 connection ended without a tunnel request");
        };
    }

    /** Answers what is not HTTP/2 (an HTTP/1.1 request) like the ws listener, and fails with why. */
    private static void refuseHttp1(InputStream in, OutputStream out) throws IOException {
        try {
            HttpHeaderBlock.read(in);
        } catch (HttpHeaderBlock.MalformedException e) {
            HttpListener.respond(out, "400 Bad Request", HttpListener.BAD_REQUEST_PAGE);
            throw new IOException("neither HTTP/2 nor HTTP: " + e.getMessage());
        }
        HttpListener.respond(out, "404 Not Found", HttpListener.NOT_FOUND_PAGE);
        throw new IOException("an HTTP/1 request, not HTTP/2");
    }

    private static void notFound(Http2Stream stream) throws IOException {
        byte[] page = HttpListener.NOT_FOUND_PAGE.getBytes(StandardCharsets.US_ASCII);
        stream.sendHeaders(List.of(new HeaderField(":status", "404"), new HeaderField("content-type", "text/html"),
                new HeaderField("content-length", String.valueOf(page.length))), false);
        stream.output().write(page);
        stream.output().close();
    }
}
