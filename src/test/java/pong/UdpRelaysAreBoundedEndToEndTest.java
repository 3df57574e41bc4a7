package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.UdpEcho;
import pong.tunnel.Tunnel;

/**
 * UDP relay streams are held to limits like TCP streams: per tunnel on remote (tunnel.max.relays),
 * per idle time on remote (udp.idle.timeout, rst 6), and per UDP ASSOCIATE on local
 * (udp.max.relays), so that one app's datagrams to many destinations leave the shared tunnel's
 * streams to the other apps.
 */
@Timeout(60)
class UdpRelaysAreBoundedEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RawTunnel announced(ProxyPair pair) throws Exception {
        return RawTunnel.announced(pair.remote.port(), pair.clientId, 64 * 1024);
    }

    @Test
    void aRelayPastTunnelMaxRelaysGetsRst1() throws Exception {
        try (UdpEcho echo = new UdpEcho(); ProxyPair pair = ProxyPair.start(Map.of("tunnel.max.relays", "2"), Map.of());
             RawTunnel raw = announced(pair)) {
            Address to = new Address("127.0.0.1", echo.port());
            raw.send(1, FrameType.RELAY, to.encode());
            raw.send(3, FrameType.RELAY, to.encode());
            raw.send(5, FrameType.RELAY, to.encode());
            assertEquals(ErrorCode.ERR, raw.readRst(5, WAIT));
            assertEquals(1, pair.remote.streamsRefused());
        }
    }

    @Test
    void remoteResetsARelayIdleForUdpIdleTimeout() throws Exception {
        try (UdpEcho echo = new UdpEcho(); ProxyPair pair = ProxyPair.start(Map.of("udp.idle.timeout", "1s"), Map.of());
             RawTunnel raw = announced(pair)) {
            raw.send(1, FrameType.RELAY, new Address("127.0.0.1", echo.port()).encode());
            assertEquals(ErrorCode.ERR_TTL_EXPIRED, raw.readRst(1, WAIT));
            assertTrue(Eventually.holds(() -> pair.remote.activeStreams() == 0), "remote forgot the relay");
        }
    }

    @Test
    void oneAssociationToManyDestinationsOpensAtMostUdpMaxRelaysStreamsAndOtherAppsAreServed() throws Exception {
        try (UdpEcho echo = new UdpEcho(); Origin tcpEcho = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("tunnel.max.streams", "4"), Map.of("udp.max.relays", "3"));
             Socks5Client.Udp udp = Socks5Client.Udp.associate(pair.socksPort())) {
            // ten destinations: the echo, then nine ports nobody answers on (UDP does not mind)
            udp.send(new Address("127.0.0.1", echo.port()), TestData.bytes(0, 10));
            assertArrayEquals(TestData.bytes(0, 10), udp.receive(10_000).data());
            for (int i = 1; i < 10; i++) udp.send(new Address("127.0.0.1", 9 + i), TestData.bytes(i, 10));
            assertTrue(Eventually.holds(() -> pair.local.udpDatagramsDropped() == 7), "datagrams to destinations past the cap are dropped");
            Tunnel tunnel = pair.local.connector().current();
            assertEquals(3, tunnel.streamCount(), "relay streams of the association");
            byte[] msg = TestData.bytes(99, 1000);
            assertArrayEquals(msg, Socks5Client.echo(pair.socksPort(), tcpEcho.port(), msg), "another app still gets a stream");
        }
    }
}
