package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** The limits of docs/limits.md, each with its documented answer. */
@Timeout(60)
class LimitsAreEnforcedEndToEndTest {
    @Test
    void aStreamPastTunnelMaxStreamsGetsRst1AndTheOthersKeepWorking() throws Exception {
        try (Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "tunnel.max.streams", "3"), Map.of());
             RawTunnel t = RawTunnel.open(pair.remote.port(), false, pair.clientId)) {
            for (int id = 1; id <= 7; id += 2) t.connectFrame(id, new Address("127.0.0.1", echo.port()));
            Frame rst = t.readUntil(7, FrameType.RST, Duration.ofSeconds(30));
            assertNotNull(rst);
            assertArrayEquals(new byte[] {ErrorCode.ERR.code}, rst.payload());
            t.send(new Frame(3, FrameType.DATA, TestData.bytes(3, 500)));
            Frame data = t.readUntil(3, FrameType.DATA, Duration.ofSeconds(30));
            assertNotNull(data);
            assertArrayEquals(TestData.bytes(3, 500), data.payload());
        }
    }

    @Test
    void aTunnelPastTheClientsCapIsClosedWithoutAByteAndTheOthersKeepWorking() throws Exception {
        try (Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "remote.max.tunnels.per.client", "2"), Map.of())) {
            // local's own tunnel is the first
            assertArrayEquals(TestData.bytes(1, 100), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(1, 100)));
            try (RawTunnel second = RawTunnel.open(pair.remote.port(), false, pair.clientId)) {
                second.connectFrame(1, new Address("127.0.0.1", echo.port()));
                second.send(new Frame(1, FrameType.DATA, TestData.bytes(2, 10)));
                assertNotNull(second.readUntil(1, FrameType.DATA, Duration.ofSeconds(30)));
                // opened only once the second is known to be in: both racing for the last place would make either one the third
                try (RawTunnel third = RawTunnel.open(pair.remote.port(), false, pair.clientId)) {
                    assertEquals(-1, readOrReset(third.socket()), "refused tunnel gets no byte");
                    assertEquals(1, Observed.value(pair.remote.monitoring(), "pong_rejections_total{reason=\"tunnel_limit\"}"));
                }
            }
            assertArrayEquals(TestData.bytes(4, 100), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(4, 100)));
        }
    }

    @Test
    void anAppConnectionPastLocalMaxConnectionsIsRefusedAndTheRestAreServed() throws Exception {
        try (Origin echo = Origin.echo(); ProxyPair pair = ProxyPair.start(Map.of(), Map.of("local.max.connections", "2"))) {
            try (Socket a = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port());
                 Socket b = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port());
                 Socket extra = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
                extra.setSoTimeout(10_000);
                assertEquals(-1, readOrReset(extra), "the extra connection is closed at once");
                for (Socket s : new Socket[] {a, b}) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(TestData.bytes(5, 300));
                    assertArrayEquals(TestData.bytes(5, 300), s.getInputStream().readNBytes(300));
                }
                assertEquals(1, Observed.value(pair.local.monitoring(), "pong_rejections_total{reason=\"connection_limit\"}"));
            }
            // once they are gone, new apps are served again
            assertEquals(0, pong.testing.ResourceProbe.awaitZero(pair.local::activeConnections, 10_000));
            assertArrayEquals(TestData.bytes(6, 100), Socks5Client.echo(pair.socksPort(), echo.port(), TestData.bytes(6, 100)));
        }
    }

    @Test
    void aStreamWithNoBytesForStreamIdleTimeoutIsReset() throws Exception {
        try (Origin echo = Origin.echo(); ProxyPair pair = ProxyPair.start(Map.of("stream.idle.timeout", "1s"), Map.of());
             Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(TestData.bytes(7, 10));
            assertArrayEquals(TestData.bytes(7, 10), s.getInputStream().readNBytes(10));
            // then silence: remote resets the stream, local aborts the app's connection
            try {
                assertEquals(-1, s.getInputStream().read());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("idle stream was not reset", e);
            } catch (IOException expected) {
                // reset
            }
            assertEquals(0, pong.testing.ResourceProbe.awaitZero(pair.remote::activeStreams, 10_000));
        }
    }

    /** -1 for a clean close or a reset, the byte otherwise. */
    private static int readOrReset(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        try {
            return s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            assertTrue(e.getMessage() != null);
            return -1;
        }
    }
}
