package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.DataOutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

@Timeout(60)
class ProxiesBytesEndToEndTest {
    @Test
    void aDownloadThroughSocks5ArrivesByteExact() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin origin = Origin.download();
             Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", origin.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(1_000_000);
            out.writeLong(42);
            out.flush();
            assertArrayEquals(TestData.sha256(42, 1_000_000), TestData.sha256(s.getInputStream()));
        }
    }
}
