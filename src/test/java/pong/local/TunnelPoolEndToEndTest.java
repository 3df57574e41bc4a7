package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;
import pong.remote.RemoteServer;
import pong.testing.Eventually;
import pong.testing.FreezableProxy;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.PongJar;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestPki;
import pong.tunnel.Tunnel;

/** remote= with several endpoints and tunnels=N: failover, spread, and a frozen tunnel, over real sockets. */
class TunnelPoolEndToEndTest {
    private final UUID clientId = UUID.randomUUID();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path dir;

    private RemoteServer remoteOn(int port) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("listen", "tls://127.0.0.1:" + port);
        r.put("tls.keystore", TestPki.keystore().toString());
        r.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        r.put("clients", clientId.toString());
        r.put("dst.deny", "");
        RemoteServer s = new RemoteServer((RemoteConfig) Config.parse(ProxyPair.writeProperties(dir().resolve("remote-" + port + ".properties"), r))).start();
        open.add(s);
        return s;
    }

    private LocalServer local(String remote, Map<String, String> more) throws Exception {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:0");
        l.put("remote", remote);
        l.put("client.id", clientId.toString());
        l.put("tls.trust", TestPki.certPem().toString());
        l.putAll(more);
        LocalServer s = new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir().resolve("local.properties"), l))).start();
        open.add(s);
        return s;
    }

    private Path dir() throws IOException {
        if (dir == null) dir = Files.createTempDirectory("pong-pool");
        return dir;
    }

    private void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private static void echoOnce(LocalServer local, Origin echo, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(data, Socks5Client.echo(local.port(), echo.port(), data));
    }

    @Test
    void failoverUsesTheFirstEndpointOnceItComesUpAndMovesNewStreamsBackToIt() throws Exception {
        try (Origin echo = Origin.echo()) {
            int firstPort = PongJar.freePort(); // nothing listens there yet
            RemoteServer second = remoteOn(0);
            RemoteServer third = remoteOn(0);
            LocalServer local = local("tls://127.0.0.1:" + firstPort + ",tls://127.0.0.1:" + second.port() + ",tls://127.0.0.1:" + third.port(),
                    Map.of("remote.policy", "failover"));
            for (int i = 0; i < 5; i++) echoOnce(local, echo, "while the first is down " + i);
            assertEquals(5, dials(second), "the second endpoint, the first one up in order, took every stream");
            assertEquals(0, dials(third), "failover does not spread");

            RemoteServer first = remoteOn(firstPort);
            assertTrue(Eventually.holds(() -> local.connector().slots().get(0).isUp()), "the first endpoint's slot reconnected");
            long secondBefore = dials(second);
            for (int i = 0; i < 5; i++) echoOnce(local, echo, "the first is back " + i);
            assertEquals(5, dials(first), "new streams moved back to the first endpoint");
            assertEquals(secondBefore, dials(second));
        } finally {
            closeAll();
        }
    }

    @Test
    void spreadPutsConcurrentStreamsOnTheTunnelWithTheFewestOpenStreams() throws Exception {
        try (Origin echo = Origin.echo()) {
            RemoteServer a = remoteOn(0);
            RemoteServer b = remoteOn(0);
            LocalServer local = local("tls://127.0.0.1:" + a.port() + ",tls://127.0.0.1:" + b.port(),
                    Map.of("remote.policy", "spread", "tunnels", "2"));
            echoOnce(local, echo, "warm up");
            assertTrue(Eventually.holds(() -> local.connector().tunnelsUp() == 4), "two tunnels to each endpoint");
            List<TunnelConnector> slots = local.connector().slots();
            List<Socket> held = new ArrayList<>();
            Map<Socket, TunnelConnector> slotOf = new LinkedHashMap<>();
            try {
                for (int i = 0; i < 8; i++) slotOf.put(holdOne(local, echo, held), slotThatGrew(slots));
                for (TunnelConnector slot : slots) {
                    assertEquals(2, slot.openStreams(), "8 held streams over 4 tunnels: 2 each, " + slot.endpoint());
                }
                assertEquals(4, a.activeStreams());
                assertEquals(4, b.activeStreams());
                // empty one tunnel: the next two streams both go there, where the fewest are open
                TunnelConnector emptied = slots.get(1);
                for (Map.Entry<Socket, TunnelConnector> e : slotOf.entrySet()) if (e.getValue() == emptied) e.getKey().close();
                assertTrue(Eventually.holds(() -> emptied.openStreams() == 0), "the emptied tunnel's streams ended");
                holdOne(local, echo, held);
                holdOne(local, echo, held);
                assertEquals(2, emptied.openStreams(), "both new streams went to the tunnel with the fewest open streams");
            } finally {
                for (Socket s : held) s.close();
            }
        } finally {
            closeAll();
        }
    }

    /** Opens a stream through local to the echo origin and waits until it carries a byte both ways, so it is counted on its tunnel. */
    private static Socket holdOne(LocalServer local, Origin echo, List<Socket> held) throws IOException {
        Socket s = Socks5Client.connect(local.port(), "127.0.0.1", echo.port());
        held.add(s);
        s.getOutputStream().write(1);
        assertEquals(1, s.getInputStream().read());
        return s;
    }

    private final Map<TunnelConnector, Integer> seen = new HashMap<>();

    /** The slot whose open streams grew since the last call. */
    private TunnelConnector slotThatGrew(List<TunnelConnector> slots) {
        TunnelConnector grew = null;
        for (TunnelConnector c : slots) {
            int n = c.openStreams();
            if (n > seen.getOrDefault(c, 0)) grew = c;
            seen.put(c, n);
        }
        return grew;
    }

    @Test
    void aFrozenTunnelIsTakenOutAfterItsPingTimeoutWhileTheOthersServe() throws Exception {
        try (Origin echo = Origin.echo()) {
            RemoteServer a = remoteOn(0);
            RemoteServer b = remoteOn(0);
            FreezableProxy toA = new FreezableProxy(a.port());
            open.add(toA);
            LocalServer local = local("tls://127.0.0.1:" + toA.port() + ",tls://127.0.0.1:" + b.port(),
                    Map.of("remote.policy", "spread", "tunnel.ping.interval", "200ms", "tunnel.ping.timeout", "500ms"));
            echoOnce(local, echo, "warm up");
            assertTrue(Eventually.holds(() -> local.connector().tunnelsUp() == 2), "both tunnels up");
            TunnelConnector frozenSlot = local.connector().slots().get(0);
            long openedBefore = frozenSlot.tunnelsOpened();
            Tunnel frozen = frozenSlot.current();
            toA.freezeExisting();
            assertTrue(Eventually.holds(frozen::isClosed), "the frozen tunnel failed its ping and was closed");
            for (int i = 0; i < 20; i++) echoOnce(local, echo, "after the freeze " + i);
            assertTrue(Eventually.holds(() -> frozenSlot.tunnelsOpened() > openedBefore), "the slot opened a fresh tunnel");
        } finally {
            closeAll();
        }
    }

    /** Destinations a remote dialed since start, as its observer counted them. */
    private static long dials(RemoteServer remote) {
        return Observed.sum(remote.monitoring(), "pong_dial_duration_seconds_count");
    }
}
