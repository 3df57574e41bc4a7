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
 * How an HTTP/1.x message body is delimited (RFC 9112 section 6.3), and the copy that passes it
 * through unchanged: chunked bodies go chunk by chunk with their framing, so the next message on a
 * keep-alive connection starts exactly where this one ends. Stateless; any thread.
 */
record HttpBody(Kind kind, long length) {
    enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    static final HttpBody NONE = new HttpBody(Kind.NONE, 0);
    static final HttpBody CHUNKED = new HttpBody(Kind.CHUNKED, -1);
    static final HttpBody UNTIL_CLOSE = new HttpBody(Kind.UNTIL_CLOSE, -1);
    private static final int COPY_BUFFER = 16 * 1024;

    /**
     * A request's body; a request without Content-Length or chunked has none. Strict (RFC 9112 section
     * 6): Transfer-Encoding must be HTTP/1.1 and end in one chunked; together with Content-Length it is
     * refused (two framings is how requests are smuggled); Content-Length must be digits, and a list of
     * equal values is forwarded as one value.
     */
    static HttpBody ofRequest(HttpHead head, String version) throws HttpError {
        if (!head.all("Transfer-Encoding").isEmpty()) {
            if (!version.equals("HTTP/1.1")) throw new HttpError(HttpError.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
            if (!head.all("Content-Length").isEmpty()) throw new HttpError(HttpError.BAD_REQUEST, "both Transfer-Encoding and Content-Length");
            List<String> codings = codings(head);
            if (codings == null || !codings.get(codings.size() - 1).equals("chunked") || codings.indexOf("chunked") != codings.size() - 1) {
                throw new HttpError(HttpError.BAD_REQUEST, "request Transfer-Encoding must end with chunked, once");
            }
            return CHUNKED;
        }
        long n = contentLength(head, HttpError.BAD_REQUEST);
        return n <= 0 ? NONE : new HttpBody(Kind.LENGTH, n);
    }

    /**
     * A response's body, which depends on the request method and the status too. With both
     * Transfer-Encoding and Content-Length, the Content-Length is dropped (RFC 9112 section 6.3).
     */
    static HttpBody ofResponse(HttpHead head, String requestMethod, int status) throws HttpError {
        if (requestMethod.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) return NONE;
        if (!head.all("Transfer-Encoding").isEmpty()) {
            head.remove("Content-Length");
            List<String> codings = codings(head);
            if (codings == null) throw new HttpError(HttpError.BAD_GATEWAY, "bad Transfer-Encoding from destination");
            return codings.get(codings.size() - 1).equals("chunked") && codings.indexOf("chunked") == codings.size() - 1
                    ? CHUNKED : UNTIL_CLOSE;
        }
        long n = contentLength(head, HttpError.BAD_GATEWAY);
        if (n < 0) return UNTIL_CLOSE;
        return n == 0 ? NONE : new HttpBody(Kind.LENGTH, n);
    }

    /** The transfer codings in order, lower case, without parameters; null when one is not a token. */
    private static List<String> codings(HttpHead head) {
        List<String> out = new ArrayList<>();
        for (String v : head.all("Transfer-Encoding")) {
            for (String part : v.split(",", -1)) {
                String c = HttpHead.ows(part);
                int semi = c.indexOf(';');
                if (semi >= 0) c = HttpHead.ows(c.substring(0, semi));
                if (!HttpHead.isToken(c)) return null;
                out.add(c.toLowerCase(Locale.ROOT));
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * The Content-Length (1*DIGIT; "+5", "-1", " 5x" are errors), or -1 without one; differing values are
     * an error (request smuggling), equal ones become one field.
     */
    private static long contentLength(HttpHead head, int status) throws HttpError {
        long n = -1;
        for (String v : head.all("Content-Length")) {
            for (String part : v.split(",", -1)) {
                String digits = HttpHead.ows(part);
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new HttpError(status, "bad Content-Length");
                }
                long m = Long.parseLong(digits);
                if (n >= 0 && m != n) throw new HttpError(status, "differing Content-Length values");
                n = m;
            }
        }
        if (n >= 0) head.set("Content-Length", Long.toString(n));
        return n;
    }

    /**
     * Copies this body from in to out, framing included. What has arrived is passed on whenever the
     * input has nothing more at hand (a streamed response that pauses must not wait in our buffer);
     * flushes at the end.
     */
    void copy(InputStream in, OutputStream out) throws IOException {
        switch (kind) {
            case NONE -> { }
            case LENGTH -> copyExactly(in, out, length);
            case UNTIL_CLOSE -> copyExactly(in, out, Long.MAX_VALUE);
            case CHUNKED -> copyChunked(in, out);
        }
        out.flush();
    }

    /**
     * Passes a chunked body on, each framing line checked before it is written (RFC 9112 section 7.1):
     * the size is 1*HEXDIG ("-0", "+5", " 5" are errors), extensions and trailer fields carry no controls.
     */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String line = chunkLine(in);
            long size = chunkSize(line);
            writeLine(out, line);
            if (size == 0) break;
            copyExactly(in, out, size);
            if (!chunkLine(in).isEmpty()) throw new HttpError(HttpError.BAD_REQUEST, "chunk not followed by CRLF");
            writeLine(out, "");
        }
        // trailer fields, then the empty line that ends the message
        String trailer;
        do {
            trailer = chunkLine(in);
            if (!trailer.isEmpty()) HttpHead.field(trailer);
            writeLine(out, trailer);
        } while (!trailer.isEmpty());
    }

    private static long chunkSize(String line) throws HttpError {
        int end = 0;
        while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) end++;
        String rest = line.substring(end);
        if (end == 0 || end > 15 || !(HttpHead.ows(rest).isEmpty() || HttpHead.ows(rest).startsWith(";"))) {
            throw new HttpError(HttpError.BAD_REQUEST, "bad chunk size line");
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) throw new HttpError(HttpError.BAD_REQUEST, "control character in a chunk extension");
        }
        return Long.parseLong(line.substring(0, end), 16);
    }

    private static String chunkLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(16);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new EOFException("body ended inside chunked framing");
            if (b.size() == HttpHead.MAX_LINE) throw new HttpError(HttpError.BAD_REQUEST, "chunk framing line too long");
            b.write(c);
        }
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Copies n bytes, or until the input ends when n is Long.MAX_VALUE (a body delimited by the close). */
    private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
        boolean untilEnd = n == Long.MAX_VALUE;
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, n)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                if (untilEnd) return;
                throw new EOFException("body ended " + n + " bytes early");
            }
            out.write(buf, 0, r);
            if (in.available() == 0) out.flush();
            if (!untilEnd) n -= r;
        }
    }
}
