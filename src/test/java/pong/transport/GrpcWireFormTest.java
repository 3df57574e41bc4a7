package pong.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.TestData;
import pong.transport.http2.ByteLink;
import pong.transport.http2.HeaderField;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Options;
import pong.transport.http2.Http2Stream;

/**
 * The grpc transport's wire form byte for byte, as docs/extensions.md writes it: local's request headers
 * and messages as a plain HTTP/2 server sees them, remote's response headers, messages and trailers as a
 * plain HTTP/2 client sees them.
 */
@Timeout(60)
class GrpcWireFormTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HexFormat HEX = HexFormat.of();

    private static HeaderField h(String name, String value) {
        return new HeaderField(name, value);
    }

    /** Local's side: what grpc:// sends, what it accepts, and a non-zero grpc-status read as an error. */
    @Test
    void localSendsTheStandardCallAndReadsMessagesUpToTrailersWithStatusZero() throws Exception {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (int call = 0; call < 2; call++) {
                        Socket s = listener.accept();
                        int status = call;
                        Http2Connection.server(ByteLink.of(s), Http2Options.defaults(), stream -> {
                            seen.add(stream.awaitHeaders());
                            stream.sendHeaders(List.of(h(":status", "200"), h("content-type", "application/grpc")), false);
                            seen.add(stream.input().readNBytes(12));
                            byte[] two = TestData.bytes(2, 200);
                            stream.output().write(HEX.parseHex("00000000cb0ac801"));
                            stream.output().write(two);
                            stream.output().write(HEX.parseHex("0000000000")); // an empty message carries nothing
                            stream.sendTrailers(List.of(h("grpc-status", String.valueOf(status * 13))));
                            stream.input().readAllBytes();
                        });
                    }
                } catch (IOException e) {
                    seen.add(e);
                }
            });
            int port = listener.getLocalPort();
            for (int call = 0; call < 2; call++) {
                Conduit c = Transports.of("grpc").connect(new Endpoint("grpc", "127.0.0.1", port), ClientOptions.PLAIN, WAIT);
                try {
                    c.output().write("hello".getBytes());
                    c.output().flush();
                    assertEquals(List.of(h(":method", "POST"), h(":scheme", "http"), h(":authority", "127.0.0.1:" + port),
                            h(":path", "/pong.Tunnel/Stream"), h("content-type", "application/grpc"), h("te", "trailers")),
                            seen.poll(10, TimeUnit.SECONDS));
                    assertEquals("00000000070a0568656c6c6f", HEX.formatHex((byte[]) seen.poll(10, TimeUnit.SECONDS)));
                    assertArrayEquals(TestData.bytes(2, 200), c.input().readNBytes(200));
                    if (call == 0) {
                        assertEquals(-1, c.input().read(), "trailers with grpc-status 0 are the clean end");
                    } else {
                        IOException e = assertThrows(IOException.class, () -> c.input().read());
                        assertTrue(e.getMessage().contains("grpc-status 13"), e.getMessage());
                    }
                } finally {
                    c.close();
                }
            }
        }
    }

    /** Remote's side: the response headers, messages of any chunking in, one message per chunk out, trailers at the end. */
    @Test
    void remoteAnswersTheCallSendsMessagesAndEndsWithGrpcStatusZero() throws Exception {
        BlockingQueue<Conduit> conduits = new LinkedBlockingQueue<>();
        Transport.Server server = Transports.of("grpc").server(new Endpoint("grpc", "127.0.0.1", 0),
                new ServerOptions(null, null, WAIT));
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    server.serve(s, conduits::add);
                } catch (IOException e) {
                    // the connection ended
                }
            });
            Http2Connection client = Http2Connection.client(ByteLink.of(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())),
                    Http2Options.defaults());
            try {
                Http2Stream call = client.openStream(List.of(h(":method", "POST"), h(":scheme", "http"), h(":authority", "x"),
                        h(":path", "/pong.Tunnel/Stream"), h("content-type", "application/grpc"), h("te", "trailers")), false);
                assertEquals(List.of(h(":status", "200"), h("content-type", "application/grpc")), call.awaitHeaders());
                // "hello", an empty message, then "hi" in a message with a field 2 (varint 150) before field 1
                call.output().write(HEX.parseHex("00000000070a0568656c6c6f" + "0000000000" + "0000000007109601" + "0a026869"));
                Conduit c = conduits.poll(10, TimeUnit.SECONDS);
                assertEquals("hellohi", new String(c.input().readNBytes(7)));
                c.output().write(TestData.bytes(3, 200));
                c.output().flush();
                byte[] expected = new ByteArrayOutputStream() {{
                    writeBytes(HEX.parseHex("00000000cb0ac801"));
                    writeBytes(TestData.bytes(3, 200));
                }}.toByteArray();
                assertArrayEquals(expected, call.input().readNBytes(expected.length));
                c.close();
                assertEquals(-1, call.input().read());
                assertEquals(List.of(h("grpc-status", "0")), call.trailers());
            } finally {
                client.close();
            }
        }
    }
}
