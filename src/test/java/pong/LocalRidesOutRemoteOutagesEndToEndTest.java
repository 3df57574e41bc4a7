package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** Remote dies mid-transfer and comes back on the same port; local keeps running throughout. */
@Timeout(120)
class LocalRidesOutRemoteOutagesEndToEndTest {
    @Test
    void transferIsCutRequestsFailFastDuringTheOutageAndFlowAgainAfter() throws Exception {
        try (Origin download = Origin.download(); ProxyPair pair = ProxyPair.start()) {
            Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", download.port());
            app.setSoTimeout(20_000); // a hang fails the test instead of passing silently
            DataOutputStream out = new DataOutputStream(app.getOutputStream());
            out.writeLong(1L << 40); // far more than can arrive before the kill
            out.writeLong(9);
            out.flush();
            InputStream in = app.getInputStream();
            assertEquals(100_000, in.readNBytes(100_000).length);

            pair.remote.close(); // remote gone mid-transfer
            assertThrows(IOException.class, () -> in.transferTo(OutputStream.nullOutputStream()),
                    "the app sees its connection broken, not a clean end");
            app.close();

            for (int i = 0; i < 5; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort())) {
                    s.setSoTimeout(3_000); // fail-fast bound; SocketTimeoutException fails the test
                    assertEquals(1, Socks5Client.handshake(s, "127.0.0.1", download.port()), "SOCKS5 reply during the outage");
                }
            }
            assertTrue(pair.local.connector().isDown());

            pair.startRemoteAgain();
            assertEquals(0, ResourceProbe.awaitZero(() -> pair.local.connector().current() == null ? 1 : 0, 40_000),
                    "local reconnects by itself");
            assertArrayEquals(TestData.sha256(10, 500_000), Socks5Client.download(pair.socksPort(), download.port(), 500_000, 10));
        }
    }
}
