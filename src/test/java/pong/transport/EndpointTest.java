package pong.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** URLs of listen and remote: the scheme picks the transport, web schemes default their port and path, tcp and tls need a port. */
class EndpointTest {
    @Test
    void webSchemesDefaultTheirPortAndPath() {
        assertEquals(new Endpoint("ws", "proxy.example.com", 80, "/"), Endpoint.parse("ws://proxy.example.com", null));
        assertEquals(new Endpoint("wss", "proxy.example.com", 443, "/t"), Endpoint.parse("wss://proxy.example.com/t", null));
        assertEquals(new Endpoint("wss", "::1", 8443, "/a/b"), Endpoint.parse("wss://[::1]:8443/a/b", null));
        assertEquals("wss://[::1]:8443/a/b", Endpoint.parse("wss://[::1]:8443/a/b", null).toString());
    }

    @Test
    void tcpAndTlsStillNeedAPortAndTakeNoPath() {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tls://proxy.example.com", null));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tcp://proxy.example.com/x", null));
        assertEquals(new Endpoint("tls", "10.0.0.1", 8443, "/"), Endpoint.parse("tls://10.0.0.1:8443", null));
        assertEquals("tls://10.0.0.1:8443", Endpoint.parse("tls://10.0.0.1:8443", null).toString());
    }

    @Test
    void aBareHostAndPortTakesTheCallersDefaultSchemeOrIsRefused() {
        assertEquals("tcp", Endpoint.parse("127.0.0.1:1080", "tcp").scheme());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("127.0.0.1:1080", null));
        assertTrue(e.getMessage().contains("wss://"), e.getMessage());
    }

    @Test
    void unknownSchemesBadPortsAndUnbracketedIpv6AreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("h3://x:1", null));
        assertTrue(e.getMessage().contains("h3://x:1") && e.getMessage().contains("ws://"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("ws://x:65536/", null));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("ws://::1:80/", null));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("ws://x/a b", null));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("ws://x/a?b=1", null));
    }
}
