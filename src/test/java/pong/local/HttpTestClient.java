package pong.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw HTTP/1.1 client connection to local for tests; reads responses with the proxy's own head parser and body framing. */
final class HttpTestClient implements AutoCloseable {
    /** A response: status line fields, head and body. */
    record Response(int status, HttpHead head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final InputStream in;

    HttpTestClient(int proxyPort) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
    }

    void send(String head) throws IOException {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Sends a GET with these extra header lines (each ending in CRLF) and reads the response. */
    Response get(String url, String extraHeaders) throws IOException {
        send("GET " + url + " HTTP/1.1\r\nHost: ignored.example\r\n" + extraHeaders + "\r\n");
        return read("GET");
    }

    Response read(String method) throws IOException {
        HttpHead head = HttpHead.read(in);
        if (head == null) throw new EOFException("connection closed, no response");
        int status = Integer.parseInt(head.startLine().split(" ")[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpBody.ofResponse(head, method, status).copy(in, body);
        byte[] b = body.toByteArray();
        if (head.hasToken("Transfer-Encoding", "chunked")) b = dechunk(b);
        return new Response(status, head, b);
    }

    /** True when the proxy has closed the connection (EOF or reset). */
    boolean closedByProxy() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int eol = indexOf(chunked, pos);
            String line = new String(chunked, pos, eol - pos, StandardCharsets.ISO_8859_1).strip();
            int size = Integer.parseInt(line.split(";")[0], 16);
            pos = eol + 2;
            if (size == 0) return out.toByteArray();
            out.write(chunked, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        throw new IllegalArgumentException("no CRLF");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
