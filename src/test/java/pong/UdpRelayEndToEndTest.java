package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.protocol.Address;
import pong.testing.Eventually;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.UdpEcho;
import pong.tunnel.Tunnel;

@Timeout(120)
class UdpRelayEndToEndTest {
    private static final int DATAGRAMS = 1000;
    private static final int MAX_SIZE = 1400;
    /** Loopback UDP hardly ever loses a datagram, but may: one resend per second, a few times, keeps the test honest and stable. */
    private static final int WAIT_MILLIS = 1000;
    private static final int TRIES = 5;

    private static byte[] datagram(int i) {
        int size = 1 + (int) ((long) i * (MAX_SIZE - 1) / (DATAGRAMS - 1));
        return TestData.bytes(1000 + i, size);
    }

    @Test
    void thousandDatagramsToTwoEchoServersComeBackWholeOnTwoStreamsThatCloseWithTheControlConnection() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); UdpEcho a = new UdpEcho(); UdpEcho b = new UdpEcho();
             Socks5Client.Udp udp = Socks5Client.Udp.associate(pair.socksPort())) {
            Address[] destinations = {new Address("127.0.0.1", a.port()), new Address("127.0.0.1", b.port())};
            for (int i = 0; i < DATAGRAMS; i++) {
                byte[] sent = datagram(i);
                Address to = destinations[i % 2];
                boolean echoed = false;
                for (int attempt = 0; attempt < TRIES && !echoed; attempt++) {
                    udp.send(to, sent);
                    Socks5Client.Udp.Datagram got;
                    while (!echoed && (got = udp.receive(WAIT_MILLIS)) != null) {
                        if (Arrays.equals(got.data(), sent)) {
                            assertEquals(to, got.from(), "echo of datagram " + i + " names its destination");
                            echoed = true;
                        } else if (!isEarlierDatagram(got.data(), i)) {
                            fail("datagram " + i + ": an echo of " + got.data().length + " bytes matches nothing that was sent");
                        } // else: a late echo of a resent earlier datagram
                    }
                }
                assertTrue(echoed, "datagram " + i + " (" + sent.length + " bytes) came back within " + TRIES + " tries");
            }
            Tunnel tunnel = pair.local.connector().current();
            assertEquals(2, Observed.value(pair.local.monitoring(), "pong_streams_opened_total{front=\"udp\"}"), "one relay stream per destination");
            assertEquals(2, tunnel.streamCount());
            assertEquals(0, pair.local.udpDatagramsDropped());

            udp.control.close();
            assertTrue(Eventually.holds(() -> tunnel.streamCount() == 0), "local closed both relay streams");
            assertTrue(Eventually.holds(() -> pair.remote.activeStreams() == 0), "remote closed both relay streams");
        }
    }

    private static boolean isEarlierDatagram(byte[] data, int current) {
        for (int j = current - 1; j >= 0 && j >= current - 20; j--) if (Arrays.equals(data, datagram(j))) return true;
        return false;
    }

    @Test
    void aDatagramTooLargeForOneFrameIsDroppedAndCountedNotSplit() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); UdpEcho echo = new UdpEcho();
             Socks5Client.Udp udp = Socks5Client.Udp.associate(pair.socksPort())) {
            Address to = new Address("127.0.0.1", echo.port());
            byte[] small = TestData.bytes(1, 100);
            udp.send(to, small);
            Socks5Client.Udp.Datagram first = udp.receive(10_000);
            assertNotNull(first);
            assertArrayEquals(small, first.data());
            int max = pair.local.connector().current().maxDataPayload();
            udp.send(to, TestData.bytes(2, max + 1));
            assertTrue(Eventually.holds(() -> pair.local.udpDatagramsDropped() == 1), "the large datagram is counted as dropped");
            byte[] after = TestData.bytes(3, max);
            udp.send(to, after);
            Socks5Client.Udp.Datagram second = udp.receive(10_000);
            assertNotNull(second);
            assertArrayEquals(after, second.data(), "a datagram of exactly one frame travels; the larger one never arrived");
            assertEquals(2, echo.received());
        }
    }

    @Test
    void anIdleRelayStreamIsClosedAndTheNextDatagramOpensANewOne() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of(), Map.of("udp.idle.timeout", "200ms")); UdpEcho echo = new UdpEcho();
             Socks5Client.Udp udp = Socks5Client.Udp.associate(pair.socksPort())) {
            Address to = new Address("127.0.0.1", echo.port());
            udp.send(to, TestData.bytes(1, 10));
            assertNotNull(udp.receive(10_000));
            Tunnel tunnel = pair.local.connector().current();
            assertTrue(Eventually.holds(() -> tunnel.streamCount() == 0), "idle relay stream closed");
            assertTrue(Eventually.holds(() -> pair.remote.activeStreams() == 0));
            byte[] again = TestData.bytes(2, 10);
            udp.send(to, again);
            Socks5Client.Udp.Datagram got = udp.receive(10_000);
            assertNotNull(got);
            assertArrayEquals(again, got.data());
            assertEquals(2, Observed.value(pair.local.monitoring(), "pong_streams_opened_total{front=\"udp\"}"));
        }
    }

    @Test
    void aDeniedDestinationGetsNoDatagrams() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("dst.deny", "private"), Map.of()); UdpEcho echo = new UdpEcho();
             Socks5Client.Udp udp = Socks5Client.Udp.associate(pair.socksPort())) {
            udp.send(new Address("127.0.0.1", echo.port()), TestData.bytes(1, 10));
            assertTrue(Eventually.holds(() -> Observed.value(pair.remote.monitoring(), "pong_streams_opened_total{front=\"udp\"}") == 1), "the relay stream reached remote");
            assertTrue(Eventually.holds(() -> pair.local.connector().current().streamCount() == 0), "remote reset the relay stream");
            assertNull(udp.receive(200));
            assertEquals(0, echo.received());
        }
    }
}
