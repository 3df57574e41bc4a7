package pong.local;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of an HTTP/1.x message: start line and header fields, in order, read with limits so that
 * no peer can make us buffer more than {@link #MAX_HEAD} bytes. Header names compare case-insensitively.
 * Not thread-safe: one message on one thread.
 */
final class HttpHead {
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_FIELDS = 200;

    private String startLine;
    private final List<String[]> fields = new ArrayList<>();

    private HttpHead(String startLine) {
        this.startLine = startLine;
    }

    /**
     * Reads a head up to and including its empty line.
     *
     * @return null when the input ends cleanly before the first byte (a keep-alive connection closed)
     * @throws HttpError 400 for heads that are too long or malformed
     * @throws java.io.EOFException when the input ends inside the head
     */
    static HttpHead read(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD};
        String line;
        // RFC 9112 section 2.2: ignore empty lines before the start line
        do {
            line = readLine(in, budget, true);
            if (line == null) return null;
        } while (line.isEmpty());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < ' ' || c == 0x7f) throw new HttpError(HttpError.BAD_REQUEST, "control character in the start line");
        }
        HttpHead head = new HttpHead(line);
        while (!(line = readLine(in, budget, false)).isEmpty()) {
            if (head.fields.size() == MAX_FIELDS) throw new HttpError(HttpError.BAD_REQUEST, "more than " + MAX_FIELDS + " header lines");
            head.fields.add(field(line));
        }
        return head;
    }

    /**
     * One field line, strictly (RFC 9112 section 5, RFC 9110 section 5.5): a token name directly followed
     * by the colon, a value without CR, LF, NUL or other controls except HTAB (a bare CR or a NUL could be
     * read as a line end by the next hop: a smuggled header). Folded lines (obs-fold) are refused.
     */
    static String[] field(String line) throws HttpError {
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') throw new HttpError(HttpError.BAD_REQUEST, "folded header lines are not accepted");
        int colon = line.indexOf(':');
        if (colon <= 0) throw new HttpError(HttpError.BAD_REQUEST, "malformed header line");
        for (int i = 0; i < colon; i++) {
            if (!isTchar(line.charAt(i))) throw new HttpError(HttpError.BAD_REQUEST, "malformed header name");
        }
        String value = ows(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) throw new HttpError(HttpError.BAD_REQUEST, "control character in a header value");
        }
        return new String[] {line.substring(0, colon), value};
    }

    /** Without leading and trailing SP and HTAB (optional whitespace), and nothing else. */
    static String ows(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) from++;
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) to--;
        return s.substring(from, to);
    }

    /** RFC 9110 tchar: what a token (a method, a field name, a transfer coding) is made of. */
    static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!isTchar(s.charAt(i))) return false;
        return true;
    }

    private static String readLine(InputStream in, int[] budget, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofAllowed && b.size() == 0) return null;
                throw new EOFException("connection ended inside an HTTP head");
            }
            if (--budget[0] < 0) throw new HttpError(HttpError.BAD_REQUEST, "HTTP head longer than " + MAX_HEAD + " bytes");
            if (c == '\n') break;
            if (b.size() == MAX_LINE) throw new HttpError(HttpError.BAD_REQUEST, "HTTP line longer than " + MAX_LINE + " bytes");
            b.write(c);
        }
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    String startLine() {
        return startLine;
    }

    void startLine(String line) {
        this.startLine = line;
    }

    /** The first value of the field, or null. */
    String get(String name) {
        for (String[] f : fields) if (f[0].equalsIgnoreCase(name)) return f[1];
        return null;
    }

    /** Every value of the field, in order. */
    List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String[] f : fields) if (f[0].equalsIgnoreCase(name)) out.add(f[1]);
        return out;
    }

    /** True when a comma-separated field (Connection, Transfer-Encoding, ...) lists the token. */
    boolean hasToken(String name, String token) {
        for (String v : all(name)) {
            for (String t : v.split(",")) if (t.strip().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    void remove(String name) {
        fields.removeIf(f -> f[0].equalsIgnoreCase(name));
    }

    void set(String name, String value) {
        remove(name);
        fields.add(new String[] {name, value});
    }

    /**
     * Removes the hop-by-hop fields (RFC 9110 section 7.6.1): those Connection names and the fixed
     * set that only concern one connection. Transfer-Encoding stays, since bodies pass through as framed.
     */
    void removeHopByHop() {
        for (String v : all("Connection")) {
            for (String t : v.split(",")) if (!t.isBlank()) remove(t.strip().toLowerCase(Locale.ROOT));
        }
        for (String h : new String[] {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization",
                "Proxy-Authenticate", "TE", "Upgrade"}) {
            remove(h);
        }
    }

    void writeTo(OutputStream out) throws IOException {
        StringBuilder b = new StringBuilder(256).append(startLine).append("\r\n");
        for (String[] f : fields) b.append(f[0]).append(": ").append(f[1]).append("\r\n");
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
