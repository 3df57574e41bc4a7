package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.WebOrigin;

@Timeout(60)
class HttpKeepAliveAcrossOriginsEndToEndTest {
    @Test
    void oneConnectionGetsRightAnswersFromTwoOriginsInTurn() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); WebOrigin a = WebOrigin.http(1); WebOrigin b = WebOrigin.http(2);
             HttpTestClient client = new HttpTestClient(pair.socksPort())) {
            String urlA = "http://127.0.0.1:" + a.port();
            String urlB = "http://127.0.0.1:" + b.port();
            HttpTestClient.Response r1 = client.get(urlA + "/bytes/50000", "Proxy-Connection: keep-alive\r\n");
            assertEquals(200, r1.status());
            assertArrayEquals(a.body(50000), r1.body());
            HttpTestClient.Response r2 = client.get(urlB + "/chunked/70000", "");
            assertEquals(200, r2.status());
            assertArrayEquals(b.body(70000), r2.body());
            HttpTestClient.Response r3 = client.get(urlB + "/bytes/10", "");
            assertArrayEquals(b.body(10), r3.body());
            HttpTestClient.Response r4 = client.get(urlA + "/bytes/20", "");
            assertArrayEquals(a.body(20), r4.body());
            // A, B, B again on B's stream, A: three streams over the tunnel
            assertEquals(3, Observed.sum(pair.local.monitoring(), "pong_streams_opened_total"));
            assertNull(a.lastHeaders().getFirst("Proxy-Connection"), "hop-by-hop header not forwarded");
        }
    }

    @Test
    void aRequestWithConnectionCloseIsAnsweredAndTheConnectionClosed() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); WebOrigin a = WebOrigin.http(1);
             HttpTestClient client = new HttpTestClient(pair.socksPort())) {
            HttpTestClient.Response r = client.get("http://127.0.0.1:" + a.port() + "/bytes/1000", "Connection: close\r\n");
            assertArrayEquals(a.body(1000), r.body());
            assertTrue(r.head().hasToken("Connection", "close"));
            assertTrue(client.closedByProxy());
        }
    }

    @Test
    void anUnreachableOriginIsA502WithATextLine() throws Exception {
        int closedPort;
        try (Origin o = Origin.echo()) {
            closedPort = o.port();
        }
        try (ProxyPair pair = ProxyPair.start(); HttpTestClient client = new HttpTestClient(pair.socksPort())) {
            HttpTestClient.Response r = client.get("http://127.0.0.1:" + closedPort + "/", "");
            assertEquals(502, r.status());
            assertTrue(r.text().endsWith("\n") && r.text().indexOf('\n') == r.text().length() - 1, r.text());
        }
    }

    @Test
    void aDestinationDeniedByRemoteIsA403() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("dst.deny", "private"), Map.of());
             WebOrigin a = WebOrigin.http(1); HttpTestClient client = new HttpTestClient(pair.socksPort())) {
            assertEquals(403, client.get("http://127.0.0.1:" + a.port() + "/bytes/1", "").status());
        }
    }
}
