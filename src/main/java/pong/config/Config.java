package pong.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import pong.logging.LogLevel;
import pong.monitoring.Monitoring;
import pong.transport.Endpoint;

/**
 * A properties file being read: typed getters that name the key in every error, and a final check
 * that the file holds no key nobody asked for (a typo must not silently fall back to a default).
 * Relative paths in values are taken from the file's folder.
 */
public final class Config {
    private final Path file;
    private final Properties props;
    private final Set<String> read = new HashSet<>();

    Config(Path file, Properties props) {
        this.file = file;
        this.props = props;
    }

    public static Config load(Path file) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file.toString(), null, "cannot read: " + e.getMessage());
        }
        return new Config(file, p);
    }

    /** Builds the mode's configuration: a {@link LocalConfig} or a {@link RemoteConfig}. */
    public static ModeConfig parse(Path file) throws ConfigException {
        Config c = load(file);
        String mode = c.required("mode");
        ModeConfig result = switch (mode) {
            case "local" -> LocalConfig.from(c);
            case "remote" -> RemoteConfig.from(c);
            default -> throw c.error("mode", "must be 'local' or 'remote', not '" + mode + "'");
        };
        c.rejectUnknownKeys();
        return result;
    }

    public ConfigException error(String key, String problem) {
        return new ConfigException(file.toString(), key, problem);
    }

    public String optional(String key) {
        read.add(key);
        String v = props.getProperty(key);
        return v == null ? null : v.trim();
    }

    public String string(String key, String defaultValue) {
        String v = optional(key);
        return v == null ? defaultValue : v;
    }

    public String required(String key) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) throw error(key, "is required");
        return v;
    }

    /** @param defaultScheme what a value without a scheme means, or null when a scheme is required */
    public Endpoint endpoint(String key, String defaultScheme) throws ConfigException {
        String v = required(key);
        try {
            return Endpoint.parse(v, defaultScheme);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /**
     * A comma-separated list of endpoints, at least one; a comma that belongs inside a URL path is
     * written %2C (which HTTP servers read as the same path).
     */
    public List<Endpoint> endpoints(String key, String defaultScheme) throws ConfigException {
        required(key);
        List<Endpoint> out = new ArrayList<>();
        for (String v : list(key, "")) {
            try {
                out.add(Endpoint.parse(v, defaultScheme));
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }
        if (out.isEmpty()) throw error(key, "names no endpoint");
        if (new HashSet<>(out).size() != out.size()) throw error(key, "lists an endpoint twice (use tunnels=N for more tunnels to one)");
        return List.copyOf(out);
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) return defaultValue;
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(key, "must be true or false, not '" + v + "'");
        };
    }

    public int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) return defaultValue;
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw error(key, "'" + v + "' is not a whole number");
        }
        if (n < min || n > max) throw error(key, v + " is outside " + min + ".." + max);
        return (int) n;
    }

    /** A byte size: a number with an optional K, M or G suffix (powers of 1024). */
    public long bytes(String key, long defaultValue, long min, long max) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) return defaultValue;
        String s = v.toUpperCase();
        long unit = 1;
        if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        if (s.endsWith("K")) unit = 1024;
        else if (s.endsWith("M")) unit = 1024 * 1024;
        else if (s.endsWith("G")) unit = 1024L * 1024 * 1024;
        if (unit > 1) s = s.substring(0, s.length() - 1);
        long n;
        try {
            n = Long.parseLong(s.trim()) * unit;
        } catch (NumberFormatException e) {
            throw error(key, "'" + v + "' is not a size (examples: 65536, 256K, 64M)");
        }
        if (n < min || n > max) throw error(key, v + " is outside " + min + ".." + max + " bytes");
        return n;
    }

    /** A duration: a number with ms, s, m or h (a bare number means seconds). */
    public Duration duration(String key, Duration defaultValue) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) return defaultValue;
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            if (v.endsWith("s")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            if (v.endsWith("h")) return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw error(key, "'" + v + "' is not a duration (examples: 500ms, 10s, 5m)");
        }
    }

    public Path path(String key) throws ConfigException {
        String v = optional(key);
        if (v == null || v.isEmpty()) return null;
        Path dir = file.toAbsolutePath().getParent();
        Path p = dir.resolve(v);
        if (!Files.isReadable(p)) throw error(key, "cannot read file " + p);
        return p;
    }

    public UUID uuid(String key, String value) throws ConfigException {
        try {
            UUID id = UUID.fromString(value.trim());
            if (!id.toString().equalsIgnoreCase(value.trim())) throw new IllegalArgumentException();
            return id;
        } catch (IllegalArgumentException e) {
            throw error(key, "'" + value + "' is not a UUID (like 6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77)");
        }
    }

    public List<String> list(String key, String defaultValue) {
        String v = string(key, defaultValue);
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    /** The tunnel keys both halves share; the ping keys only mean something on local, the idle timeout only on remote. */
    public pong.tunnel.TunnelSettings tunnelSettings(boolean local) throws ConfigException {
        pong.tunnel.TunnelSettings d = pong.tunnel.TunnelSettings.DEFAULTS;
        boolean extensions = bool("tunnel.extensions", true);
        int window = (int) bytes("tunnel.window", d.window(), 1024, 64L * 1024 * 1024);
        long bufferMax = bytes("tunnel.buffer.max", d.bufferMax(), 64 * 1024, 64L * 1024 * 1024 * 1024);
        if (bufferMax < window) throw error("tunnel.buffer.max", "must be at least tunnel.window (" + window + ")");
        pong.tunnel.TunnelSettings s = d.withExtensions(extensions).withFlow(window, bufferMax);
        if (local) {
            Duration interval = duration("tunnel.ping.interval", d.pingInterval());
            Duration timeout = duration("tunnel.ping.timeout", d.pingTimeout());
            if (!interval.isZero() && timeout.isZero()) throw error("tunnel.ping.timeout", "must be more than 0 while pings are on");
            return s.withPing(interval, timeout).withIdleTimeout(Duration.ZERO);
        }
        return s.withPing(Duration.ZERO, Duration.ZERO)
                .withIdleTimeout(duration("tunnel.idle.timeout", d.idleTimeout()));
    }

    /**
     * The monitoring keys of both halves: metrics.listen, log.access, log.summary.interval, log.level;
     * metrics.per.client only on remote. The access log is on by default on remote (a server's
     * operator expects one, like a web server's) and off on local (it would record the user's own
     * browsing on the user's machine, one line per request, in the terminal).
     */
    public Monitoring.Options monitoring(boolean remote) throws ConfigException {
        InetSocketAddress metrics = null;
        String listen = optional("metrics.listen");
        if (listen != null && !listen.isEmpty()) {
            if (listen.contains("://")) throw error("metrics.listen", "is HOST:PORT (metrics are plain HTTP), not '" + listen + "'");
            try {
                Endpoint e = Endpoint.parse(listen, "tcp");
                metrics = new InetSocketAddress(e.host(), e.port());
            } catch (IllegalArgumentException e) {
                throw error("metrics.listen", e.getMessage());
            }
            if (metrics.isUnresolved()) throw error("metrics.listen", "cannot resolve host '" + metrics.getHostString() + "'");
        }
        boolean perClient = remote && bool("metrics.per.client", false);
        String access = string("log.access", remote ? "on" : "off");
        Monitoring.AccessTarget target;
        Path accessFile = null;
        switch (access) {
            case "off" -> target = Monitoring.AccessTarget.OFF;
            case "on" -> target = Monitoring.AccessTarget.LOGGER;
            default -> {
                if (access.isEmpty()) throw error("log.access", "must be off, on or a file name");
                target = Monitoring.AccessTarget.FILE;
                accessFile = file.toAbsolutePath().getParent().resolve(access);
                Path dir = accessFile.getParent();
                if (dir == null || !Files.isDirectory(dir)) throw error("log.access", "folder " + dir + " does not exist");
                if (Files.isDirectory(accessFile)) throw error("log.access", accessFile + " is a folder, not a file");
            }
        }
        Duration summary = duration("log.summary.interval", Duration.ofMinutes(5));
        if (summary.isNegative()) throw error("log.summary.interval", "must be 0 (off) or more");
        if (!summary.isZero() && summary.toMillis() < 1000) throw error("log.summary.interval", "must be 0 (off) or at least 1s");
        String level = optional("log.level");
        if (level != null && level.isEmpty()) level = null;
        if (level != null && LogLevel.parse(level) == null) throw error("log.level", "'" + level + "' is not one of " + LogLevel.NAMES);
        return new Monitoring.Options(metrics, perClient, target, accessFile, summary, level);
    }

    public String fileName() {
        return file.toString();
    }

    void rejectUnknownKeys() throws ConfigException {
        Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw error(key, "unknown key (not used in mode " + props.getProperty("mode") + ")");
        }
    }
}
