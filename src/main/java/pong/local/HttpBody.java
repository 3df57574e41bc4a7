package pong.local;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

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

    /** A request's body; a request without Content-Length or chunked has none. */
    static HttpBody ofRequest(HttpHead head) throws HttpError {
        if (!head.all("Transfer-Encoding").isEmpty()) {
            if (isChunked(head)) return CHUNKED;
            throw new HttpError(HttpError.BAD_REQUEST, "request Transfer-Encoding must end with chunked");
        }
        long n = contentLength(head, HttpError.BAD_REQUEST);
        return n <= 0 ? NONE : new HttpBody(Kind.LENGTH, n);
    }

    /** A response's body, which depends on the request method and the status too. */
    static HttpBody ofResponse(HttpHead head, String requestMethod, int status) throws HttpError {
        if (requestMethod.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) return NONE;
        if (!head.all("Transfer-Encoding").isEmpty()) return isChunked(head) ? CHUNKED : UNTIL_CLOSE;
        long n = contentLength(head, HttpError.BAD_GATEWAY);
        if (n < 0) return UNTIL_CLOSE;
        return n == 0 ? NONE : new HttpBody(Kind.LENGTH, n);
    }

    private static boolean isChunked(HttpHead head) {
        java.util.List<String> te = head.all("Transfer-Encoding");
        String[] last = te.get(te.size() - 1).split(",");
        return last[last.length - 1].strip().equalsIgnoreCase("chunked");
    }

    /** The Content-Length, or -1 without one; differing values are an error (request smuggling). */
    private static long contentLength(HttpHead head, int status) throws HttpError {
        long n = -1;
        for (String v : head.all("Content-Length")) {
            for (String part : v.split(",")) {
                long m;
                try {
                    m = Long.parseLong(part.strip());
                } catch (NumberFormatException e) {
                    m = -1;
                }
                if (m < 0 || (n >= 0 && m != n)) throw new HttpError(status, "bad Content-Length");
                n = m;
            }
        }
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

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String line = chunkLine(in);
            writeLine(out, line);
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0 || hex.length() > 15) throw new HttpError(HttpError.BAD_REQUEST, "bad chunk size line");
            if (size == 0) break;
            copyExactly(in, out, size);
            if (!chunkLine(in).isEmpty()) throw new HttpError(HttpError.BAD_REQUEST, "chunk not followed by CRLF");
            writeLine(out, "");
        }
        // trailer fields, then the empty line that ends the message
        String trailer;
        do {
            trailer = chunkLine(in);
            writeLine(out, trailer);
        } while (!trailer.isEmpty());
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
