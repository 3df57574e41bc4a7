package pong.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import pong.config.ConfigException;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;

/**
 * What start-up checks after parsing a file and before starting the half: the files the configuration
 * names load and fit together (errors name key and file: exit code 2), and what deserves a warning.
 * {@code check} runs the same, so it finds what start-up would.
 */
final class Preflight {
    private Preflight() {
    }

    /** @return the warnings to log at start */
    static List<String> remote(Path file, RemoteConfig c, Instant now) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        TlsFiles.ServerKey k = TlsFiles.serverKey(file, c);
        if (k != null) {
            boolean matches;
            try {
                matches = TlsFiles.matches(k);
            } catch (GeneralSecurityException e) {
                throw new ConfigException(file.toString(), k.configKey().equals("tls.cert") ? "tls.key" : k.configKey(),
                        "cannot test the key against the certificate: " + e.getMessage());
            }
            if (!matches) {
                throw k.configKey().equals("tls.cert")
                        ? new ConfigException(file.toString(), "tls.key", "the private key in " + c.tlsKey()
                                + " does not belong to the certificate in " + c.tlsCert() + " (tls.cert): give the key that was made with this certificate")
                        : new ConfigException(file.toString(), k.configKey(), "the private key in " + k.where() + " does not belong to its certificate");
            }
            warnings.addAll(TlsFiles.warnings(k, now));
        }
        if (c.deny().toString().isBlank()) {
            warnings.add("dst.deny is empty: remote dials anything a client asks for, its own loopback and private networks included");
        }
        return warnings;
    }

    /** The certificate remote presents first, or null for a tcp:// listener (already checked by {@link #remote}). */
    static X509Certificate leaf(Path file, RemoteConfig c) throws ConfigException {
        TlsFiles.ServerKey k = TlsFiles.serverKey(file, c);
        return k == null ? null : k.leaf();
    }

    /** @return the warnings to log at start */
    static List<String> local(Path file, LocalConfig c) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        if (c.tlsTrust() != null) TlsFiles.certificates(file, "tls.trust", c.tlsTrust());
        if (c.socksUsers().isEmpty() && !loopback(c.listen().host())) {
            warnings.add("listen=" + c.listen().host() + ":" + c.listen().port() + " is not a loopback address and socks.users is"
                    + " empty: anyone who reaches it can use this proxy (an open proxy); set socks.users or listen on 127.0.0.1");
        }
        return warnings;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // binding will fail and say so
        }
    }
}
