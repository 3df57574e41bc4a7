package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.ConnectionHeader;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** Slowloris: connections that send part of the connection header and stall are cut after header.timeout. */
@Timeout(120)
class SlowHeadersAreCutWhileOthersAreServedEndToEndTest {
    private static final int ATTACKERS = 1_000;

    @Test
    void thousandStalledHeadersAreClosedAfterTheTimeoutWhileANormalClientIsServed() throws Exception {
        // plain TCP so that each attacker really reaches the header stage (ulimit -n on the dev machine: 20000)
        try (Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "header.timeout", "2s"), Map.of())) {
            byte[] partial = Arrays.copyOf(ConnectionHeader.of(pair.clientId).encode(), 9);
            List<Socket> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < ATTACKERS; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.remote.port());
                    attackers.add(s);
                    s.getOutputStream().write(partial);
                }
                // served byte-exact while the attack is on (the tunnel is opened now, after the attackers)
                assertArrayEquals(TestData.sha256(7, 2_000_000), Socks5Client.download(pair.socksPort(), download.port(), 2_000_000, 7));
                int closed = 0;
                for (Socket s : attackers) {
                    s.setSoTimeout(20_000);
                    try {
                        if (s.getInputStream().read() < 0) closed++;
                    } catch (SocketTimeoutException e) {
                        // still open: counted as not closed
                    } catch (IOException e) {
                        closed++; // reset
                    }
                }
                assertEquals(ATTACKERS, closed, "stalled connections closed by remote");
                assertEquals(0, ResourceProbe.awaitZero(pair.remote::handshaking, 10_000));
                assertEquals(1, pair.remote.activeTunnels(), "local's tunnel survives");
            } finally {
                for (Socket s : attackers) s.close();
            }
        }
    }
}
