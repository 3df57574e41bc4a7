package pong;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.SlowStartProxy;
import pong.testing.Transfers;

/**
 * An app that uploads at once on a tunnel whose remote announcement is late (here held back 1 s)
 * sends before local knows remote's credit. Remote holds local to its credit, but accepts the
 * documented allowance for that case (docs/extensions.md); local keeps within it and waits for the
 * announcement, so the upload arrives whole: it is neither reset nor stuck. Plain TCP, so that what
 * is held back is remote's announcement, not a TLS handshake.
 */
@Timeout(60)
class UploadsOnAFreshTunnelNeverHangEndToEndTest {

    @Test
    void aFourMegabyteUploadStartedBeforeRemotesAnnouncementArrivesWhole() throws Exception {
        SlowStartProxy[] proxy = new SlowStartProxy[1];
        try (Origin sink = Origin.sink();
             ProxyPair pair = ProxyPair.startVia(port -> {
                 try {
                     proxy[0] = new SlowStartProxy(port, Duration.ofSeconds(1));
                     return proxy[0].port();
                 } catch (IOException e) {
                     throw new UncheckedIOException(e);
                 }
             }, Map.of("listen", "tcp://127.0.0.1:0"), Map.of())) {
            Transfers.assertUpload(pair.socksPort(), sink.port(), 4L * 1024 * 1024, 11);
            Transfers.assertUpload(pair.socksPort(), sink.port(), 4L * 1024 * 1024, 12);
        } finally {
            if (proxy[0] != null) proxy[0].close();
        }
    }
}
