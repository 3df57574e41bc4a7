package pong.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.ProxyPair;
import pong.testing.TestPki;

/**
 * The keys that come with the transports: http.host on local, listen.trusted.proxies on remote, tls.warmup on
 * both, and where they do not apply.
 */
class TransportKeysTest {
    @TempDir
    Path dir;

    private ModeConfig parse(Map<String, String> values) throws ConfigException {
        return Config.parse(ProxyPair.writeProperties(dir.resolve("x.properties"), values));
    }

    private Map<String, String> local(String remote, String httpHost) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("remote", remote);
        m.put("client.id", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        if (httpHost != null) m.put("http.host", httpHost);
        return m;
    }

    private Map<String, String> remote(String listen, String trusted) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "remote");
        m.put("listen", listen);
        m.put("tls.keystore", TestPki.keystore().toString());
        m.put("tls.keystore.password", TestPki.KEYSTORE_PASSWORD);
        m.put("clients", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        if (trusted != null) m.put("listen.trusted.proxies", trusted);
        return m;
    }

    @Test
    void httpHostOverridesTheHostHeaderOnlyForWebTransports() throws Exception {
        LocalConfig c = (LocalConfig) parse(local("wss://proxy.example.com/t", "cdn-origin.example.com"));
        assertEquals("cdn-origin.example.com", c.httpHost());
        assertEquals(443, c.remote().port());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(local("tls://proxy.example.com:8443", "x.example.com")));
        assertTrue(e.getMessage().contains("http.host"), e.getMessage());
        assertThrows(ConfigException.class, () -> parse(local("ws://proxy.example.com/t", "a b")));
    }

    @Test
    void trustedProxiesAreCidrsForWebListenersOnly() throws Exception {
        RemoteConfig c = (RemoteConfig) parse(remote("ws://127.0.0.1:0/t", "10.0.0.0/8, ::1"));
        assertTrue(c.trustedProxies().test(InetAddress.getByName("10.2.3.4")));
        assertTrue(c.trustedProxies().test(InetAddress.getByName("::1")));
        assertFalse(c.trustedProxies().test(InetAddress.getByName("192.0.2.1")));
        assertFalse(((RemoteConfig) parse(remote("ws://127.0.0.1:0/t", null))).trustedProxies().test(InetAddress.getByName("10.2.3.4")));
        ConfigException onTls = assertThrows(ConfigException.class, () -> parse(remote("tls://127.0.0.1:0", "10.0.0.0/8")));
        assertTrue(onTls.getMessage().contains("listen.trusted.proxies"), onTls.getMessage());
        assertThrows(ConfigException.class, () -> parse(remote("ws://127.0.0.1:0/t", ":443")));
        assertThrows(ConfigException.class, () -> parse(remote("ws://127.0.0.1:0/t", "10.0.0.0/33")));
    }

    @Test
    void aWssListenerNeedsACertificateLikeTls() {
        Map<String, String> m = remote("wss://127.0.0.1:0/t", null);
        m.remove("tls.keystore");
        m.remove("tls.keystore.password");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("wss://"), e.getMessage());
    }

    @Test
    void theTlsWarmUpIsOnByDefaultWhereverTlsIsAndNowhereElse() throws Exception {
        assertTrue(parse(local("tls://proxy.example.com:8443", null)).tlsWarmup());
        assertTrue(parse(local("tcp://proxy.example.com:8443,wss://proxy.example.com/t", null)).tlsWarmup());
        assertFalse(parse(local("tcp://proxy.example.com:8443", null)).tlsWarmup());
        assertTrue(parse(remote("h2://127.0.0.1:0/t", null)).tlsWarmup());
        assertFalse(parse(remote("ws://127.0.0.1:0/t", null)).tlsWarmup());
        Map<String, String> off = remote("tls://127.0.0.1:0", null);
        off.put("tls.warmup", "false");
        assertFalse(parse(off).tlsWarmup());
        Map<String, String> bad = local("tls://proxy.example.com:8443", null);
        bad.put("tls.warmup", "off");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(bad));
        assertTrue(e.getMessage().contains("tls.warmup") && e.getMessage().contains("true or false"), e.getMessage());
    }
}
