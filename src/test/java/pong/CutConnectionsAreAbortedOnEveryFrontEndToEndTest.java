package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pong.testing.Curl;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.transport.Sockets;

/**
 * A response whose end is the close of its connection (HTTP/1.1 without Content-Length or chunked) is
 * cut half way, on every path a cut can take (local shutting down, the tunnel lost, the destination
 * resetting, remote's idle timeout), through every front (SOCKS5, SOCKS4, CONNECT, HTTP forwarding;
 * raw sockets and real curl). The app must see an abort (RST: curl fails, a read throws), never an end
 * of data (curl exit 0 with part of the body).
 */
@Timeout(60)
class CutConnectionsAreAbortedOnEveryFrontEndToEndTest {
    private static final int FIRST_PART = 100_000;
    private static final int ROUNDS = 300;

    enum Front { SOCKS5, SOCKS4, CONNECT, HTTP_FORWARD, CURL_SOCKS5, CURL_CONNECT, CURL_HTTP_FORWARD }

    enum Cut { LOCAL_SHUTDOWN, TUNNEL_LOST, DESTINATION_RESET, REMOTE_IDLE_TIMEOUT }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Front f : Front.values()) for (Cut c : Cut.values()) all.add(Arguments.of(f, c));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} cut by {1} is aborted")
    @MethodSource("cases")
    void aResponseCutHalfWayReachesTheAppAsAnAbort(Front front, Cut cut) throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        CountDownLatch resetNow = new CountDownLatch(1);
        Map<String, String> remote = cut == Cut.REMOTE_IDLE_TIMEOUT ? Map.of("stream.idle.timeout", "1s") : Map.of();
        try (Origin origin = Origin.start(s -> respondHalfThenStall(s, sent, resetNow));
             ProxyPair pair = ProxyPair.start(remote, Map.of())) {
            try {
                cutAndCheck(front, cut, pair, origin.port(), sent, resetNow);
            } finally {
                resetNow.countDown(); // lets the origin's thread go
            }
        }
    }

    private static void cutAndCheck(Front front, Cut cut, ProxyPair pair, int originPort, CountDownLatch sent,
                                    CountDownLatch resetNow) throws Exception {
        {
            int proxy = pair.socksPort();
            String url = "http://127.0.0.1:" + originPort + "/";
            Runnable doCut = () -> {
                try {
                    assertTrue(sent.await(30, TimeUnit.SECONDS), "the origin never got the request");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                switch (cut) {
                    case LOCAL_SHUTDOWN -> pair.local.shutdown(Duration.ofMillis(100));
                    case TUNNEL_LOST -> pair.remote.close();
                    case DESTINATION_RESET -> resetNow.countDown();
                    case REMOTE_IDLE_TIMEOUT -> { } // the origin and the app both stall: remote's idle timeout cuts
                }
            };
            switch (front) {
                case CURL_SOCKS5, CURL_CONNECT, CURL_HTTP_FORWARD -> {
                    String[] args = switch (front) {
                        case CURL_SOCKS5 -> new String[] {"-f", "--socks5", "127.0.0.1:" + proxy, url};
                        case CURL_CONNECT -> new String[] {"-f", "-p", "-x", "http://127.0.0.1:" + proxy, url};
                        default -> new String[] {"-f", "-x", "http://127.0.0.1:" + proxy, url};
                    };
                    CompletableFuture<Curl.Result> curl = CompletableFuture.supplyAsync(() -> {
                        try {
                            return Curl.run(args);
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                    doCut.run();
                    Curl.Result r = curl.get(60, TimeUnit.SECONDS);
                    // 56: the transfer was reset; 22 (-f): the cut came before the response head, answered 502
                    assertNotEquals(0, r.exit(), "curl took the cut for a whole response (" + r.body().length + " bytes)");
                    System.out.println(front + " cut by " + cut + ": curl exit " + r.exit() + ": " + r.stderr().strip());
                }
                default -> {
                    try (Socket app = open(front, proxy, originPort)) {
                        app.setSoTimeout(30_000);
                        String request = front == Front.HTTP_FORWARD ? "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                : "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                        app.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                        InputStream in = app.getInputStream();
                        in.readNBytes(FIRST_PART); // the response is under way
                        doCut.run();
                        long more = 0;
                        try {
                            while (in.read() >= 0) more++;
                            fail("the cut reached the app as a clean end of data (" + more + " more bytes)");
                        } catch (SocketTimeoutException e) {
                            fail("the cut never reached the app");
                        } catch (IOException e) {
                            // connection reset: what a cut must look like
                        }
                    }
                }
            }
        }
    }

    /**
     * The app has sent everything and half-closed, so the relay's upward copy is over when the destination
     * resets: the downward copy then ends too, and the connection must still be aborted, not closed
     * (both loops could end before the reset's action ran, and a plain close won that race).
     */
    @Test
    void aResetAfterTheAppHalfClosedIsStillAnAbort() throws Exception {
        try (Origin origin = Origin.start(s -> {
                 s.getInputStream().readAllBytes(); // until the app's half close arrives
                 Sockets.abort(s);
             });
             ProxyPair pair = ProxyPair.start()) {
            int clean = 0;
            for (int i = 0; i < ROUNDS; i++) {
                try (Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", origin.port())) {
                    app.setSoTimeout(30_000);
                    app.getOutputStream().write(new byte[] {1, 2, 3});
                    app.shutdownOutput();
                    try {
                        if (app.getInputStream().read() < 0) clean++;
                    } catch (SocketTimeoutException e) {
                        fail("the reset never reached the app");
                    } catch (IOException e) {
                        // reset
                    }
                }
            }
            assertEquals(0, clean, clean + " of " + ROUNDS + " reset streams reached the app as a clean end");
        }
    }

    /** The app's side of each front up to the point where the relayed bytes flow. */
    private static Socket open(Front front, int proxy, int originPort) throws IOException {
        if (front == Front.SOCKS5) return Socks5Client.connect(proxy, "127.0.0.1", originPort);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy);
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        switch (front) {
            case SOCKS4 -> {
                out.write(new byte[] {4, 1, (byte) (originPort >> 8), (byte) originPort, 127, 0, 0, 1, 0});
                byte[] reply = new byte[8];
                in.readFully(reply);
                if (reply[1] != 90) throw new IOException("SOCKS4 reply " + reply[1]);
            }
            case CONNECT -> {
                out.write(("CONNECT 127.0.0.1:" + originPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + originPort + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String head = readHead(in);
                if (!head.startsWith("HTTP/1.1 200")) throw new IOException("CONNECT answered " + head);
            }
            default -> { } // HTTP forwarding: the request goes on the connection as it is
        }
        return s;
    }

    /**
     * Reads the request head, answers 200 with a body that ends at close, sends the first part of it and
     * then sends nothing more; resets the connection when told to, otherwise waits until the proxy ends it.
     */
    private static void respondHalfThenStall(Socket s, CountDownLatch sent, CountDownLatch resetNow) throws IOException {
        InputStream in = s.getInputStream();
        readHead(in);
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[FIRST_PART]);
        out.flush();
        sent.countDown();
        try {
            if (resetNow.await(30, TimeUnit.SECONDS)) {
                Sockets.abort(s);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (in.read() >= 0) {
            // until the proxy side closes or resets
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (!b.toString().endsWith("\r\n\r\n")) {
            if ((c = in.read()) < 0) throw new IOException("ended inside a head: " + b);
            b.append((char) c);
        }
        return b.toString();
    }
}
