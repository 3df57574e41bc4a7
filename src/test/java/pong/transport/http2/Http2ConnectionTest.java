package pong.transport.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pong.testing.Eventually;

/** Our client against our server over loopback TCP: bodies, trailers, many streams, flow control, resets. */
class Http2ConnectionTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) c.close();
    }

    static List<HeaderField> request(String path) {
        return List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "http"),
                new HeaderField(":authority", "test"), new HeaderField(":path", path));
    }

    static final List<HeaderField> OK = List.of(new HeaderField(":status", "200"));

    /** Echoes the request body back as it arrives, then the request's trailers as response trailers. */
    static void echo(Http2Stream s) throws IOException {
        s.awaitHeaders();
        s.sendHeaders(OK, false);
        s.input().transferTo(s.output());
        List<HeaderField> t = s.trailers();
        if (t.isEmpty()) s.output().close();
        else s.sendTrailers(t);
    }

    private H2TestServer server(Http2Options o, Http2Connection.StreamHandler h) throws IOException {
        H2TestServer s = new H2TestServer(null, o, h);
        toClose.add(s);
        return s;
    }

    private Http2Connection client(H2TestServer server, Http2Options o) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setTcpNoDelay(true);
        Http2Connection c = Http2Connection.client(ByteLink.of(socket), o);
        toClose.add(c);
        return c;
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Writes all of body on another thread while this one reads the reply (a full echo needs both at once). */
    static byte[] exchange(Http2Stream s, byte[] body, List<HeaderField> trailers) throws Exception {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.output();
                for (int off = 0; off < body.length; off += 100_000) out.write(body, off, Math.min(100_000, body.length - off));
                if (trailers.isEmpty()) out.close();
                else s.sendTrailers(trailers);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
        assertEquals("200", s.awaitHeaders().get(0).value());
        byte[] got = s.input().readAllBytes();
        sent.get(60, TimeUnit.SECONDS);
        return got;
    }

    @Test
    void aLargeBodyIsEchoedByteExactWithTrailersBothWays() throws Exception {
        H2TestServer server = server(Http2Options.defaults(), Http2ConnectionTest::echo);
        Http2Connection c = client(server, Http2Options.defaults());
        byte[] body = random(1, 16 << 20);
        Http2Stream s = c.openStream(request("/echo"), false);
        List<HeaderField> trailers = List.of(new HeaderField("grpc-status", "0"), new HeaderField("x-bin", "\u0000\u00ff".substring(1)));
        assertArrayEquals(body, exchange(s, body, trailers));
        assertEquals(trailers, s.trailers());
    }

    @Test
    void smallWindowsStillCarryALargeBodyBecauseReadsReturnCredit() throws Exception {
        Http2Options small = Http2Options.defaults().withWindows(1000, 65_535);
        H2TestServer server = server(small, Http2ConnectionTest::echo);
        Http2Connection c = client(server, small);
        byte[] body = random(2, 3 << 20);
        assertArrayEquals(body, exchange(c.openStream(request("/echo"), false), body, List.of()));
    }

    @Test
    void twoHundredConcurrentStreamsOnOneConnectionEachGetTheirOwnBytes() throws Exception {
        H2TestServer server = server(Http2Options.defaults(), Http2ConnectionTest::echo);
        Http2Connection c = client(server, Http2Options.defaults());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    byte[] body = random(100 + n, 50_000 + n * 1000);
                    return Arrays.equals(body, exchange(c.openStream(request("/s" + n), false), body, List.of()));
                }));
            }
            for (Future<Boolean> r : results) assertTrue(r.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, server.accepted.get());
        assertTrue(Eventually.holds(() -> c.activeStreams() == 0));
    }

    @Test
    void aStreamNobodyReadsStopsItsWriterAtTheWindowAndTheRestOfTheConnectionGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Http2Stream> stalled = new AtomicReference<>();
        H2TestServer server = server(Http2Options.defaults().withWindows(65_535, 1 << 20), s -> {
            List<HeaderField> h = s.awaitHeaders();
            if (h.get(3).value().equals("/stall")) {
                stalled.set(s);
                release.await();
            }
            echo(s);
        });
        Http2Connection c = client(server, Http2Options.defaults());
        Http2Stream slow = c.openStream(request("/stall"), false);
        byte[] big = random(3, 1 << 20);
        Future<?> writer = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
            slow.output().write(big);
            slow.output().close();
            return null;
        });
        assertTrue(Eventually.holds(() -> stalled.get() != null && stalled.get().buffered() == 65_535));
        assertTrue(!writer.isDone(), "the writer must wait for credit");
        // another stream on the same connection is not held up
        byte[] other = random(4, 200_000);
        assertArrayEquals(other, exchange(c.openStream(request("/echo"), false), other, List.of()));
        assertEquals(65_535, stalled.get().buffered(), "the peer sent past the stream window");
        release.countDown();
        assertArrayEquals(big, slow.input().readAllBytes());
        writer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aResetStreamFailsBothWaysWhileItsNeighbourCarriesOn() throws Exception {
        ConcurrentHashMap<String, Http2Stream> seen = new ConcurrentHashMap<>();
        H2TestServer server = server(Http2Options.defaults(), s -> {
            seen.put(s.awaitHeaders().get(3).value(), s);
            echo(s);
        });
        Http2Connection c = client(server, Http2Options.defaults());
        Http2Stream a = c.openStream(request("/a"), false);
        Http2Stream b = c.openStream(request("/b"), false);
        a.output().write(new byte[] {1, 2, 3});
        assertEquals(1, a.input().read());
        a.reset(Http2Error.CANCEL);
        assertThrows(IOException.class, () -> a.output().write(1));
        assertThrows(IOException.class, () -> a.input().read());
        assertTrue(Eventually.holds(() -> seen.containsKey("/a") && seen.get("/a").resetCode() == Http2Error.CANCEL));
        byte[] body = random(5, 300_000);
        assertArrayEquals(body, exchange(b, body, List.of()));
        assertTrue(c.isOpen());
        assertTrue(c.ping(Duration.ofSeconds(10)));
    }

    @Test
    void aHandlerThatFailsResetsOnlyItsOwnStream() throws Exception {
        H2TestServer server = server(Http2Options.defaults(), s -> {
            if (s.awaitHeaders().get(3).value().equals("/fail")) throw new IllegalStateException("handler bug");
            echo(s);
        });
        Http2Connection c = client(server, Http2Options.defaults());
        Http2Stream bad = c.openStream(request("/fail"), true);
        IOException e = assertThrows(IOException.class, bad::awaitHeaders);
        assertTrue(e.getMessage().contains("INTERNAL_ERROR"), e.getMessage());
        byte[] body = random(6, 1000);
        assertArrayEquals(body, exchange(c.openStream(request("/echo"), false), body, List.of()));
    }

    @Test
    void streamsOverThePeersCapWaitForASlotInsteadOfBeingRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        H2TestServer server = server(Http2Options.defaults().withMaxConcurrentStreams(2), s -> {
            release.await();
            echo(s);
        });
        Http2Connection c = client(server, Http2Options.defaults());
        assertTrue(c.ping(Duration.ofSeconds(10))); // the server's SETTINGS have arrived
        Http2Stream s1 = c.openStream(request("/1"), false);
        Http2Stream s2 = c.openStream(request("/2"), false);
        Future<Http2Stream> third = Executors.newVirtualThreadPerTaskExecutor().submit(() -> c.openStream(request("/3"), false));
        Thread.sleep(200); // not a timing claim: the third must still be waiting, whatever the delay
        assertTrue(!third.isDone());
        release.countDown();
        s1.output().close();
        assertEquals(-1, s1.input().read());
        Http2Stream s3 = third.get(30, TimeUnit.SECONDS);
        s2.output().close();
        s3.output().close();
        assertEquals(-1, s3.input().read());
    }

    @Test
    void aStreamBothSidesEndedFreesItsSlotEvenWhileItsHandlerIsStillReturning() throws Exception {
        H2TestServer server = server(Http2Options.defaults().withMaxConcurrentStreams(1), s -> {
            echo(s);
            Thread.sleep(2000); // still finishing up after the stream has closed
        });
        Http2Connection c = client(server, Http2Options.defaults());
        assertTrue(c.ping(Duration.ofSeconds(10))); // the server's SETTINGS have arrived
        byte[] body = random(3, 1000);
        assertArrayEquals(body, exchange(c.openStream(request("/1"), false), body, List.of()));
        assertArrayEquals(body, exchange(c.openStream(request("/2"), false), body, List.of()));
    }

    @Test
    void gracefulShutdownLetsOpenStreamsFinishAndRefusesNewOnes() throws Exception {
        H2TestServer server = server(Http2Options.defaults(), Http2ConnectionTest::echo);
        Http2Connection c = client(server, Http2Options.defaults());
        Http2Stream s = c.openStream(request("/echo"), false);
        s.output().write(7);
        assertEquals(7, s.input().read());
        c.shutdown();
        assertThrows(IOException.class, () -> c.openStream(request("/late"), true));
        s.output().write(8);
        assertEquals(8, s.input().read());
        s.output().close();
        assertEquals(-1, s.input().read());
        assertTrue(c.awaitClosed(Duration.ofSeconds(20)));
    }

    @Test
    void inputStreamOfAStreamEndsWithMinusOneAfterEndStream() throws Exception {
        H2TestServer server = server(Http2Options.defaults(), s -> {
            s.awaitHeaders();
            s.sendHeaders(OK, false);
            s.output().write("hello".getBytes());
            s.output().close();
            InputStream in = s.input();
            in.readAllBytes();
        });
        Http2Connection c = client(server, Http2Options.defaults());
        Http2Stream s = c.openStream(request("/"), true);
        assertEquals("hello", new String(s.input().readAllBytes()));
        assertTrue(Eventually.holds(() -> c.activeStreams() == 0));
    }
}
