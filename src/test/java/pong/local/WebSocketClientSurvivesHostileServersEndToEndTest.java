package pong.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.testing.Eventually;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.WsServerStreams;

/**
 * Local's ws:// client half against a server that upgrades and then breaks RFC 6455: local answers
 * each violation with a masked close frame carrying its code, ends that tunnel (its app connection is
 * cut), logs it once per tunnel, leaks nothing, and opens a fresh tunnel for the next request.
 */
@Timeout(60)
class WebSocketClientSurvivesHostileServersEndToEndTest {
    @TempDir
    Path dir;

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("a masked frame from the server", new byte[] {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5}, 1002),
                Arguments.of("a text message", new byte[] {(byte) 0x81, 1, 'x'}, 1002),
                Arguments.of("a reserved bit", new byte[] {(byte) 0xA2, 1, 'x'}, 1002),
                Arguments.of("an unknown opcode", new byte[] {(byte) 0x87, 1, 'x'}, 1002),
                Arguments.of("a ping of 126 bytes", new byte[] {(byte) 0x89, 126, 0, 126}, 1002),
                Arguments.of("a fragmented pong", new byte[] {(byte) 0x0A, 0}, 1002),
                Arguments.of("a length of 2^63", new byte[] {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, 1002),
                Arguments.of("a 16-bit length over nothing, then a 64-bit one over the cap",
                        new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 0x20, 0, 0}, 1009));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void eachViolationFromTheServerGetsAMaskedCloseWithItsCodeAndANewTunnelServesTheNextRequest(String what, byte[] bad, int code)
            throws Exception {
        run(bad); // warm-up: the JDK's pollers and carrier threads exist before the baseline
        ResourceProbe.Snapshot before = ResourceProbe.now();
        assertEquals(code, run(bad), what);
        ResourceProbe.Snapshot after = ResourceProbe.awaitBaseline(before, 2, 4, 15_000);
        assertTrue(after.fds() <= before.fds() + 4, "fds: " + before + " -> " + after);
    }

    /** One local against one hostile server: the close code local sent, once the next request got a fresh tunnel. */
    private int run(byte[] bad) throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        try (Origin server = Origin.start(s -> hostile(s, bad, closeCode));
             LocalServer local = startLocal("ws://127.0.0.1:" + server.port() + "/t")) {
            try (Socket app = Socks5Client.connect(local.port(), "127.0.0.1", 9)) {
                writeIfStillOpen(app);
            } catch (IOException e) {
                // the server broke the tunnel before local could answer the SOCKS request: reply 1
            }
            int code = closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(Eventually.holds(() -> local.connector().current() == null), "the tunnel is gone");
            try (Socket again = Socks5Client.connect(local.port(), "127.0.0.1", 9)) {
                writeIfStillOpen(again);
            } catch (IOException e) {
                // the fresh tunnel met the same server and may have died before the SOCKS reply: reply 1
            }
            assertTrue(Eventually.holds(() -> Observed.sum(local.monitoring(), "pong_tunnels_opened_total") >= 2), "a fresh tunnel for the next request");
            return code;
        }
    }

    /** The tunnel may already be gone (the server breaks it at once): then the app's connection is reset, which is fine here. */
    private static void writeIfStillOpen(Socket app) {
        try {
            app.getOutputStream().write("hello".getBytes());
        } catch (IOException e) {
            // already cut
        }
    }

    private LocalServer startLocal(String remote) throws Exception {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:0");
        l.put("remote", remote);
        l.put("client.id", UUID.randomUUID().toString());
        return new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), l))).start();
    }

    /** Upgrades, lets the first tunnel bytes arrive, sends the bad bytes, then reads local's frames for its close code. */
    private static void hostile(Socket s, byte[] bad, CompletableFuture<Integer> closeCode) throws IOException {
        DataInputStream in = WsServerStreams.handshake(s);
        OutputStream out = s.getOutputStream();
        boolean sent = false;
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                if ((b1 & 0x80) == 0) {
                    closeCode.completeExceptionally(new AssertionError("local sent an unmasked frame"));
                    return;
                }
                long n = b1 & 0x7f;
                if (n == 126) n = in.readUnsignedShort();
                else if (n == 127) n = in.readLong();
                byte[] mask = new byte[4];
                in.readFully(mask);
                byte[] payload = new byte[(int) n];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
                if ((b0 & 0x0f) == 0x8) {
                    closeCode.complete(payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff));
                    return;
                }
                if (!sent) {
                    out.write(bad);
                    out.flush();
                    sent = true;
                }
            }
        } catch (IOException e) {
            closeCode.completeExceptionally(new AssertionError("local ended without a close frame: " + e));
        }
    }
}
