package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.Trickle;
import pong.testing.WebOrigin;

/**
 * handshake.timeout bounds a whole proxy handshake, not each read: an app that sends a byte every
 * 300 ms, never finishing its SOCKS5, SOCKS4 or HTTP handshake, is cut after the timeout (1 s here)
 * instead of being served for as long as it trickles. A finished handshake ends the deadline:
 * relayed connections and kept-alive HTTP connections may idle past it.
 */
@Timeout(60)
class TricklingHandshakesAreCutEndToEndTest {
    /** Longest a test waits for an echo that must come. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private ProxyPair pair;
    private Origin echo;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.start(Map.of(), Map.of("handshake.timeout", "1s"));
        echo = Origin.echo();
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        pair.close();
    }

    @Test
    void aSocks5GreetingTrickledByteByByteIsCut() throws Exception {
        Trickle.sentBeforeCut(pair.socksPort(), HexFormat.of().parseHex("05ff")); // 255 methods announced, sent one by one
    }

    @Test
    void aSocks4UserIdTrickledByteByByteIsCut() throws Exception {
        Trickle.sentBeforeCut(pair.socksPort(), HexFormat.of().parseHex("04010050" + "7f000001")); // the NUL-terminated user id never ends
    }

    @Test
    void anHttpRequestHeadTrickledByteByByteIsCut() throws Exception {
        Trickle.sentBeforeCut(pair.socksPort(), "GET http://127.0.0.1/ HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aRelayedConnectionMayIdlePastTheHandshakeTimeout() throws Exception {
        try (Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            assertEquals(0, Socks5Client.handshake(app, "127.0.0.1", echo.port()));
            Thread.sleep(1500);
            byte[] msg = TestData.bytes(9, 1000);
            app.getOutputStream().write(msg);
            app.setSoTimeout(READ_TIMEOUT_MILLIS);
            assertArrayEquals(msg, app.getInputStream().readNBytes(msg.length));
        }
    }

    @Test
    void aKeptAliveHttpConnectionMayIdlePastTheHandshakeTimeoutBetweenRequests() throws Exception {
        try (WebOrigin web = WebOrigin.http(4); HttpTestClient client = new HttpTestClient(pair.socksPort())) {
            String url = "http://127.0.0.1:" + web.port() + "/bytes/100";
            assertArrayEquals(web.body(100), client.get(url, "").body());
            Thread.sleep(1500);
            HttpTestClient.Response second = client.get(url, "");
            assertEquals(200, second.status());
            assertArrayEquals(web.body(100), second.body());
        }
    }
}
