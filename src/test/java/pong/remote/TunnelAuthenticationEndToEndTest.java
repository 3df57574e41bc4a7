package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.FrameType;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.TestData;

/** The 17-byte connection header decides who may use remote: strangers get a closed socket and nothing else. */
@Timeout(30)
class TunnelAuthenticationEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void wrongClientIdClosesTheTunnelWithoutAReplyAndDialsNothing() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo()) {
            assertRejected(pair, echo, ConnectionHeader.of(UUID.randomUUID()).encode());
        }
    }

    @Test
    void wrongVersionClosesTheTunnelWithoutAReplyAndDialsNothing() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo()) {
            assertRejected(pair, echo, new ConnectionHeader(1, pair.clientId).encode());
        }
    }

    /** The control: the same raw client with the right header is served, so the rejections above mean something. */
    @Test
    void rightHeaderOpensATunnelThatServesStreams() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo();
             RawTunnel t = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
            byte[] data = TestData.bytes(1, 1000);
            t.connectFrame(1, new Address("127.0.0.1", echo.port()));
            t.send(1, FrameType.DATA, data);
            assertArrayEquals(data, t.readStreamData(1, data.length, WAIT));
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        }
    }

    private static void assertRejected(ProxyPair pair, Origin echo, byte[] header) throws Exception {
        try (RawTunnel t = RawTunnel.connect(pair.remote.port(), true)) {
            t.sendRaw(header);
            try {
                t.connectFrame(1, new Address("127.0.0.1", echo.port()));
                t.send(1, FrameType.DATA, "hello".getBytes());
            } catch (SocketException e) {
                // remote may have dropped the connection already: the frames after the header met a reset
            }
            assertEquals(0, t.bytesUntilClosed(WAIT), "bytes remote sent before closing");
        }
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        assertEquals(0, echo.accepted());
    }
}
