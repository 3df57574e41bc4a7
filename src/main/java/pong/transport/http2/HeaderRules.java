package pong.transport.http2;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The field rules of RFC 9113 section 8.2 and 8.3 that a received header block must follow; a block that
 * breaks them is malformed, a stream error of type PROTOCOL_ERROR. Stateless.
 */
final class HeaderRules {
    enum Kind { REQUEST, RESPONSE, TRAILERS }

    private static final Set<String> REQUEST_PSEUDO = Set.of(":method", ":scheme", ":authority", ":path", ":protocol");
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "proxy-connection", "keep-alive",
            "transfer-encoding", "upgrade");

    private HeaderRules() {
    }

    static void check(List<HeaderField> fields, Kind kind, int stream) throws Http2Exception {
        boolean regularSeen = false;
        Set<String> pseudo = new HashSet<>();
        for (HeaderField f : fields) {
            String n = f.name();
            if (n.isEmpty()) throw malformed(stream, "empty field name");
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                if (c >= 'A' && c <= 'Z' || c <= 0x20 || c >= 0x7f || (c == ':' && i > 0)) throw malformed(stream, "field name " + n);
            }
            String v = f.value();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == 0 || c == '\r' || c == '\n') throw malformed(stream, "field value of " + n + " holds NUL, CR or LF");
            }
            if (n.charAt(0) == ':') {
                if (regularSeen) throw malformed(stream, n + " after a regular field");
                boolean allowed = switch (kind) {
                    case REQUEST -> REQUEST_PSEUDO.contains(n);
                    case RESPONSE -> n.equals(":status");
                    case TRAILERS -> false;
                };
                if (!allowed) throw malformed(stream, "pseudo-header " + n + " in " + kind);
                if (!pseudo.add(n)) throw malformed(stream, "pseudo-header " + n + " twice");
                continue;
            }
            regularSeen = true;
            if (CONNECTION_SPECIFIC.contains(n)) throw malformed(stream, "connection-specific field " + n);
            if (n.equals("te") && !v.equals("trailers")) throw malformed(stream, "te: " + v);
        }
        if (kind == Kind.RESPONSE && !pseudo.contains(":status")) throw malformed(stream, "response without :status");
        if (kind == Kind.REQUEST) {
            if (!pseudo.contains(":method")) throw malformed(stream, "request without :method");
            boolean connect = fields.stream().anyMatch(f -> f.name().equals(":method") && f.value().equals("CONNECT"));
            if (!connect && (!pseudo.contains(":scheme") || !pseudo.contains(":path"))) {
                throw malformed(stream, "request without :scheme or :path");
            }
        }
    }

    private static Http2Exception malformed(int stream, String why) {
        return new Http2Exception(Http2Error.PROTOCOL_ERROR, stream, "malformed header block: " + why);
    }
}
