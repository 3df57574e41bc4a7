package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** With socks.confirm=true the app gets the real SOCKS5 reply code from remote's dial. */
@Timeout(60)
class SocksConfirmEndToEndTest {
    private static final Map<String, String> CONFIRM = Map.of("socks.confirm", "true");

    @Test
    void aClosedPortGetsReply05ConnectionRefused() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of(), CONFIRM); Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            assertEquals(5, Socks5Client.handshake(app, "127.0.0.1", Origin.closedPort()));
        }
    }

    @Test
    void aDeniedDestinationGetsReply02NotAllowed() throws Exception {
        Map<String, String> remote = new HashMap<>();
        remote.put("dst.deny", null); // the default: private,:25
        try (ProxyPair pair = ProxyPair.start(remote, CONFIRM); Origin echo = Origin.echo();
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            assertEquals(2, Socks5Client.handshake(app, "127.0.0.1", echo.port()));
            assertEquals(0, echo.accepted());
        }
    }

    @Test
    void aReachableDestinationGetsReply00AndCarriesData() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of(), CONFIRM); Origin echo = Origin.echo();
             Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            assertEquals(0, Socks5Client.handshake(app, "127.0.0.1", echo.port()));
            byte[] msg = TestData.bytes(5, 5000);
            app.getOutputStream().write(msg);
            app.shutdownOutput();
            assertArrayEquals(msg, app.getInputStream().readAllBytes());
        }
    }

}
