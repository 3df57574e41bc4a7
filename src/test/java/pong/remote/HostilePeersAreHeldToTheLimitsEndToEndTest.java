package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.Settings;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/**
 * A client id that speaks raw frames and breaks the extension's rules (docs/extensions.md) is stopped
 * at the documented bound, and the honest client of the same remote is still served.
 */
@Timeout(60)
class HostilePeersAreHeldToTheLimitsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Opens a raw tunnel and exchanges announcements with remote. */
    static RawTunnel announced(ProxyPair pair, int window) throws Exception {
        RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId);
        raw.send(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(window, false).encode());
        raw.readUntil(Frame.CONNECTION_STREAM, FrameType.SET, WAIT);
        return raw;
    }

    @Test
    void aPingLongerThanEightBytesClosesTheTunnelWithoutAPong() throws Exception {
        try (Origin download = Origin.download(); ProxyPair pair = ProxyPair.start();
             RawTunnel raw = announced(pair, 64 * 1024)) {
            raw.send(Frame.CONNECTION_STREAM, FrameType.PING, new byte[8]);
            raw.readUntil(Frame.CONNECTION_STREAM, FrameType.PONG, WAIT);
            raw.send(Frame.CONNECTION_STREAM, FrameType.PING, new byte[60_000]);
            Frame f;
            while ((f = raw.read(WAIT)) != null) {
                assertTrue(f.type() != FrameType.PONG.code, "remote answered a 60,000-byte ping");
            }
            assertArrayEquals(TestData.sha256(3, 200_000), Socks5Client.download(pair.socksPort(), download.port(), 200_000, 3));
            assertEquals(0, ResourceProbe.awaitZero(() -> pair.remote.activeTunnels() - 1, 10_000), "only the honest client's tunnel is left");
        }
    }
}
