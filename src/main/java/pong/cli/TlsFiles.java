package pong.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import pong.config.ConfigException;
import pong.config.RemoteConfig;
import pong.transport.Pem;

/**
 * The certificate files a configuration names, loaded as start-up loads them but with errors that name
 * the key, the file and what the file looked like; and what start-up cannot judge by loading alone:
 * whether certificate and key belong together, expiry, the names covered.
 */
final class TlsFiles {
    /** A certificate that expires sooner than this is warned about at start. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    /** The key that holds a PKCS#12 keystore inline, in base64. */
    static final String INLINE_KEY = "tls.keystore.base64";

    /**
     * Remote's certificate chain (leaf first) and its private key.
     *
     * @param configKey the key that gave them: tls.cert (with tls.key), tls.keystore or tls.keystore.base64
     * @param where     how a message names them: the key and its file ("tls.keystore /etc/pong/remote.p12")
     */
    record ServerKey(List<X509Certificate> chain, PrivateKey key, String configKey, String where) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private TlsFiles() {
    }

    /** Remote's key material from tls.cert/tls.key, tls.keystore or tls.keystore.base64; null for a tcp:// listener. */
    static ServerKey serverKey(Path file, RemoteConfig c) throws ConfigException {
        if (!c.listen().transport().secure()) return null;
        if (c.tlsKeystoreInline() != null) {
            byte[] bytes = c.tlsKeystoreInline();
            return fromKeystore(file, INLINE_KEY, bytes, "the keystore in " + INLINE_KEY,
                    "once decoded, " + FileLooks.describe(bytes, bytes.length), INLINE_KEY + " in " + file, c.tlsKeystorePassword());
        }
        if (c.tlsKeystore() != null) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(c.tlsKeystore());
            } catch (IOException e) {
                throw new ConfigException(file.toString(), "tls.keystore", "cannot read " + c.tlsKeystore() + ": " + e.getMessage());
            }
            String name = c.tlsKeystore().toString();
            return fromKeystore(file, "tls.keystore", bytes, name, FileLooks.describe(c.tlsKeystore()), "tls.keystore " + name,
                    c.tlsKeystorePassword());
        }
        List<X509Certificate> chain = certificates(file, "tls.cert", c.tlsCert());
        PrivateKey key;
        try {
            key = Pem.privateKey(c.tlsKey());
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(file.toString(), "tls.key", "cannot load the private key from " + c.tlsKey()
                    + " (" + FileLooks.describe(c.tlsKey()) + "): " + e.getMessage());
        }
        return new ServerKey(chain, key, "tls.cert", "tls.cert " + c.tlsCert());
    }

    /** PEM certificates from the file a key names, or an error naming both. */
    static List<X509Certificate> certificates(Path file, String key, Path certs) throws ConfigException {
        try {
            return certificates(certs);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), key, e.getMessage());
        }
    }

    /** PEM certificates, or an error that names the file and says what it looks like. */
    static List<X509Certificate> certificates(Path certs) throws GeneralSecurityException {
        try {
            return Pem.certificates(certs);
        } catch (IOException | GeneralSecurityException e) {
            throw new GeneralSecurityException("cannot load PEM certificates from " + certs + " (" + FileLooks.describe(certs) + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * A PKCS#12 keystore's first private key with its chain.
     *
     * @param name  how errors name the keystore: its file, or the key that holds it inline
     * @param looks what the bytes look like, for an error when they do not load
     */
    private static ServerKey fromKeystore(Path file, String configKey, byte[] pkcs12, String name, String looks, String where,
                                          String password) throws ConfigException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(pkcs12), password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(file.toString(), "tls.keystore.password", "does not open " + name + " (wrong password)");
            }
            throw new ConfigException(file.toString(), configKey, "cannot load " + name + " as a PKCS#12 keystore (" + looks + "): "
                    + e.getMessage());
        }
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Key key = ks.getKey(alias, password.toCharArray());
                Certificate[] chain = ks.getCertificateChain(alias);
                if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0) continue;
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate cert : chain) certs.add((X509Certificate) cert);
                return new ServerKey(certs, pk, configKey, where);
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), configKey, "cannot read the key in " + name + ": " + e.getMessage());
        }
        throw new ConfigException(file.toString(), configKey, name + " holds no private key with its certificate");
    }

    /** True when the key signs what the certificate's public key verifies. */
    static boolean matches(ServerKey k) throws GeneralSecurityException {
        PublicKey pub = k.leaf().getPublicKey();
        if (!pub.getAlgorithm().equals(k.key().getAlgorithm())) return false;
        String algorithm = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> pub.getAlgorithm(); // Ed25519, Ed448, EdDSA sign by their own name
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(k.key());
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pub);
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    /** The subjectAltName entries as {@code DNS:name} and {@code IP:address}; empty when there are none. */
    static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans == null) return out;
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == 2) out.add("DNS:" + san.get(1));
                else if (type == 7) out.add("IP:" + san.get(1));
            }
        } catch (CertificateParsingException e) {
            // a SAN extension that does not parse covers nothing
        }
        return out;
    }

    /** Start-up warnings about remote's certificate: it expires soon (or has). */
    static List<String> warnings(ServerKey k, Instant now) {
        List<String> out = new ArrayList<>();
        Instant notAfter = k.leaf().getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            out.add(k.where() + ": the certificate expired on " + notAfter + "; clients that check the chain refuse it");
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            out.add(k.where() + ": the certificate expires on " + notAfter + ", in less than "
                    + EXPIRY_WARNING.toDays() + " days; renew it");
        }
        return out;
    }
}
