package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.TestData;
import pong.testing.Transfers;

/**
 * A raw peer sends remote what no correct local sends. Each case gets its documented answer, and the
 * remote goes on serving the pair's own tunnel (opened before the bad one, still the same connection after).
 */
@Timeout(30)
class MalformedFramesEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ProxyPair pair;
    private Origin echo;
    private RawTunnel raw;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.start();
        echo = Origin.echo();
        Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1); // the other tunnel is up and working
        raw = RawTunnel.open(pair.remote.port(), true, pair.clientId);
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        echo.close();
        pair.close();
    }

    @Test
    void lengthShorterThanTheHeaderClosesTheTunnel() throws Exception {
        echoOnStream(1);
        raw.sendRaw(HexFormat.of().parseHex("000300000001000000"));
        awaitClosed();
        assertOtherTunnelStillServed();
    }

    @Test
    void lengthAboveTheLargestFrameClosesTheTunnel() throws Exception {
        echoOnStream(1);
        raw.sendRaw(HexFormat.of().parseHex("ffff0000000100"));
        awaitClosed();
        assertOtherTunnelStillServed();
    }

    @Test
    void unknownFrameTypeOnALiveStreamGetsRst7() throws Exception {
        echoOnStream(1);
        raw.send(new Frame(1, (byte) 0x0a, new byte[0]));
        assertEquals(ErrorCode.ERR_COMMAND_UNKNOWN, raw.readRst(1, WAIT));
        echoOnStream(3);
        assertOtherTunnelStillServed();
    }

    @Test
    void dataOnAnUnknownStreamIsDroppedAndTheTunnelKeepsWorking() throws Exception {
        raw.send(99, FrameType.DATA, TestData.bytes(2, 500));
        raw.send(new Frame(101, FrameType.FINISH));
        echoOnStream(1);
        assertTrue(raw.received().stream().noneMatch(f -> f.streamId() == 99 || f.streamId() == 101),
                "nothing is answered for unknown streams: " + raw.received());
        assertOtherTunnelStillServed();
    }

    @Test
    void connectWithAnUnknownAddressTypeGetsRst8() throws Exception {
        raw.send(1, FrameType.CONNECT, HexFormat.of().parseHex("027f0000010050"));
        assertEquals(ErrorCode.ERR_ADDR_TYPE, raw.readRst(1, WAIT));
        raw.send(3, FrameType.CONNECT, HexFormat.of().parseHex("017f00"));
        assertEquals(ErrorCode.ERR_ADDR_TYPE, raw.readRst(3, WAIT), "a truncated address");
        echoOnStream(5);
        assertEquals(2, echo.accepted(), "dialed: the pair's first echo and raw stream 5, nothing for the bad addresses");
        assertOtherTunnelStillServed();
    }

    @Test
    void repeatedStreamIdGetsRst9() throws Exception {
        raw.connectFrame(1, new Address("127.0.0.1", echo.port()));
        raw.send(1, FrameType.DATA, TestData.bytes(3, 100));
        assertEquals(100, raw.readStreamData(1, 100, WAIT).length, "stream 1 is live");
        raw.connectFrame(1, new Address("127.0.0.1", echo.port()));
        assertEquals(ErrorCode.ERR_REPEAT_ID, raw.readRst(1, WAIT));
        echoOnStream(3);
        assertOtherTunnelStillServed();
    }

    @Test
    void streamOpenedWithAnEvenIdGetsRst7() throws Exception {
        raw.connectFrame(2, new Address("127.0.0.1", echo.port()));
        assertEquals(ErrorCode.ERR_COMMAND_UNKNOWN, raw.readRst(2, WAIT));
        echoOnStream(1);
        assertOtherTunnelStillServed();
    }

    /** Opens a stream to the echo origin on the raw tunnel and checks a round trip on it. */
    private void echoOnStream(int id) throws Exception {
        byte[] data = TestData.bytes(id, 20_000);
        raw.connectFrame(id, new Address("127.0.0.1", echo.port()));
        raw.send(id, FrameType.DATA, data);
        assertArrayEquals(data, raw.readStreamData(id, data.length, WAIT), "echo on raw stream " + id);
    }

    /** Reads whatever is still in flight until remote closes the connection; a timeout fails the test. */
    private void awaitClosed() throws Exception {
        int frames = 0;
        while (raw.read(WAIT) != null) {
            assertTrue(++frames < 10_000, "remote keeps sending instead of closing");
        }
    }

    private void assertOtherTunnelStillServed() throws Exception {
        Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 2);
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "the pair's tunnel survived");
        assertEquals(2, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
    }
}
