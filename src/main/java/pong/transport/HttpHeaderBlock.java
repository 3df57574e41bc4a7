package pong.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 message head as HTTP-based transports exchange it before their upgrade: the start line
 * and the header fields, read strictly (CRLF line ends, no folded lines, a bounded size) and byte by
 * byte, so that not one byte after the head is consumed. Immutable once read.
 */
final class HttpHeaderBlock {
    /** Far more than any upgrade request or response needs; a longer head is refused. */
    static final int MAX_HEAD = 8 * 1024;

    /** The head could not be read as HTTP: the message says why. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private final String startLine;
    private final List<String[]> fields; // {lower-case name, value}

    private HttpHeaderBlock(String startLine, List<String[]> fields) {
        this.startLine = startLine;
        this.fields = fields;
    }

    /** Reads one head. EOF before its first byte and a timeout are plain IOExceptions; anything malformed is a {@link MalformedException}. */
    static HttpHeaderBlock read(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_HEAD];
        int n = 0;
        while (n < 4 || buf[n - 1] != '\n' || buf[n - 2] != '\r' || buf[n - 3] != '\n' || buf[n - 4] != '\r') {
            int b = in.read();
            if (b < 0) throw new EOFException(n == 0 ? "closed before sending anything" : "closed inside the HTTP head");
            if (n == MAX_HEAD) throw new MalformedException("HTTP head longer than " + MAX_HEAD + " bytes");
            buf[n++] = (byte) b;
        }
        String text = new String(buf, 0, n - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) throw new MalformedException("malformed header line");
            String value = line.substring(colon + 1).strip();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw new MalformedException("control character in a header value");
            }
            fields.add(new String[] {line.substring(0, colon).toLowerCase(Locale.ROOT), value});
        }
        if (lines[0].indexOf('\n') >= 0) throw new MalformedException("bare line feed in the start line");
        return new HttpHeaderBlock(lines[0], List.copyOf(fields));
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return !s.isEmpty();
    }

    String startLine() {
        return startLine;
    }

    /** Every value of this field, in order (names are case-insensitive). */
    List<String> all(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String[] f : fields) if (f[0].equals(key)) out.add(f[1]);
        return out;
    }

    /** The field's only value; null when absent; a {@link MalformedException} when given twice. */
    String single(String name) throws MalformedException {
        List<String> v = all(name);
        if (v.size() > 1) throw new MalformedException(name + " given " + v.size() + " times");
        return v.isEmpty() ? null : v.get(0);
    }

    /** True when a comma-separated field (like Connection) lists the token, in any case. */
    boolean hasToken(String name, String token) {
        for (String v : all(name)) {
            for (String t : v.split(",")) if (t.strip().equalsIgnoreCase(token)) return true;
        }
        return false;
    }
}
