package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.Settings;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.TestData;

/**
 * Remote sends a {@code connected} frame after each dial only to a local that did not decline it in its
 * announcement (docs/extensions.md, key 3): a local without socks.confirm has no use for it, and each one
 * costs a TLS record and a wake-up of that local's reader.
 */
@Timeout(30)
class ConnectConfirmationsOnlyWhenWantedEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WINDOW = 64 * 1024;

    private ProxyPair pair;
    private Origin echo;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.start();
        echo = Origin.echo();
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        pair.close();
    }

    @Test
    void aLocalThatDeclinedGetsNoConnectedFrame() throws Exception {
        assertEquals(0, connectedFramesBeforeTheEcho(Settings.announce(WINDOW, false)));
    }

    @Test
    void aLocalThatAskedGetsOneConnectedFrame() throws Exception {
        assertEquals(1, connectedFramesBeforeTheEcho(Settings.announce(WINDOW, true)));
    }

    @Test
    void aLocalThatDidNotSayGetsOneConnectedFrameAsBefore() throws Exception {
        assertEquals(1, connectedFramesBeforeTheEcho(Settings.announce(WINDOW)));
    }

    /** Announces, opens stream 1 to the echo origin, sends a message and counts the connected frames seen before the echo. */
    private long connectedFramesBeforeTheEcho(Settings announcement) throws Exception {
        try (RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
            raw.send(Frame.CONNECTION_STREAM, FrameType.SET, announcement.encode());
            raw.readUntil(Frame.CONNECTION_STREAM, FrameType.SET, WAIT); // remote's announcement: extensions are on
            raw.connectFrame(1, new Address("127.0.0.1", echo.port()));
            raw.send(new Frame(1, FrameType.WINDOW, ByteBuffer.allocate(4).putInt(WINDOW).array()));
            byte[] msg = TestData.bytes(3, 100);
            raw.send(1, FrameType.DATA, msg);
            assertArrayEquals(msg, raw.readStreamData(1, msg.length, WAIT));
            return raw.received().stream().filter(f -> f.streamId() == 1 && f.type() == FrameType.CONNECTED.code).count();
        }
    }
}
