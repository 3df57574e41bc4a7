package pong.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.ProxyPair;

class LocalConfigProxyKeysTest {
    @TempDir
    Path dir;

    private LocalConfig parse(String key, String value) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("remote", "tcp://127.0.0.1:1");
        m.put("client.id", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        if (key != null) m.put(key, value);
        return (LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), m));
    }

    @Test
    void defaultsAreNoUsersAndSixtySecondsUdpIdle() throws Exception {
        LocalConfig c = parse(null, null);
        assertTrue(c.socksUsers().isEmpty());
        assertEquals(Duration.ofSeconds(60), c.udpIdleTimeout());
    }

    @Test
    void socksConfirmDecidesWhetherTheTunnelAsksForConnectConfirmations() throws Exception {
        assertFalse(parse(null, null).tunnel().connectConfirm());
        assertTrue(parse("socks.confirm", "true").tunnel().connectConfirm());
    }

    @Test
    void confirmIsTheKeyAndSocksConfirmItsOlderName() throws Exception {
        assertFalse(parse(null, null).confirm());
        assertTrue(parse("confirm", "true").confirm());
        assertTrue(parse("confirm", "true").tunnel().connectConfirm());
        assertTrue(parse("socks.confirm", "true").confirm());
        Map<String, String> both = new LinkedHashMap<>();
        both.put("mode", "local");
        both.put("listen", "127.0.0.1:0");
        both.put("remote", "tcp://127.0.0.1:1");
        both.put("client.id", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        both.put("confirm", "false");
        both.put("socks.confirm", "true");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.parse(ProxyPair.writeProperties(dir.resolve("both.properties"), both)));
        assertTrue(e.getMessage().contains("'confirm'") && e.getMessage().contains("socks.confirm"), e.getMessage());
    }

    @Test
    void usersAreSplitAtTheFirstColon() throws Exception {
        assertEquals(Map.of("alice", "s3cret", "bob", "a:b"), parse("socks.users", "alice:s3cret, bob:a:b").socksUsers());
    }

    @Test
    void badUserListsNameTheKeyAndNeverThePassword() {
        for (String bad : new String[] {"alice", ":pw", "alice:", "alice:x,alice:y", "alice:" + "p".repeat(256)}) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse("socks.users", bad), bad);
            assertTrue(e.getMessage().contains("socks.users"), e.getMessage());
            assertFalse(e.getMessage().contains("ppp") || e.getMessage().contains(":y"), e.getMessage());
        }
    }

    @Test
    void udpIdleTimeoutMustBePositive() {
        assertThrows(ConfigException.class, () -> parse("udp.idle.timeout", "0s"));
        assertThrows(ConfigException.class, () -> parse("udp.idle.timeout", "soon"));
    }
}
