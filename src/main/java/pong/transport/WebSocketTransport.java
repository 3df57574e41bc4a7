package pong.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * {@code ws://} and {@code wss://}: the tunnel in WebSocket binary messages (RFC 6455) after an
 * HTTP/1.1 upgrade on the URL's path, in TLS for wss. The 17-byte connection header then travels as
 * the first bytes of the tunnel's byte stream, as over tls. Framing is {@link WebSocketConduit}'s.
 *
 * <p>Remote answers anything but a valid upgrade on its path with a plain 404 page (400 for what is
 * not HTTP at all) and closes: nothing hints that a proxy listens there. One request per connection.
 * Behind a proxy in {@code listen.trusted.proxies}, the client's address is the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries further left can be forged).
 */
final class WebSocketTransport implements Transport {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int IO_BUFFER = 64 * 1024;

    private final boolean secure;

    WebSocketTransport(boolean secure) {
        this.secure = secure;
    }

    @Override public String scheme() { return secure ? "wss" : "ws"; }
    @Override public int defaultPort() { return secure ? 443 : 80; }
    @Override public boolean secure() { return secure; }
    @Override public boolean http() { return true; }

    // ---- local's half

    @Override
    public Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket raw = Transports.dial(to, timeout);
        try {
            Conduit base = Transports.clientStream(raw, to, options, deadline, secure, secure ? "tls" : "tcp");
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String host = HttpListener.authority(to, options, defaultPort());
            String request = "GET " + to.path() + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = base.output();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(base.input(), IO_BUFFER);
            HttpHeaderBlock response = HttpHeaderBlock.read(in);
            String status = response.startLine();
            if (!status.startsWith("HTTP/1.1 101 ")) {
                throw new IOException("remote did not upgrade to WebSocket at " + to + ": '" + status + "'");
            }
            if (!response.hasToken("upgrade", "websocket") || !response.hasToken("connection", "upgrade")
                    || !accept(key).equals(response.single("sec-websocket-accept"))) {
                throw new IOException("remote at " + to + " answered the WebSocket upgrade with wrong Upgrade, Connection or Sec-WebSocket-Accept headers");
            }
            if (!response.all("sec-websocket-extensions").isEmpty() || !response.all("sec-websocket-protocol").isEmpty()) {
                throw new IOException("remote at " + to + " chose a WebSocket extension or subprotocol nobody asked for");
            }
            raw.setSoTimeout(0);
            return new WebSocketConduit(base, in, true, (InetSocketAddress) raw.getRemoteSocketAddress(), scheme());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    // ---- remote's half

    @Override
    public Server server(Endpoint listen, ServerOptions options) {
        if (secure && options.tls() == null) throw new IllegalArgumentException(scheme() + ":// needs a TLS certificate");
        String path = listen.path();
        Predicate<InetAddress> trusted = HttpListener.trusted(options);
        return (accepted, sink) -> {
            Transports.prepareAccepted(accepted, options.handshakeTimeout());
            Conduit base = Transports.serverStream(accepted, options, secure, secure ? "tls" : "tcp");
            InputStream in = new BufferedInputStream(base.input(), IO_BUFFER);
            OutputStream out = base.output();
            HttpHeaderBlock request;
            String key;
            try {
                request = HttpHeaderBlock.read(in);
                key = upgradeKey(request, path);
            } catch (HttpHeaderBlock.MalformedException e) {
                HttpListener.respond(out, "400 Bad Request", HttpListener.BAD_REQUEST_PAGE);
                throw new IOException("not HTTP: " + e.getMessage());
            } catch (NotAnUpgrade e) {
                HttpListener.respond(out, "404 Not Found", HttpListener.NOT_FOUND_PAGE);
                throw new IOException("not a WebSocket upgrade on " + path + ": " + e.getMessage());
            }
            InetSocketAddress peer = clientAddress((InetSocketAddress) accepted.getRemoteSocketAddress(), request, trusted);
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            accepted.setSoTimeout(0); // from here the caller's deadline bounds the connection header
            sink.accept(new WebSocketConduit(base, in, false, peer, scheme()));
        };
    }

    /** A well-formed HTTP request that is not a valid WebSocket upgrade on our path; the message says why. */
    static final class NotAnUpgrade extends Exception {
        NotAnUpgrade(String why) {
            super(why, null, false, false);
        }
    }

    /** The request's Sec-WebSocket-Key once the request is checked as RFC 6455 section 4.2.1 asks. */
    static String upgradeKey(HttpHeaderBlock request, String path) throws HttpHeaderBlock.MalformedException, NotAnUpgrade {
        String[] parts = request.startLine().split(" ", -1);
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) throw new HttpHeaderBlock.MalformedException("malformed request line");
        if (!parts[0].equals("GET")) throw new NotAnUpgrade("method " + parts[0]);
        String target = parts[1];
        int query = target.indexOf('?');
        if (!(query >= 0 ? target.substring(0, query) : target).equals(path)) throw new NotAnUpgrade("other path");
        if (!parts[2].equals("HTTP/1.1")) throw new NotAnUpgrade("not HTTP/1.1");
        if (request.single("host") == null) throw new NotAnUpgrade("no Host");
        if (!request.hasToken("upgrade", "websocket")) throw new NotAnUpgrade("no Upgrade: websocket");
        if (!request.hasToken("connection", "upgrade")) throw new NotAnUpgrade("no Connection: upgrade");
        if (!"13".equals(request.single("sec-websocket-version"))) throw new NotAnUpgrade("Sec-WebSocket-Version is not 13");
        String key = request.single("sec-websocket-key");
        byte[] nonce;
        try {
            nonce = key == null ? null : Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            nonce = null;
        }
        if (nonce == null || nonce.length != 16 || key.length() != 24) throw new NotAnUpgrade("no valid Sec-WebSocket-Key");
        return key;
    }

    /** The client's address behind trusted proxies ({@link HttpListener#clientAddress}). */
    static InetSocketAddress clientAddress(InetSocketAddress connection, HttpHeaderBlock request, Predicate<InetAddress> trusted) {
        return HttpListener.clientAddress(connection, request.all("x-forwarded-for"), trusted);
    }

    /** Sec-WebSocket-Accept for a key (RFC 6455 section 4.2.2). */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }
}
