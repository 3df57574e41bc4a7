package pong.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import pong.observe.Front;
import pong.observe.Rejection;
import pong.observe.StreamEnd;
import pong.observe.StreamWatch;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.tunnel.PeerReset;
import pong.tunnel.Relay;
import pong.tunnel.Stream;
import pong.tunnel.StreamState;
import pong.transport.Sockets;

/**
 * HTTP proxy towards apps. {@code CONNECT host:port} becomes a connect stream with the raw bytes
 * relayed (answered 200 at once, like SOCKS5: 0 open time; with confirm=true after remote's connect result). Absolute-URI requests are forwarded one at
 * a time on a keep-alive connection: the request is rewritten to origin form without hop-by-hop fields,
 * bodies pass through with their framing, and each new destination gets a stream of its own while a
 * stream to the same destination is reused. Errors are answered with a status and a one-line text.
 * Threading: one call per app connection, on that connection's virtual thread.
 */
final class HttpFront {
    private static final System.Logger LOG = System.getLogger(HttpFront.class.getName());
    /** How long a keep-alive connection may wait for its next request. */
    static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(60);
    /** After an error reply we read (and drop) at most this much of what the app still sends, so it sees the reply. */
    static final int MAX_DRAIN = 4 * 1024 * 1024;
    private static final byte[] CONNECTED = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final StreamOpener connector;
    private final ProxyUsers users;
    private final Confirmation confirm;
    private final TunnelObserver observer;

    /**
     * @param confirm  whether CONNECT waits for remote's connect result before answering 200
     * @param observer told of requests turned away before a stream (malformed, missing credentials)
     */
    HttpFront(StreamOpener connector, ProxyUsers users, Confirmation confirm, TunnelObserver observer) {
        this.connector = connector;
        this.users = users;
        this.confirm = confirm;
        this.observer = observer;
    }

    /**
     * The stream to the destination of the previous request, kept for the next one to the same place.
     * While a response is being passed on, a reset of the stream (by remote, by the loss of the tunnel,
     * by shutdown) aborts the app's connection at once, whatever this thread is blocked on, so the app
     * never takes a cut for the end of a response. Before the response head a reset is answered with a
     * status (502, 504, ...); between exchanges it only ends the stream.
     */
    private static final class Upstream {
        final Address address;
        final Stream stream;
        final InputStream in;
        final OutputStream out;
        private final LongAdder sent = new LongAdder();
        private final LongAdder received = new LongAdder();
        private volatile boolean exchanging;

        Upstream(Address address, Stream stream, Socket app) {
            this.address = address;
            this.stream = stream;
            this.in = StreamIo.input(stream, received);
            this.out = StreamIo.output(stream, sent);
            stream.onReset(() -> {
                if (exchanging) Sockets.abort(app);
            });
        }

        void exchanging(boolean on) {
            exchanging = on;
        }

        boolean reusableFor(Address target) {
            return address.equals(target) && stream.state() == StreamState.OPEN;
        }

        /**
         * Done with it: a stream the destination already ended is closed, a live one reset (nobody would
         * read it). Reports the stream's end: no relay does it for this front.
         */
        void release() {
            StreamState s = stream.state();
            if (s.isDone()) {
                ended(stream.resetCode());
                return;
            }
            if (!s.canReceive()) {
                try {
                    stream.finish();
                    ended(null);
                    return;
                } catch (IOException e) {
                    // fall through to reset
                }
            }
            StreamWatch w = stream.watch();
            if (w != null) {
                w.ended(new StreamEnd(StreamEnd.Outcome.CLOSE, null, sent.sum(), received.sum(),
                        System.nanoTime() - w.info().startNanos(), ""));
            }
            stream.reset(ErrorCode.ERR, "HTTP proxy connection no longer needed");
        }

        private void ended(ErrorCode code) {
            StreamWatch w = stream.watch();
            if (w != null) w.ended(code, sent.sum(), received.sum(), null);
        }
    }

    /** Serves one app connection; {@code in} still holds the request's first byte. */
    void serve(Socket app, HandshakeInput in) throws IOException {
        OutputStream appOut = new BufferedOutputStream(app.getOutputStream(), 16 * 1024);
        Upstream up = null;
        try {
            boolean first = true;
            while (true) {
                if (!first && !awaitNextRequest(app, in)) return;
                HttpHead req;
                String method;
                String version;
                HttpTarget target;
                HttpBody body;
                try {
                    req = HttpHead.read(in);
                    if (req == null) return;
                    String[] line = req.startLine().split(" ", -1);
                    if (line.length != 3 || !HttpHead.isToken(line[0]) || !line[2].matches("HTTP/1\\.[0-9]")) {
                        throw new HttpError(HttpError.BAD_REQUEST, "malformed request line");
                    }
                    method = line[0];
                    version = line[2];
                    // The head is in: the body, and the response, may take as long as they take, but
                    // each read of the body still waits at most the handshake timeout (first request)
                    // or the keep-alive idle time (later ones).
                    in.finished();
                    app.setSoTimeout((int) (first ? in.timeout() : KEEP_ALIVE_IDLE).toMillis());
                    first = false;
                    checkCredentials(req);
                    if (method.equals("CONNECT")) {
                        Address destination = HttpTarget.authority(line[1], -1);
                        if (up != null) up.release();
                        up = null;
                        tunnel(app, in, appOut, destination);
                        return;
                    }
                    target = HttpTarget.absolute(line[1]);
                    checkFraming(req, HttpError.BAD_REQUEST);
                    body = HttpBody.ofRequest(req, version);
                } catch (HttpError e) {
                    observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), e.getMessage());
                    refuse(app, in, appOut, e);
                    return;
                }
                boolean appKeepsAlive = version.equals("HTTP/1.1") ? !req.hasToken("Connection", "close")
                        : req.hasToken("Connection", "keep-alive") || req.hasToken("Proxy-Connection", "keep-alive");
                if (up == null || !up.reusableFor(target.address())) {
                    if (up != null) up.release();
                    up = null;
                    try {
                        up = new Upstream(target.address(), connector.open(FrameType.CONNECT, target.address(), Front.HTTP,
                                TunnelInfo.address(app.getRemoteSocketAddress())), app);
                    } catch (IOException e) {
                        refuse(app, in, appOut, gatewayError(target.address(), e));
                        return;
                    }
                }
                if (!forward(app, in, appOut, up, req, method, version, target, body, appKeepsAlive)) return;
                if (up.stream.state() != StreamState.OPEN) {
                    up.release();
                    up = null;
                }
            }
        } finally {
            if (up != null) {
                up.exchanging(false);
                up.release();
            }
        }
    }

    /**
     * One request and its response. Returns true when the app connection stays open for another request;
     * false when it is finished (closed after the response, or failed).
     */
    private boolean forward(Socket app, InputStream in, OutputStream appOut, Upstream up, HttpHead req, String method,
                            String version, HttpTarget target, HttpBody body, boolean appKeepsAlive) throws IOException {
        req.startLine(method + " " + target.path() + " " + version);
        boolean expectsContinue = req.hasToken("Expect", "100-continue");
        req.removeHopByHop();
        // RFC 9112 section 3.2.2: a proxy replaces Host with the absolute URI's authority
        req.set("Host", target.hostField());
        if (expectsContinue) {
            // Answered here: the request goes upstream whole, so the origin's own 100 would come too late.
            req.remove("Expect");
            if (version.equals("HTTP/1.1")) {
                appOut.write(CONTINUE);
                appOut.flush();
            }
        }
        boolean responded = false;
        try {
            req.writeTo(up.out);
            body.copy(in, up.out);
            HttpHead resp;
            int status;
            do {
                resp = readResponse(up.in);
                status = status(resp);
            } while (status / 100 == 1 && status != 101); // interim responses: we already answered 100 ourselves
            if (status == 101) throw new HttpError(HttpError.BAD_GATEWAY, "protocol upgrades are not forwarded (use CONNECT)");
            checkFraming(resp, HttpError.BAD_GATEWAY);
            HttpBody responseBody = HttpBody.ofResponse(resp, method, status);
            boolean originKeepsAlive = responseBody.kind() != HttpBody.Kind.UNTIL_CLOSE
                    && resp.startLine().startsWith("HTTP/1.1") && !resp.hasToken("Connection", "close");
            boolean keep = appKeepsAlive && responseBody.kind() != HttpBody.Kind.UNTIL_CLOSE;
            resp.removeHopByHop();
            if (!keep) resp.set("Connection", "close");
            resp.writeTo(appOut);
            responded = true;
            up.exchanging(true);
            responseBody.copy(up.in, appOut);
            up.exchanging(false);
            if (!originKeepsAlive) up.release();
            return keep;
        } catch (HttpError e) {
            if (responded) Sockets.abort(app);
            else refuse(app, in, appOut, e);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "app {0}: {1} {2} failed: {3}", app.getRemoteSocketAddress(), method, target.address(), e.getMessage());
            if (responded) Sockets.abort(app);
            else refuse(app, in, appOut, gatewayError(target.address(), e));
        }
        return false;
    }

    /**
     * A Connection field may not name the fields that frame the message or route it: removing them as
     * hop-by-hop would forward the body without its framing (the next hop reads it as a new request).
     */
    private static void checkFraming(HttpHead head, int status) throws HttpError {
        for (String f : new String[] {"Content-Length", "Transfer-Encoding", "Host"}) {
            if (head.hasToken("Connection", f)) throw new HttpError(status, "Connection names " + f);
        }
    }

    private static HttpHead readResponse(InputStream in) throws IOException {
        HttpHead resp;
        try {
            resp = HttpHead.read(in);
        } catch (HttpError e) {
            throw new HttpError(HttpError.BAD_GATEWAY, "bad response from destination: " + e.getMessage());
        }
        if (resp == null) throw new HttpError(HttpError.BAD_GATEWAY, "destination closed the connection without a response");
        return resp;
    }

    private static int status(HttpHead resp) throws HttpError {
        String[] parts = resp.startLine().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new HttpError(HttpError.BAD_GATEWAY, "bad status line from destination");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new HttpError(HttpError.BAD_GATEWAY, "bad status line from destination");
        }
    }

    private void tunnel(Socket app, HandshakeInput in, OutputStream appOut, Address destination) throws IOException {
        Stream stream;
        try {
            stream = connector.open(FrameType.CONNECT, destination, Front.CONNECT, TunnelInfo.address(app.getRemoteSocketAddress()));
            confirm.await(stream);
        } catch (IOException e) {
            refuse(app, in, appOut, gatewayError(destination, e));
            return;
        }
        Confirmation.tell(stream, () -> {
            appOut.write(CONNECTED);
            appOut.flush();
        });
        app.setSoTimeout(0);
        Relay.run(stream, app, in);
    }

    /**
     * Between requests on a kept-alive connection: waits up to {@link #KEEP_ALIVE_IDLE} for the next
     * request's first byte, then gives its head the handshake timeout as a whole. False when the app
     * closed the connection instead.
     */
    private static boolean awaitNextRequest(Socket app, HandshakeInput in) throws IOException {
        app.setSoTimeout((int) KEEP_ALIVE_IDLE.toMillis());
        in.mark(1);
        try {
            if (in.read() < 0) return false;
        } catch (SocketTimeoutException e) {
            // idle between requests: a clean end (a timeout inside a request is not, and propagates)
            LOG.log(Level.DEBUG, "app {0}: HTTP connection idle, closed", app.getRemoteSocketAddress());
            return false;
        }
        in.reset();
        in.restart();
        return true;
    }

    private void checkCredentials(HttpHead req) throws HttpError {
        if (!users.required()) return;
        String value = req.get("Proxy-Authorization");
        if (value != null && value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon >= 0 && users.accepts(pair.substring(0, colon), pair.substring(colon + 1))) return;
            } catch (IllegalArgumentException e) {
                // not base64: same answer as wrong credentials
            }
        }
        throw new HttpError(HttpError.PROXY_AUTH_REQUIRED, value == null ? "proxy credentials required" : "proxy credentials refused");
    }

    /**
     * What went wrong on the way to the destination, in words, with a status by cause: refused by
     * remote's rules 403, timeouts 504, the rest (refused, unreachable, remote unreachable) 502.
     * "pong: example.org:443 refused by remote: host unreachable (rst 4)".
     */
    static HttpError gatewayError(Address destination, IOException e) {
        if (e instanceof HttpError h) return h;
        if (e instanceof PongException p) {
            int status = switch (p.code()) {
                case ERR_RULE -> HttpError.FORBIDDEN;
                case ERR_DIAL_TIMEOUT, ERR_TTL_EXPIRED -> HttpError.GATEWAY_TIMEOUT;
                default -> HttpError.BAD_GATEWAY;
            };
            String what = p instanceof PeerReset r
                    ? (r.refused() ? "refused by remote: " : "reset by remote: ") + p.code().explain()
                    : p.code() == ErrorCode.ERR_CONN_TIMEOUT ? "the tunnel to remote was lost" : p.getMessage();
            return new HttpError(status, "pong: " + destination + " " + what);
        }
        return new HttpError(HttpError.BAD_GATEWAY, "pong: " + destination + ": connection failed: " + e.getMessage());
    }

    /**
     * Answers with the error and closes. What the app still sends is read and dropped (bounded, within the
     * socket timeout) so that closing does not reset the connection before the app has read the answer.
     */
    private static void refuse(Socket app, InputStream in, OutputStream appOut, HttpError e) {
        LOG.log(Level.INFO, "app {0}: HTTP {1}: {2}", app.getRemoteSocketAddress(), e.status(), e.getMessage());
        byte[] text = (e.getMessage().replaceAll("[\\r\\n]", " ") + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(200)
                .append("HTTP/1.1 ").append(e.status()).append(' ').append(HttpError.reason(e.status())).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(text.length).append("\r\n")
                .append("Connection: close\r\n");
        if (e.status() == HttpError.PROXY_AUTH_REQUIRED) head.append("Proxy-Authenticate: Basic realm=\"pong\", charset=\"UTF-8\"\r\n");
        head.append("\r\n");
        try {
            appOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            appOut.write(text);
            appOut.flush();
            app.shutdownOutput();
            if (app.getSoTimeout() == 0) return; // a relayed connection: no bound on the drain
            byte[] sink = new byte[16 * 1024];
            long drained = 0;
            int n;
            while (drained < MAX_DRAIN && (n = in.read(sink)) > 0) drained += n;
        } catch (IOException ignored) {
            // the app went away: nothing more to tell it
        }
    }
}
