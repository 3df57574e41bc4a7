package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/** One large transfer through one stream over the TLS tunnel (ProxyPair's default transport). */
@Timeout(120)
class LargeDownloadEndToEndTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    @Test
    void hundredMegabytesThroughOneStreamArriveByteExactOverTls() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin origin = Origin.download()) {
            Transfers.assertDownload(pair.socksPort(), origin.port(), HUNDRED_MB, 7);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
            assertEquals(1, origin.accepted());
        }
    }
}
