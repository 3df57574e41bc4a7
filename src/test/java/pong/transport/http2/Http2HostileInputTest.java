package pong.transport.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pong.testing.Eventually;
import pong.testing.ResourceProbe;

/**
 * A hostile or broken peer against our server: oversized and malformed frames, window overflows, floods of
 * SETTINGS, PING, RST_STREAM and CONTINUATION, random and mutated frames. Each ends in a GOAWAY with the
 * right code, a RST_STREAM of its stream only, or a closed connection; never a hang or an internal error,
 * no thread or fd left behind, and a well-behaved connection to the same server carries on throughout.
 */
class Http2HostileInputTest {
    private static final byte[] REQUEST = new HpackEncoder(false).encode(Http2ConnectionTest.request("/x"));

    private H2TestServer server;
    private Http2Connection healthy;
    private Http2Stream healthyStream;
    private ResourceProbe.Snapshot baseline;

    /** What a raw peer saw before the connection ended. */
    record Seen(Http2Error goAway, Http2Error lastReset, boolean pingAcked, boolean ended) {
    }

    @BeforeEach
    void start() throws Exception {
        server = new H2TestServer(null, Http2Options.defaults().withWindows(65_535, 1 << 20).withMaxConcurrentStreams(100),
                Http2ConnectionTest::echo);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        healthy = Http2Connection.client(ByteLink.of(s), Http2Options.defaults());
        healthyStream = healthy.openStream(Http2ConnectionTest.request("/healthy"), false);
        assertHealthy();
        send(new byte[0]); // the JDK's pollers for virtual threads open their fds on first use: before the baseline
        baseline = ResourceProbe.now();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            assertHealthy();
            // platform threads: the virtual threads' carriers may grow by a few under load
            ResourceProbe.Snapshot end = ResourceProbe.awaitBaseline(baseline, 4, 0, 20_000);
            assertTrue(end.fds() <= baseline.fds(), "fds " + baseline + " -> " + end);
            assertTrue(end.threads() <= baseline.threads() + 4, "threads " + baseline + " -> " + end);
            for (Http2Connection c : server.connections) {
                if (c.activeStreams() > 1) fail(c.name() + " still has " + c.activeStreams() + " streams");
            }
        } finally {
            healthy.close();
            server.close();
        }
    }

    private void assertHealthy() throws IOException {
        healthyStream.output().write(new byte[] {1, 2, 3});
        byte[] got = healthyStream.input().readNBytes(3);
        assertArrayEquals(new byte[] {1, 2, 3}, got, "the well-behaved connection was disturbed");
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** Preface + empty SETTINGS, then the given bytes, then a PING; reads until the PING ACK or the end. */
    private Seen send(byte[] after) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(Http2Connection.PREFACE);
            b.writeBytes(hex("000000 04 00 00000000"));
            b.writeBytes(after);
            b.writeBytes(hex("000008 06 00 00000000 0102030405060708"));
            try {
                out.write(b.toByteArray());
                out.flush();
            } catch (IOException e) {
                // the server may have ended the connection before taking it all
            }
            return readToEnd(s);
        }
    }

    private static Seen readToEnd(Socket s) throws IOException {
        Http2FrameReader r = new Http2FrameReader(s.getInputStream(), Http2Frame.MAX_MAX_FRAME_SIZE, 1 << 20);
        Http2Error goAway = null;
        Http2Error reset = null;
        try {
            Http2Frame f;
            while ((f = r.read()) != null) {
                if (f instanceof Http2Frame.GoAway g) goAway = g.error();
                if (f instanceof Http2Frame.RstStream rst) reset = rst.error();
                if (f instanceof Http2Frame.Ping p && p.ack() && p.payload() == 0x0102030405060708L) return new Seen(goAway, reset, true, false);
            }
        } catch (SocketTimeoutException e) {
            fail("the server neither answered the PING nor ended the connection");
        } catch (IOException e) {
            // reset by the server: ended
        }
        return new Seen(goAway, reset, false, true);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Http2FrameWriter(b).frame(type, flags, stream, payload, 0, payload.length);
        return b.toByteArray();
    }

    private static byte[] headers(int stream, boolean endStream) throws IOException {
        return frame(Http2Frame.TYPE_HEADERS, Http2Frame.FLAG_END_HEADERS | (endStream ? Http2Frame.FLAG_END_STREAM : 0), stream, REQUEST);
    }

    @Test
    void aFrameLongerThanAnnouncedIsAFrameSizeErrorBeforeItsPayloadArrives() throws IOException {
        Seen seen = send(hex("ffffff 00 00 00000001"));
        assertEquals(Http2Error.FRAME_SIZE_ERROR, seen.goAway());
        assertTrue(seen.ended());
    }

    @Test
    void zeroLengthFramesOfEveryTypeEndWithTheRightCodeOrAreAnswered() throws IOException {
        Http2Error[] expected = {
            Http2Error.PROTOCOL_ERROR, // DATA on idle stream 1
            null, // HEADERS with an empty block: a malformed request, RST_STREAM only
            null, // PRIORITY of 0 bytes: a stream error
            Http2Error.FRAME_SIZE_ERROR, // RST_STREAM of 0
            null, // empty SETTINGS: fine
            Http2Error.FRAME_SIZE_ERROR, // PUSH_PROMISE of 0
            Http2Error.FRAME_SIZE_ERROR, // PING of 0
            Http2Error.FRAME_SIZE_ERROR, // GOAWAY of 0
            Http2Error.FRAME_SIZE_ERROR, // WINDOW_UPDATE of 0
            Http2Error.PROTOCOL_ERROR, // lone CONTINUATION
        };
        for (int type = 0; type < expected.length; type++) {
            int stream = type == 4 || type == 6 || type == 7 ? 0 : 1;
            Seen seen = send(frame(type, Http2Frame.FLAG_END_HEADERS, stream, new byte[0]));
            assertEquals(expected[type], seen.goAway(), "type " + type);
            assertEquals(expected[type] == null, seen.pingAcked(), "type " + type);
        }
    }

    @Test
    void aConnectionWindowPushedPast2To31IsAFlowControlErrorOfTheConnection() throws IOException {
        Seen seen = send(hex("000004 08 00 00000000 7fffffff"));
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, seen.goAway());
    }

    @Test
    void aStreamWindowPushedPast2To31ResetsThatStreamOnly() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(headers(1, false));
        b.writeBytes(hex("000004 08 00 00000001 7fffffff"));
        Seen seen = send(b.toByteArray());
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, seen.lastReset());
        assertTrue(seen.pingAcked());
    }

    @Test
    void dataBeyondTheStreamWindowResetsTheStreamAndBeyondTheConnectionWindowEndsTheConnection() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(headers(1, false));
        // One frame one byte past the 65,535-byte window (frames up to 64 KiB are accepted): judged as it
        // arrives. Spread over several frames, the echo handler could read the first ones and give their
        // credit back before the last arrived, and the server would rightly see no overrun.
        b.writeBytes(frame(Http2Frame.TYPE_DATA, 0, 1, new byte[65_536]));
        Seen seen = send(b.toByteArray());
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, seen.lastReset());
        assertTrue(seen.pingAcked());

        b.reset();
        for (int s = 1; s <= 41; s += 2) { // 21 streams x 60,000 bytes > the 1 MiB connection window
            b.writeBytes(headers(s, false));
            for (int i = 0; i < 4; i++) b.writeBytes(frame(Http2Frame.TYPE_DATA, 0, s, new byte[15_000]));
        }
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, send(b.toByteArray()).goAway());
    }

    @Test
    void dataSentUnderTheDefaultWindowBeforeThePeerSawASmallerOneIsNoOverrun() throws Exception {
        // a server announcing a 1,000-byte stream window; this peer sends before it reads that announcement
        try (H2TestServer small = new H2TestServer(null, Http2Options.defaults().withWindows(1000, 1 << 20), Http2ConnectionTest::echo);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), small.port())) {
            s.setSoTimeout(30_000);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(Http2Connection.PREFACE);
            b.writeBytes(hex("000000 04 00 00000000"));
            b.writeBytes(headers(1, false));
            b.writeBytes(frame(Http2Frame.TYPE_DATA, 0, 1, new byte[60_000]));
            b.writeBytes(hex("000008 06 00 00000000 0102030405060708"));
            s.getOutputStream().write(b.toByteArray());
            Seen seen = readToEnd(s);
            assertTrue(seen.pingAcked(), "the connection ended: " + seen);
            assertEquals(null, seen.lastReset(), "the stream was reset for data the default window allowed");
        }
    }

    @Test
    void continuationWithoutEndIsCutWithEnhanceYourCalm() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(frame(Http2Frame.TYPE_HEADERS, 0, 1, REQUEST));
        for (int i = 0; i < 200; i++) b.writeBytes(frame(Http2Frame.TYPE_CONTINUATION, 0, 1, new byte[0]));
        assertEquals(Http2Error.ENHANCE_YOUR_CALM, send(b.toByteArray()).goAway());
        b.reset();
        b.writeBytes(frame(Http2Frame.TYPE_HEADERS, 0, 1, REQUEST));
        for (int i = 0; i < 10; i++) b.writeBytes(frame(Http2Frame.TYPE_CONTINUATION, 0, 1, new byte[16_000]));
        assertEquals(Http2Error.ENHANCE_YOUR_CALM, send(b.toByteArray()).goAway());
    }

    /** Writes frames as fast as possible without reading a byte; the server must cut us off, not queue replies without end. */
    private void floodWithoutReading(byte[] frame, int count) throws Exception {
        // small socket buffers both ways, so that the replies back up after a few thousand frames on any machine
        server.sendBuffer = 8192;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            s.setSoTimeout(30_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(Http2Connection.PREFACE);
                    out.write(hex("000000 04 00 00000000"));
                    for (int i = 0; i < count; i++) out.write(frame);
                    out.flush();
                } catch (IOException e) {
                    // cut off by the server, as it should
                }
            });
            writer.join(60_000);
            assertTrue(!writer.isAlive(), "the server neither read the flood nor cut it off");
            Seen seen = readToEnd(s);
            assertTrue(seen.ended() && !seen.pingAcked());
            if (seen.goAway() != null) assertEquals(Http2Error.ENHANCE_YOUR_CALM, seen.goAway());
            assertTrue(Eventually.holds(() -> server.connections.stream().filter(Http2Connection::isOpen).count() == 1),
                    "the flooding connection is still open");
        }
    }

    @Test
    void aPingFloodFromAPeerThatDoesNotReadIsCutOff() throws Exception {
        floodWithoutReading(hex("000008 06 00 00000000 0000000000000000"), 500_000);
    }

    @Test
    void aSettingsFloodFromAPeerThatDoesNotReadIsCutOff() throws Exception {
        floodWithoutReading(hex("000006 04 00 00000000 000400010000"), 500_000);
    }

    @Test
    void aRapidResetFloodLeavesNoHandlersBehindAndTheConnectionUsable() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int s = 1; s < 20_000; s += 2) {
            b.writeBytes(headers(s, false));
            b.writeBytes(hex("000004 03 00"));
            b.writeBytes(new byte[] {(byte) (s >>> 24), (byte) (s >>> 16), (byte) (s >>> 8), (byte) s, 0, 0, 0, 8});
        }
        Seen seen = send(b.toByteArray());
        assertTrue(seen.pingAcked() || seen.goAway() == Http2Error.ENHANCE_YOUR_CALM, String.valueOf(seen));
        for (Http2Connection c : server.connections) assertTrue(Eventually.holds(() -> c.activeStreams() <= 1));
    }

    private static byte[] mutated(SplittableRandom r) throws IOException {
        byte[][] payloads = {REQUEST.clone(), new byte[100], hex("00000100"), hex("0004 00010000"), hex("00000003 10"),
            hex("0102030405060708"), hex("00000008")};
        int[] types = {Http2Frame.TYPE_HEADERS, Http2Frame.TYPE_DATA, Http2Frame.TYPE_WINDOW_UPDATE, Http2Frame.TYPE_SETTINGS,
            Http2Frame.TYPE_PRIORITY, Http2Frame.TYPE_PING, Http2Frame.TYPE_RST_STREAM};
        int[] streams = {1, 1, 1, 0, 1, 0, 1};
        int[] flags = {Http2Frame.FLAG_END_HEADERS, 0, 0, 0, 0, 0, 0};
        int victim = r.nextInt(payloads.length);
        payloads[victim][r.nextInt(payloads[victim].length)] ^= (byte) (1 << r.nextInt(8));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int k = 0; k < types.length; k++) b.writeBytes(frame(types[k], flags[k], streams[k], payloads[k]));
        return b.toByteArray();
    }

    @Test
    void randomAndMutatedFramesNeverCauseAnInternalErrorOrAHang() throws IOException {
        SplittableRandom r = new SplittableRandom(0xf00d);
        int ended = 0;
        int answered = 0;
        for (int i = 0; i < 300; i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (i % 2 == 0) {
                // a valid exchange with one bit flipped in a payload: frame boundaries hold, contents do not
                b.writeBytes(mutated(r));
            } else for (int k = r.nextInt(1, 8); k > 0; k--) {
                int type = r.nextInt(5) == 0 ? r.nextInt(256) : r.nextInt(10);
                int stream = r.nextInt(4) == 0 ? r.nextInt() & 0x7fffffff : r.nextInt(0, 6);
                byte[] payload;
                if (type == Http2Frame.TYPE_HEADERS && r.nextBoolean()) {
                    payload = REQUEST.clone();
                    payload[r.nextInt(payload.length)] ^= (byte) (1 << r.nextInt(8));
                } else {
                    payload = new byte[r.nextInt(0, 40)];
                    r.nextBytes(payload);
                }
                b.writeBytes(frame(type, r.nextInt(256), stream, payload));
            }
            Seen seen = send(b.toByteArray());
            assertNotEquals(Http2Error.INTERNAL_ERROR, seen.goAway(), "input " + i);
            if (seen.pingAcked()) answered++;
            else ended++;
        }
        assertTrue(answered > 30 && ended > 30, answered + " answered, " + ended + " ended: the inputs miss one side");
    }
}
