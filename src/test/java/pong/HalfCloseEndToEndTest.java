package pong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/** finish carries a half close end to end: the response keeps flowing after the client stops sending. */
@Timeout(60)
class HalfCloseEndToEndTest {
    @Test
    void clientThatShutsDownOutputStillReadsTheWholeResponse() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo()) {
            // larger than every buffer on the way, so most of the echo is still in flight at the half close
            Transfers.assertEcho(pair.socksPort(), echo.port(), 3 * 1024 * 1024 + 17, 11);
        }
    }

    @Test
    void anEmptyRequestFollowedByHalfCloseGetsACleanEnd() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin echo = Origin.echo()) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 0, 12);
        }
    }
}
