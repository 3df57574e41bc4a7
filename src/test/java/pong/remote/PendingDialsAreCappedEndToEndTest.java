package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.Eventually;
import pong.testing.BlackHole;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/**
 * remote.max.pending.dials: while that many dials hang, a new stream waits in the fair dial queue,
 * for at most dial.queue.timeout, and is dialed as soon as a slot frees; past the deadline it gets
 * rst 1. The slots go round robin over client ids, and one client holds at most
 * client.max.pending.dials, so a client whose dials all hang does not starve another. A dial hangs
 * here on a loopback listener that never accepts and whose accept queue is full (Linux then drops the SYN).
 */
@Timeout(60)
class PendingDialsAreCappedEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UUID HOSTILE = UUID.fromString("0b5e55ed-0000-4000-8000-000000000001");
    private static final UUID HONEST = UUID.fromString("0b5e55ed-0000-4000-8000-000000000002");

    @Test
    void aDialPastTheCapWaitsForAFreedSlotAndIsServed() throws Exception {
        try (BlackHole blackHole = BlackHole.start();
             Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("remote.max.pending.dials", "2", "client.max.pending.dials", "2", "dial.timeout", "2s"), Map.of())) {
            try (RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
                Address hole = blackHole.address();
                raw.connectFrame(1, hole);
                raw.connectFrame(3, hole);
                raw.connectFrame(5, new Address("127.0.0.1", echo.port()));
                assertTrue(Eventually.holds(() -> pair.remote.dialsWaiting() == 1), "stream 5 waits for a dial slot");
                assertEquals(0, echo.accepted(), "the waiting stream was dialed before a slot freed");
                byte[] msg = TestData.bytes(8, 100);
                raw.send(5, FrameType.DATA, msg);
                // the hanging dials time out (rst 10), and stream 5 gets a slot and is served
                assertArrayEquals(msg, raw.readStreamData(5, msg.length, WAIT));
                assertEquals(ErrorCode.ERR_DIAL_TIMEOUT, code(raw, 1));
                assertEquals(ErrorCode.ERR_DIAL_TIMEOUT, code(raw, 3));
                assertEquals(0, pair.remote.dialsRefused());
            }
        }
    }

    @Test
    void aDialThatFindsNoSlotWithinTheQueueTimeoutGetsRst1() throws Exception {
        try (BlackHole blackHole = BlackHole.start();
             Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("remote.max.pending.dials", "2", "client.max.pending.dials", "2", "dial.timeout", "20s",
                     "dial.queue.timeout", "500ms"), Map.of())) {
            try (RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
                Address hole = blackHole.address();
                raw.connectFrame(1, hole);
                raw.connectFrame(3, hole);
                raw.connectFrame(5, new Address("127.0.0.1", echo.port()));
                assertEquals(ErrorCode.ERR, raw.readRst(5, WAIT));
                assertEquals(0, echo.accepted(), "the refused stream was dialed anyway");
                assertEquals(1, pair.remote.dialsRefused());
            }
        }
    }

    @Test
    void aClientWhoseDialsAllHangDoesNotStarveAnotherClient() throws Exception {
        try (BlackHole blackHole = BlackHole.start();
             Origin echo = Origin.echo();
             // client.max.pending.dials is half the pool by default: 2 of 4 here
             ProxyPair pair = ProxyPair.start(Map.of("remote.max.pending.dials", "4", "dial.timeout", "20s",
                     "clients", HOSTILE + "," + HONEST), Map.of("client.id", HONEST.toString()))) {
            try (RawTunnel raw = RawTunnel.open(pair.remote.port(), true, HOSTILE)) {
                Address hole = blackHole.address();
                for (int id = 1; id <= 59; id += 2) raw.connectFrame(id, hole);
                assertTrue(Eventually.holds(() -> pair.remote.dialsWaiting() >= 26), "the hostile client's streams past the slots wait");
                for (int i = 0; i < 4; i++) {
                    byte[] msg = TestData.bytes(20 + i, 10_000);
                    assertArrayEquals(msg, Socks5Client.echo(pair.socksPort(), echo.port(), msg), "the other client is served");
                }
                assertEquals(0, pair.remote.dialsRefused());
            }
        }
    }

    private static ErrorCode code(RawTunnel raw, int streamId) {
        for (Frame f : raw.received()) {
            if (f.streamId() == streamId && f.type() == FrameType.RST.code) return ErrorCode.of(f.payload()[0] & 0xff);
        }
        try {
            return raw.readRst(streamId, WAIT);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
