package pong.transport;

import java.net.InetSocketAddress;

/**
 * Where to listen or connect: {@code tls://HOST:PORT}, {@code tcp://HOST:PORT}, or a bare
 * {@code HOST:PORT} where the caller allows it. IPv6 hosts go in brackets: {@code tls://[::1]:8443}.
 */
public record Endpoint(boolean tls, String host, int port) {

    /**
     * @param defaultTls what a value without a scheme means, or null when a scheme is required
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static Endpoint parse(String value, Boolean defaultTls) {
        String rest = value.trim();
        boolean tls;
        if (rest.startsWith("tls://")) {
            tls = true;
            rest = rest.substring(6);
        } else if (rest.startsWith("tcp://")) {
            tls = false;
            rest = rest.substring(6);
        } else if (rest.contains("://")) {
            throw new IllegalArgumentException("unknown scheme in '" + value + "' (use tls:// or tcp://)");
        } else if (defaultTls == null) {
            throw new IllegalArgumentException("'" + value + "' needs a scheme: tls://HOST:PORT or tcp://HOST:PORT");
        } else {
            tls = defaultTls;
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("'" + value + "' is not HOST:PORT");
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) throw new IllegalArgumentException("IPv6 host in '" + value + "' must be in brackets");
        if (host.isEmpty()) throw new IllegalArgumentException("'" + value + "' has no host");
        return new Endpoint(tls, host, parsePort(rest.substring(colon + 1), value));
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

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (tls ? "tls://" : "tcp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
