package pong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

@Timeout(60)
class ProxiesBytesEndToEndTest {
    @Test
    void aDownloadThroughSocks5ArrivesByteExact() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin origin = Origin.download()) {
            Transfers.assertDownload(pair.socksPort(), origin.port(), 1_000_000, 42);
        }
    }
}
