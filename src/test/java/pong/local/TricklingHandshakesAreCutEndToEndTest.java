package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.WebOrigin;

/**
 * handshake.timeout bounds a whole proxy handshake, not each read: an app that sends a byte every
 * 300 ms, never finishing its SOCKS5, SOCKS4 or HTTP handshake, is cut after the timeout (1 s here)
 * instead of being served for as long as it trickles. A finished handshake ends the deadline:
 * relayed connections and kept-alive HTTP connections may idle past it.
 */
@Timeout(60)
class TricklingHandshakesAreCutEndToEndTest {
    private static final int TRICKLE_MILLIS = 300;
    /** Bytes the trickler offers at most: at 300 ms a byte, far longer than the 1 s timeout. */
    private static final int TRICKLE_BYTES = 100;
    /** The connection must be cut well before the trickle could end (30 s). */
    private static final int CUT_WITHIN_MILLIS = 10_000;

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
        assertCutWhileTrickling(HexFormat.of().parseHex("05ff")); // 255 methods announced, sent one by one
    }

    @Test
    void aSocks4UserIdTrickledByteByByteIsCut() throws Exception {
        assertCutWhileTrickling(HexFormat.of().parseHex("04010050" + "7f000001")); // the NUL-terminated user id never ends
    }

    @Test
    void anHttpRequestHeadTrickledByteByByteIsCut() throws Exception {
        assertCutWhileTrickling("GET http://127.0.0.1/ HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aRelayedConnectionMayIdlePastTheHandshakeTimeout() throws Exception {
        try (Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            assertEquals(0, Socks5Client.handshake(app, "127.0.0.1", echo.port()));
            Thread.sleep(1500);
            byte[] msg = TestData.bytes(9, 1000);
            app.getOutputStream().write(msg);
            app.setSoTimeout(CUT_WITHIN_MILLIS);
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

    /** Sends the prefix, then one 'a' every 300 ms; the proxy must close the connection before the trickle ends. */
    private void assertCutWhileTrickling(byte[] prefix) throws Exception {
        try (Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
            OutputStream out = app.getOutputStream();
            out.write(prefix);
            AtomicInteger sent = new AtomicInteger();
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < TRICKLE_BYTES; i++) {
                        Thread.sleep(TRICKLE_MILLIS);
                        out.write('a');
                        sent.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    // cut by the proxy (or the test is over)
                }
            });
            app.setSoTimeout(CUT_WITHIN_MILLIS);
            InputStream in = app.getInputStream();
            boolean cut;
            try {
                cut = in.readAllBytes().length >= 0; // EOF: the proxy closed (an HTTP 408-style answer would also end in EOF)
            } catch (SocketTimeoutException e) {
                cut = false;
            } catch (SocketException e) {
                cut = true; // reset by the proxy
            }
            trickler.interrupt();
            trickler.join();
            assertTrue(cut, "the connection was still open after " + CUT_WITHIN_MILLIS + " ms of trickling");
            assertTrue(sent.get() < TRICKLE_BYTES, "the whole trickle went through before the cut");
        }
    }
}
