package pong.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import pong.protocol.Address;

/**
 * What every HTTP-based listener (ws, wss, h2c, h2, grpc, grpcs, http, https) shares: the same boring
 * refusal pages for anything that is not a tunnel on our path, so nothing hints that a proxy listens
 * there, and the client's address behind trusted proxies. Stateless; any thread.
 */
final class HttpListener {
    static final String NOT_FOUND_PAGE = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
            + "<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n";
    static final String BAD_REQUEST_PAGE = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
            + "<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n";

    private HttpListener() {
    }

    /** Writes an HTTP/1.1 response with this status and page and {@code Connection: close}; a client that left gets nothing. */
    static void respond(OutputStream out, String status, String page) {
        byte[] body = page.getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/html\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try {
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // the client left; it would have got nothing more anyway
        }
    }

    /**
     * The client's address: the connection's, unless that is a trusted proxy; then the right-most
     * X-Forwarded-For entry that is not a trusted proxy (all trusted: the left-most). An entry that is no
     * IP address stops the walk there: what lies left of it cannot be believed.
     *
     * @param forwardedFor every X-Forwarded-For value of the request, in order
     */
    static InetSocketAddress clientAddress(InetSocketAddress connection, List<String> forwardedFor, Predicate<InetAddress> trusted) {
        if (!trusted.test(connection.getAddress())) return connection;
        List<String> hops = new ArrayList<>();
        for (String v : forwardedFor) for (String h : v.split(",")) hops.add(h.strip());
        InetAddress client = connection.getAddress();
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = ipOf(hops.get(i));
            if (hop == null) break;
            client = hop;
            if (!trusted.test(hop)) break;
        }
        return new InetSocketAddress(client, client.equals(connection.getAddress()) ? connection.getPort() : 0);
    }

    private static InetAddress ipOf(String s) {
        String host = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        byte[] ip = Address.ipLiteral(host);
        if (ip == null) return null;
        try {
            return InetAddress.getByAddress(ip);
        } catch (IOException e) {
            return null;
        }
    }

    /** The trusted-proxy test of a listener's options: nobody when none are configured. */
    static Predicate<InetAddress> trusted(ServerOptions options) {
        return options.trustedProxy() != null ? options.trustedProxy() : a -> false;
    }

    /** The Host header (or :authority) local sends: http.host, else the URL's host with its port unless it is the default. */
    static String authority(Endpoint to, ClientOptions options, int defaultPort) {
        return options.httpHost() != null ? options.httpHost() : to.hostForUrl() + (to.port() == defaultPort ? "" : ":" + to.port());
    }
}
