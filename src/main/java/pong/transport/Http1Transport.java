package pong.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * {@code http://} and {@code https://}: pong-go's "h1" transport. Local sends one request head,
 * {@code POST PATH HTTP/1.1} with {@code Host} and no body; remote answers {@code HTTP/1.1 200 OK} and
 * from then on the connection is the raw tunnel byte stream both ways (in TLS for https), as over tcp or
 * tls. That is not HTTP any proxy can follow, so this form cannot pass nginx, Caddy or any other HTTP
 * front; it exists to talk to pong-go. Remote answers anything else like the ws listener (404, 400).
 * Heads are read byte by byte so that not one tunnel byte after them is consumed (in TLS from the
 * {@link TlsChannel}'s buffer of decrypted bytes, not from the socket).
 */
final class Http1Transport implements Transport {
    /** What pong-go's client sends; any value is accepted. */
    static final String USER_AGENT = "Mozilla/5.0";
    static final String OK_HEAD = "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\n\r\n";

    private final boolean secure;

    Http1Transport(boolean secure) {
        this.secure = secure;
    }

    @Override public String scheme() { return secure ? "https" : "http"; }
    @Override public int defaultPort() { return secure ? 443 : 80; }
    @Override public boolean secure() { return secure; }
    @Override public boolean http() { return true; }

    @Override
    public Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = Transports.dial(to, timeout);
        try {
            Conduit c = Transports.clientStream(raw, to, options, deadline, secure, scheme());
            String request = "POST " + to.path() + " HTTP/1.1\r\nHost: " + HttpListener.authority(to, options, defaultPort())
                    + "\r\nUser-Agent: " + USER_AGENT + "\r\n\r\n";
            OutputStream out = c.output();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            HttpHeaderBlock response = HttpHeaderBlock.read(c.input());
            if (!response.startLine().startsWith("HTTP/1.1 200 ")) {
                throw new IOException("remote at " + to + " refused the tunnel request: '" + response.startLine() + "'");
            }
            raw.setSoTimeout(0);
            return c;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public Server server(Endpoint listen, ServerOptions options) {
        if (secure && options.tls() == null) throw new IllegalArgumentException(scheme() + ":// needs a TLS certificate");
        String path = listen.path();
        Predicate<InetAddress> trusted = HttpListener.trusted(options);
        return (accepted, sink) -> {
            Transports.prepareAccepted(accepted, options.handshakeTimeout());
            TlsChannel tls = secure ? Tls.serverChannel(accepted, options.tls()) : null;
            InputStream in = secure ? tls.input() : accepted.getInputStream();
            OutputStream out = secure ? tls.output() : accepted.getOutputStream();
            HttpHeaderBlock request;
            try {
                request = HttpHeaderBlock.read(in);
            } catch (HttpHeaderBlock.MalformedException e) {
                HttpListener.respond(out, "400 Bad Request", HttpListener.BAD_REQUEST_PAGE);
                throw new IOException("not HTTP: " + e.getMessage());
            }
            String why = refusal(request, path);
            if (why != null) {
                HttpListener.respond(out, "404 Not Found", HttpListener.NOT_FOUND_PAGE);
                throw new IOException("not a tunnel request on " + path + ": " + why);
            }
            InetSocketAddress peer = HttpListener.clientAddress((InetSocketAddress) accepted.getRemoteSocketAddress(),
                    request.all("x-forwarded-for"), trusted);
            out.write(OK_HEAD.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            accepted.setSoTimeout(0); // from here the caller's deadline bounds the connection header
            sink.accept(secure ? new TlsConduit(tls, scheme(), peer) : new SocketConduit(accepted, scheme(), peer));
        };
    }

    /** Why a well-formed request is no tunnel request (null: it is one). A request body is not allowed: its bytes would be the tunnel's. */
    static String refusal(HttpHeaderBlock request, String path) throws HttpHeaderBlock.MalformedException {
        String[] parts = request.startLine().split(" ", -1);
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) throw new HttpHeaderBlock.MalformedException("malformed request line");
        if (!parts[0].equals("POST")) return "method " + parts[0];
        int query = parts[1].indexOf('?');
        if (!(query >= 0 ? parts[1].substring(0, query) : parts[1]).equals(path)) return "other path";
        if (!parts[2].equals("HTTP/1.1")) return "not HTTP/1.1";
        if (request.single("host") == null) return "no Host";
        String length = request.single("content-length");
        if ((length != null && !length.equals("0")) || request.single("transfer-encoding") != null) return "a request body";
        return null;
    }
}
