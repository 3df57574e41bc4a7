package pong;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/**
 * A peer that speaks only the plain spec (ignores set frames, sends no credit) still gets everything:
 * the extension must stay out of its way. The legacy peer here is our own half with tunnel.extensions=false,
 * which reads and drops every frame on stream 0 as the plain spec peers do.
 */
@Timeout(180)
class LegacyPeerEndToEndTest {
    private static final long SIZE = 100L * 1024 * 1024;

    @Test
    void ourLocalCarries100MegabytesEachWayWithALegacyRemote() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("tunnel.extensions", "false"), Map.of());
             Origin download = Origin.download(); Origin sink = Origin.sink()) {
            Transfers.assertDownload(pair.socksPort(), download.port(), SIZE, 1);
            Transfers.assertUpload(pair.socksPort(), sink.port(), SIZE, 2);
            assertFalse(pair.local.connector().current().peerHasExtensions(), "the legacy remote never announced");
        }
    }

    @Test
    void ourRemoteCarries100MegabytesEachWayWithALegacyLocal() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of(), Map.of("tunnel.extensions", "false"));
             Origin download = Origin.download(); Origin sink = Origin.sink()) {
            Transfers.assertDownload(pair.socksPort(), download.port(), SIZE, 3);
            Transfers.assertUpload(pair.socksPort(), sink.port(), SIZE, 4);
            assertFalse(pair.local.connector().current().peerHasExtensions(), "the remote answered no announcement");
        }
    }

    @Test
    void bothOfOursNegotiateAndCarry100MegabytesEachWay() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin download = Origin.download(); Origin sink = Origin.sink()) {
            Transfers.assertDownload(pair.socksPort(), download.port(), SIZE, 5);
            Transfers.assertUpload(pair.socksPort(), sink.port(), SIZE, 6);
            org.junit.jupiter.api.Assertions.assertTrue(pair.local.connector().current().peerHasExtensions());
        }
    }
}
