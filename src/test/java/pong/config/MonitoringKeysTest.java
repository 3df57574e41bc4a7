package pong.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import pong.monitoring.Monitoring;
import pong.testing.ProxyPair;

class MonitoringKeysTest {
    @TempDir
    Path dir;

    private Monitoring.Options local(String... kv) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "local");
        m.put("listen", "127.0.0.1:0");
        m.put("remote", "tcp://127.0.0.1:1");
        m.put("client.id", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return ((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), m))).monitoring();
    }

    private Monitoring.Options remote(String... kv) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "remote");
        m.put("listen", "tcp://127.0.0.1:0");
        m.put("clients", "6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return ((RemoteConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("remote.properties"), m))).monitoring();
    }

    @Test
    void defaultsAreNoMetricsPortAFiveMinuteSummaryAndTheAccessLogOnRemoteOnly() throws Exception {
        Monitoring.Options l = local();
        Monitoring.Options r = remote();
        assertNull(l.metricsListen());
        assertEquals(Monitoring.AccessTarget.OFF, l.access());
        assertEquals(Monitoring.AccessTarget.LOGGER, r.access());
        assertEquals(Duration.ofMinutes(5), l.summaryInterval());
        assertEquals(Duration.ofMinutes(5), r.summaryInterval());
        assertFalse(r.perClient());
        assertNull(l.logLevel());
    }

    @Test
    void eachKeyIsReadAsDocumented() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Monitoring.Options l = local("metrics.listen", "[::1]:9101", "log.access", "logs/access.log", "log.summary.interval", "0",
                "log.level", "debug");
        assertEquals(new InetSocketAddress("::1", 9101), l.metricsListen());
        assertEquals(Monitoring.AccessTarget.FILE, l.access());
        assertEquals(dir.resolve("logs/access.log").toAbsolutePath(), l.accessFile());
        assertEquals(Duration.ZERO, l.summaryInterval());
        assertEquals("debug", l.logLevel());
        assertTrue(remote("metrics.per.client", "true", "log.access", "off").perClient());
        assertEquals(Monitoring.AccessTarget.OFF, remote("log.access", "off").access());
    }

    @Test
    void badValuesNameTheirKey() {
        assertKey("metrics.listen", () -> local("metrics.listen", "http://127.0.0.1:9101"));
        assertKey("metrics.listen", () -> local("metrics.listen", "127.0.0.1"));
        assertKey("log.level", () -> local("log.level", "verbose"));
        assertKey("log.summary.interval", () -> local("log.summary.interval", "10ms"));
        assertKey("log.access", () -> local("log.access", "no/such/folder/access.log"));
        assertKey("metrics.per.client", () -> local("metrics.per.client", "true"));
    }

    private static void assertKey(String key, Executable parse) {
        ConfigException e = assertThrows(ConfigException.class, parse);
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }
}
