package pong.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.ProxyPair;

/**
 * The HTTP front as a strict RFC 9112 intermediary: every request whose framing or fields a next hop
 * could read differently is refused with 400 before anything of it that could be misread reaches the
 * origin, and what is forwarded is normalized (Host from the absolute URI, one Content-Length). Each
 * refused request carries a second request ("/smuggled") that a lax proxy would let through.
 */
@Timeout(120)
class HttpFrontIsAStrictIntermediaryEndToEndTest {
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private static ProxyPair pair;
    private static Origin origin;
    /** Everything the origin received, over all connections. */
    private static final StringBuffer received = new StringBuffer();

    @BeforeAll
    static void start() throws Exception {
        pair = ProxyPair.start();
        origin = Origin.start(HttpFrontIsAStrictIntermediaryEndToEndTest::answerEveryHead);
    }

    @AfterAll
    static void stop() {
        origin.close();
        pair.close();
    }

    static Stream<Arguments> refused() {
        String cl = "Content-Length: " + SMUGGLED.length() + "\r\n";
        return Stream.of(
                Arguments.of("chunked and Content-Length together",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n" + SMUGGLED)),
                Arguments.of("Connection naming Content-Length",
                        post(cl + "Connection: Content-Length\r\n", SMUGGLED)),
                Arguments.of("Connection naming Transfer-Encoding",
                        post("Transfer-Encoding: chunked\r\nConnection: Transfer-Encoding\r\n",
                                Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n")),
                Arguments.of("Connection naming Host", get("Connection: Host\r\n")),
                Arguments.of("a bare CR in a header value", get("X-A: one\rX-Smuggled: two\r\n")),
                Arguments.of("a NUL in a header value", get("X-A: one\0two\r\n")),
                Arguments.of("another control character in a header value", get("X-A: one\u000btwo\r\n")),
                Arguments.of("a header name that is not a token", get("X(A): 1\r\n")),
                Arguments.of("Content-Length with a plus sign", post("Content-Length: +5\r\n", "hello")),
                Arguments.of("a negative Content-Length", post("Content-Length: -5\r\n", "hello")),
                Arguments.of("Content-Length with trailing garbage", post("Content-Length: 5x\r\n", "hello")),
                Arguments.of("two different Content-Lengths in one field", post("Content-Length: 5, 6\r\n", "hello")),
                Arguments.of("two different Content-Length fields", post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello")),
                Arguments.of("chunk size -0", post("Transfer-Encoding: chunked\r\n", "-0\r\n\r\n" + SMUGGLED)),
                Arguments.of("chunk size +5", post("Transfer-Encoding: chunked\r\n", "+5\r\nhello\r\n0\r\n\r\n" + SMUGGLED)),
                Arguments.of("chunk size with leading space", post("Transfer-Encoding: chunked\r\n", " 5\r\nhello\r\n0\r\n\r\n" + SMUGGLED)),
                Arguments.of("a bare CR in a chunk extension", post("Transfer-Encoding: chunked\r\n", "5;a\rb\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunked twice", post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n0\r\n\r\n" + SMUGGLED)),
                Arguments.of("a transfer coding other than chunked last", post("Transfer-Encoding: gzip\r\n", SMUGGLED)),
                Arguments.of("Transfer-Encoding in HTTP/1.0",
                        ("POST " + url() + " HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED)),
                Arguments.of("a folded header line (obs-fold)", get("X-A: one\r\n two\r\n")),
                Arguments.of("whitespace before the colon", get("X-A : one\r\n")),
                Arguments.of("a line longer than 8 KiB", get("X-A: " + "a".repeat(HttpHead.MAX_LINE) + "\r\n")),
                Arguments.of("more than 200 header lines", get("X-A: 1\r\n".repeat(HttpHead.MAX_FIELDS + 1))),
                Arguments.of("a method that is not a token", "GE(T " + url() + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("an HTTP version that is not one", "GET " + url() + " HTTP/1.x\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} is refused with 400")
    @MethodSource("refused")
    void aRequestAnotherHopCouldReadDifferentlyIsRefused(String what, String request) throws Exception {
        received.setLength(0);
        assertEquals("HTTP/1.1 400 Bad Request", exchange(request), what);
        assertFalse(received.toString().contains("/smuggled"), "the origin received a smuggled request: " + received);
    }

    @Test
    void hostIsTakenFromTheAbsoluteUriNotFromTheApp() throws Exception {
        received.setLength(0);
        assertEquals("HTTP/1.1 200 OK", exchange(get("Host: evil.example\r\n")));
        String seen = received.toString();
        assertTrue(seen.contains("\r\nHost: 127.0.0.1:" + origin.port() + "\r\n"), seen);
        assertFalse(seen.contains("evil.example"), seen);
    }

    @Test
    void aListOfEqualContentLengthsIsForwardedAsOne() throws Exception {
        received.setLength(0);
        assertEquals("HTTP/1.1 200 OK", exchange(post("Content-Length: 5, 5\r\n", "hello")));
        assertTrue(Eventually.holds(() -> received.toString().endsWith("\r\n\r\nhello")), received.toString());
        String seen = received.toString();
        assertTrue(seen.contains("\r\nContent-Length: 5\r\n") && !seen.contains("5, 5"), seen);
    }

    private static String url() {
        return "http://127.0.0.1:" + origin.port() + "/";
    }

    private static String get(String fields) {
        return "GET " + url() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + "\r\n";
    }

    private static String post(String fields, String body) {
        return "POST " + url() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + "\r\n" + body;
    }

    /** Sends the request and returns the status line of the answer. */
    private static String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') line.write(c);
            return line.toString(StandardCharsets.ISO_8859_1).strip();
        }
    }

    /** Records every byte; answers 200 with a 2-byte body each time a head (an empty line) has come in. */
    private static void answerEveryHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        StringBuilder mine = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) >= 0) {
                received.append((char) c);
                mine.append((char) c);
                if (mine.length() >= 4 && mine.substring(mine.length() - 4).equals("\r\n\r\n")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // reset by the proxy: what it does with a request it gave up on
        }
    }
}
