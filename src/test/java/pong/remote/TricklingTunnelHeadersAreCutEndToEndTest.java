package pong.remote;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Trickle;
import pong.testing.Transfers;

/**
 * header.timeout bounds the whole way to a tunnel, TLS handshake included, not each read: a client
 * that trickles a byte every 300 ms is cut after the timeout (1 s here) instead of holding a connection
 * for as long as its bytes last (a TLS record may announce 16 KiB: hours at that pace). The pair's own
 * tunnel, opened before, keeps working.
 */
@Timeout(60)
class TricklingTunnelHeadersAreCutEndToEndTest {
    @Test
    void aTlsClientHelloTrickledByteByByteIsCut() throws Exception {
        // a handshake record announcing 16,000 bytes, which then come one at a time
        try (ProxyPair pair = ProxyPair.start(Map.of("header.timeout", "1s"), Map.of()); Origin echo = Origin.echo()) {
            Trickle.sentBeforeCut(pair.remote.port(), HexFormat.of().parseHex("160301" + "3e80" + "01"));
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1);
        }
    }

    @Test
    void aConnectionHeaderTrickledByteByByteIsCutBeforeItIsWhole() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "header.timeout", "1s"), Map.of());
             Origin echo = Origin.echo()) {
            // version 0, then the 16 id bytes one by one: whole after 4.8 s, so a cut leaves fewer than 16 sent
            int sent = Trickle.sentBeforeCut(pair.remote.port(), new byte[] {0});
            assertTrue(sent < 16, "the whole header went through before the cut (" + sent + " id bytes)");
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1);
        }
    }
}
