package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.ConnectionHeader;
import pong.testing.FreezableProxy;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;
import pong.tunnel.Tunnel;

/** A tunnel whose peer goes silent is found dead by pings and replaced; remote drops idle tunnels. */
@Timeout(60)
class TunnelLivenessEndToEndTest {
    private static final long INTERVAL_MS = 400;
    private static final long TIMEOUT_MS = 400;
    /** Scheduling slack on a loaded 2-core machine; the ping loop ticks every min(interval, timeout)/4. */
    private static final long SLACK_MS = 1500;

    @Test
    void aSilentRemoteIsDeclaredDeadAndTheNextRequestUsesANewTunnel() throws Exception {
        FreezableProxy[] proxy = new FreezableProxy[1];
        try (ProxyPair pair = ProxyPair.startVia(p -> {
                    try {
                        proxy[0] = new FreezableProxy(p);
                        return proxy[0].port();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, Map.of(), Map.of("tunnel.ping.interval", INTERVAL_MS + "ms", "tunnel.ping.timeout", TIMEOUT_MS + "ms"));
             Origin echo = Origin.echo(); FreezableProxy p = proxy[0]) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 1);
            Tunnel first = pair.local.connector().current();
            assertTrue(first.peerHasExtensions());

            long frozenAt = System.nanoTime();
            p.freezeExisting();
            while (!first.isClosed() && System.nanoTime() - frozenAt < 20_000_000_000L) Thread.sleep(10);
            long tookMs = (System.nanoTime() - frozenAt) / 1_000_000;
            assertTrue(first.isClosed(), "the silent tunnel was declared dead");
            assertTrue(tookMs <= INTERVAL_MS + TIMEOUT_MS + SLACK_MS, "declared dead after " + tookMs + " ms");

            Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 2);
            assertEquals(2, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"), "the next request opened a new tunnel");
            assertEquals(2, p.connections());
        }
    }

    @Test
    void remoteClosesATunnelThatStaysIdle() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "tunnel.idle.timeout", "500ms"), Map.of());
             Socket raw = new Socket(InetAddress.getLoopbackAddress(), pair.remote.port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.write(ConnectionHeader.of(pair.clientId).encode());
            out.flush();
            raw.setSoTimeout(20_000);
            assertEquals(-1, raw.getInputStream().read(), "remote closed the idle tunnel without a byte");
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_tunnels_opened_total"));
        }
    }

    @Test
    void aTunnelWithAnIdleTimeoutStaysUpWhileLocalPingsIt() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("tunnel.idle.timeout", "1s"),
                Map.of("tunnel.ping.interval", "200ms", "tunnel.ping.timeout", "5s"));
             Origin echo = Origin.echo()) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10, 3);
            Tunnel t = pair.local.connector().current();
            Thread.sleep(2500);
            assertTrue(!t.isClosed(), "pings kept the tunnel alive past remote's idle timeout");
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10, 4);
            assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
        }
    }

}
