package pong.local;

import java.util.Locale;
import pong.protocol.Address;

/**
 * Where a proxied HTTP request goes: the destination and the origin-form path (RFC 9112 section 3.2)
 * that replaces the absolute URI on the request line. Immutable.
 */
record HttpTarget(Address address, String path) {
    static final int HTTP_PORT = 80;
    private static final String HTTP = "http://";

    /** An absolute-form target, {@code http://host[:port][/path][?query]}. */
    static HttpTarget absolute(String uri) throws HttpError {
        if (uri.length() < HTTP.length() || !uri.substring(0, HTTP.length()).toLowerCase(Locale.ROOT).equals(HTTP)) {
            throw new HttpError(HttpError.BAD_REQUEST, uri.regionMatches(true, 0, "https://", 0, 8)
                    ? "https:// URIs go through CONNECT" : "a proxy needs an absolute http:// URI");
        }
        String rest = uri.substring(HTTP.length());
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) end = i;
        }
        String authority = rest.substring(0, end);
        String path = rest.substring(end);
        int hash = path.indexOf('#');
        if (hash >= 0) path = path.substring(0, hash);
        if (path.isEmpty() || path.charAt(0) != '/') path = "/" + path;
        int at = authority.lastIndexOf('@');
        if (at >= 0) authority = authority.substring(at + 1); // userinfo is not for the origin
        return new HttpTarget(authority(authority, HTTP_PORT), path);
    }

    /** {@code host[:port]} or {@code [v6]:port}; the port may be left out only when a default is given (> 0). */
    static Address authority(String s, int defaultPort) throws HttpError {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw new HttpError(HttpError.BAD_REQUEST, "unclosed [ in host");
            host = s.substring(1, close);
            String after = s.substring(close + 1);
            if (after.startsWith(":")) port = after.substring(1);
            else if (!after.isEmpty()) throw new HttpError(HttpError.BAD_REQUEST, "bad host");
        } else {
            int colon = s.lastIndexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            if (colon >= 0) port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) throw new HttpError(HttpError.BAD_REQUEST, "IPv6 hosts go in brackets");
        }
        if (host.isEmpty() || host.length() > 255) throw new HttpError(HttpError.BAD_REQUEST, "bad host");
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == '@') throw new HttpError(HttpError.BAD_REQUEST, "bad character in host");
        }
        int p;
        if (port == null || port.isEmpty()) {
            if (defaultPort <= 0) throw new HttpError(HttpError.BAD_REQUEST, "port missing");
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) throw new HttpError(HttpError.BAD_REQUEST, "bad port");
        }
        return new Address(host, p);
    }

    /** The Host field value for this target. */
    String hostField() {
        String h = address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
        return address.port() == HTTP_PORT ? h : h + ":" + address.port();
    }
}
