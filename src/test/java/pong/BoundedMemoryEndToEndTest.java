package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.tunnel.Tunnel;
import pong.tunnel.TunnelSettings;

/** Apps that never read cannot make local buffer without bound: tunnel.buffer.max holds. */
@Timeout(180)
class BoundedMemoryEndToEndTest {
    private static final int STREAMS = 1000;
    private static final long OFFERED = 10L * 1024 * 1024;

    @Test
    void thousandStalledDownloadsStayWithinTheBufferCapAndTheTunnelStaysUsable() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        // The origin's send buffers are fixed small so that 1,000 stalled downloads do not pin gigabytes of
        // kernel memory (tcp_mem) on a shared machine; pong's own buffers are what this test is about.
        try (ProxyPair pair = ProxyPair.start(); Origin download = Origin.download(64 * 1024)) {
            try {
                for (int i = 0; i < STREAMS; i++) {
                    // A small receive buffer keeps the kernel from soaking up megabytes per stalled app.
                    Socket s = new Socket();
                    s.setReceiveBufferSize(16 * 1024);
                    s.connect(new InetSocketAddress("127.0.0.1", pair.socksPort()));
                    assertEquals(0, Socks5Client.handshake(s, "127.0.0.1", download.port()));
                    stalled.add(s);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeLong(OFFERED);
                    out.writeLong(i);
                    out.flush();
                }
                Tunnel tunnel = pair.local.connector().current();
                // Wait until the origin has pushed as much as flow control lets through: buffered stops growing.
                long last = -1;
                for (int i = 0; i < 100 && tunnel.bufferedBytes() != last; i++) {
                    last = tunnel.bufferedBytes();
                    Thread.sleep(200);
                }
                assertTrue(tunnel.bufferedBytes() > 0, "the stalled streams do hold data");
                long cap = TunnelSettings.DEFAULT_BUFFER_MAX;
                assertTrue(tunnel.peakBufferedBytes() <= cap,
                        "peak buffered " + tunnel.peakBufferedBytes() + " exceeds tunnel.buffer.max " + cap);

                // A new stream on the same tunnel still works.
                try (Origin echo = Origin.echo(); Socket fresh = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
                    byte[] msg = TestData.bytes(99, 100_000);
                    fresh.getOutputStream().write(msg);
                    fresh.shutdownOutput();
                    assertArrayEquals(msg, fresh.getInputStream().readAllBytes());
                }
                assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"), "everything went over one tunnel");
                for (Socket s : stalled) s.close();
                stalled.clear();
                for (int i = 0; i < 1200 && (tunnel.streamCount() > 0 || tunnel.bufferedBytes() > 0); i++) Thread.sleep(50);
                assertEquals(0, tunnel.streamCount(), () -> "streams released; " + tunnel.describeStreams() + "\nremote: "
                        + pair.remote.describeStreams());
                assertEquals(0, tunnel.bufferedBytes(), "buffers released");
            } finally {
                for (Socket s : stalled) s.close();
            }
        }
    }
}
