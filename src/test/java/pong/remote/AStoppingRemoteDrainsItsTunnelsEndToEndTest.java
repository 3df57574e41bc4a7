package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.config.Config;
import pong.config.RemoteConfig;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.Settings;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;

/**
 * The drain extension from remote's side, on the wire: on shutdown a tunnel whose peer announced the
 * drain frame gets one naming the highest stream accepted; a later stream is refused without a dial;
 * the accepted one is served through the grace and then reset, never closed silently.
 */
class AStoppingRemoteDrainsItsTunnelsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aDrainFrameNamesTheLastAcceptedStreamLaterOnesAreNeverDialedAndTheRestIsResetAfterTheGrace() throws Exception {
        UUID client = UUID.randomUUID();
        Path dir = Files.createTempDirectory("pong-drain-remote");
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("listen", "tcp://127.0.0.1:0");
        r.put("clients", client.toString());
        r.put("dst.deny", "");
        RemoteServer remote = new RemoteServer((RemoteConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("remote.properties"), r))).start();
        try (Origin echo = Origin.echo(); RawTunnel raw = RawTunnel.open(remote.port(), false, client)) {
            raw.send(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(64 * 1024, false).withDrain().encode());
            raw.readUntil(Frame.CONNECTION_STREAM, FrameType.SET, WAIT);
            Address target = new Address("127.0.0.1", echo.port());
            raw.connectFrame(1, target);
            raw.send(1, FrameType.WINDOW, ByteBuffer.allocate(4).putInt(64 * 1024).array());
            byte[] hello = "before the drain".getBytes(StandardCharsets.UTF_8);
            raw.send(1, FrameType.DATA, hello);
            assertArrayEquals(hello, raw.readStreamData(1, hello.length, WAIT));

            Thread stopping = Thread.ofVirtual().start(() -> remote.shutdown(Duration.ofSeconds(2)));
            Frame drain = raw.readUntil(Frame.CONNECTION_STREAM, FrameType.DRAIN, WAIT);
            assertEquals(1, ByteBuffer.wrap(drain.payload()).getInt(), "the highest stream id accepted");

            raw.connectFrame(3, target);
            assertEquals(ErrorCode.ERR, raw.readRst(3, WAIT), "a stream above the drain id is refused");
            byte[] more = "after the drain".getBytes(StandardCharsets.UTF_8);
            raw.send(1, FrameType.DATA, more);
            assertArrayEquals(more, raw.readStreamData(1, more.length, WAIT), "the accepted stream is still served");
            assertEquals(1, echo.accepted(), "the refused stream was never dialed");

            assertEquals(ErrorCode.ERR, raw.readRst(1, WAIT), "what is open after the grace is reset, not closed silently");
            stopping.join(WAIT);
        } finally {
            remote.close();
        }
    }
}
