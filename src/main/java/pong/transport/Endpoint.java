package pong.transport;

import java.net.InetSocketAddress;

/**
 * Where to listen or connect: {@code SCHEME://HOST[:PORT][/PATH]} with a scheme from {@link Transports}
 * ({@code tcp}, {@code tls}, {@code ws}, {@code wss}, {@code h2c}, {@code h2}, {@code grpc}, {@code grpcs}, {@code http},
 * {@code https}), or a bare {@code HOST:PORT} where the caller allows it. IPv6 hosts go in brackets:
 * {@code tls://[::1]:8443}. The port may be left out only where the scheme has a default (80 for the
 * plain HTTP-based schemes, 443 for those in TLS); the path only means something for HTTP-based schemes
 * and defaults to {@code /} (which grpc and grpcs read as their default path).
 */
public record Endpoint(String scheme, String host, int port, String path) {

    public Endpoint {
        Transports.of(scheme);
    }

    /** An endpoint with the default path. */
    public Endpoint(String scheme, String host, int port) {
        this(scheme, host, port, "/");
    }

    /**
     * @param defaultScheme what a value without a scheme means, or null when a scheme is required
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static Endpoint parse(String value, String defaultScheme) {
        String rest = value.trim();
        String scheme;
        int sep = rest.indexOf("://");
        if (sep >= 0) {
            scheme = rest.substring(0, sep).toLowerCase();
            if (!Transports.schemes().contains(scheme)) {
                throw new IllegalArgumentException("unknown scheme in '" + value + "' (use " + Transports.schemesText() + ")");
            }
            rest = rest.substring(sep + 3);
        } else if (defaultScheme == null) {
            throw new IllegalArgumentException("'" + value + "' needs a scheme: " + Transports.schemesText() + " before HOST:PORT");
        } else {
            scheme = defaultScheme;
        }
        Transport transport = Transports.of(scheme);
        String path = "/";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash);
            rest = rest.substring(0, slash);
            if (!transport.http() && !path.equals("/")) {
                throw new IllegalArgumentException("'" + value + "': " + scheme + ":// takes no path");
            }
            if (!validPath(path)) throw new IllegalArgumentException("bad path '" + path + "' in '" + value + "'");
        }
        String host;
        int port;
        int colon = rest.lastIndexOf(':');
        boolean hasPort = colon > 0 && (rest.indexOf(':') == colon || rest.charAt(colon - 1) == ']');
        if (hasPort) {
            host = rest.substring(0, colon);
            port = parsePort(rest.substring(colon + 1), value);
        } else if (transport.defaultPort() >= 0) {
            host = rest;
            port = transport.defaultPort();
        } else {
            throw new IllegalArgumentException("'" + value + "' is not " + (sep >= 0 ? scheme + "://" : "") + "HOST:PORT");
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) throw new IllegalArgumentException("IPv6 host in '" + value + "' must be in brackets");
        if (host.isEmpty()) throw new IllegalArgumentException("'" + value + "' has no host");
        return new Endpoint(scheme, host, port, path);
    }

    /** An absolute path of visible ASCII without a query or fragment: it is compared as is. */
    private static boolean validPath(String path) {
        if (!path.startsWith("/")) return false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') return false;
        }
        return true;
    }

    static int parsePort(String s, String whole) {
        int port;
        try {
            port = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port '" + s + "' in '" + whole + "' (0..65535)");
        return port;
    }

    public Transport transport() {
        return Transports.of(scheme);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The host as it goes in a URL or Host header: IPv6 in brackets. */
    public String hostForUrl() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** The same endpoint on another port (the port a listener really got when asked for 0). */
    public Endpoint withPort(int newPort) {
        return new Endpoint(scheme, host, newPort, path);
    }

    @Override
    public String toString() {
        return scheme + "://" + hostForUrl() + ":" + port + (transport().http() ? path : "");
    }
}
