package pong.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pong.local.TunnelPool;
import pong.testing.ProxyPair;

/** remote= as a list, remote.policy and tunnels: what they accept and how they fail. */
class PoolKeysTest {
    @TempDir
    Path dir;

    private LocalConfig parse(Map<String, String> extra) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("client.id", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        m.putAll(extra);
        return (LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("x.properties"), m));
    }

    @Test
    void aSingleRemoteIsAPoolOfOneTunnelWithFailover() throws Exception {
        TunnelPool.Options p = parse(Map.of("remote", "tls://a.example:8443")).pool();
        assertEquals(1, p.endpoints().size());
        assertEquals(TunnelPool.Policy.FAILOVER, p.policy());
        assertEquals(1, p.tunnelsPerEndpoint());
    }

    @Test
    void aCommaListKeepsItsOrderAndACommaInAPathIsWrittenPercent2C() throws Exception {
        LocalConfig c = parse(Map.of("remote", "tls://a.example:8443, wss://b.example/t%2Cu ,tcp://[::1]:9000",
                "remote.policy", "spread", "tunnels", "3"));
        assertEquals(List.of("tls://a.example:8443", "wss://b.example:443/t%2Cu", "tcp://[::1]:9000"),
                c.remotes().stream().map(Object::toString).toList());
        assertEquals("/t%2Cu", c.remotes().get(1).path());
        assertEquals(TunnelPool.Policy.SPREAD, c.pool().policy());
        assertEquals(3, c.pool().tunnelsPerEndpoint());
        assertEquals("tls://a.example:8443", c.remote().toString(), "remote() is the first endpoint");
    }

    @Test
    void badPoolKeysNameWhatIsWrong() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("remote", "tls://a.example:1", "remote.policy", "random")));
        assertTrue(e.getMessage().contains("remote.policy"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(Map.of("remote", "tls://a.example:1", "tunnels", "0")));
        assertTrue(e.getMessage().contains("tunnels"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(Map.of("remote", "tls://a.example:1,tls://a.example:1")));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(Map.of("remote", " , ")));
        assertTrue(e.getMessage().contains("remote"), e.getMessage());
    }
}
