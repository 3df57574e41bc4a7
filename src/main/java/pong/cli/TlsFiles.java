package pong.cli;

import java.io.IOException;
import java.io.InputStream;
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

    /** Remote's certificate chain (leaf first) and its private key. */
    record ServerKey(List<X509Certificate> chain, PrivateKey key) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private TlsFiles() {
    }

    /** Remote's key material from tls.cert/tls.key or tls.keystore; null for a tcp:// listener. */
    static ServerKey serverKey(Path file, RemoteConfig c) throws ConfigException {
        if (!c.listen().transport().secure()) return null;
        if (c.tlsKeystore() != null) return fromKeystore(file, c.tlsKeystore(), c.tlsKeystorePassword());
        List<X509Certificate> chain = certificates(file, "tls.cert", c.tlsCert());
        PrivateKey key;
        try {
            key = Pem.privateKey(c.tlsKey());
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(file.toString(), "tls.key", "cannot load the private key from " + c.tlsKey()
                    + " (" + FileLooks.describe(c.tlsKey()) + "): " + e.getMessage());
        }
        return new ServerKey(chain, key);
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

    private static ServerKey fromKeystore(Path file, Path keystore, String password) throws ConfigException {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(keystore)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(file.toString(), "tls.keystore.password", "does not open " + keystore + " (wrong password)");
            }
            throw new ConfigException(file.toString(), "tls.keystore", "cannot load " + keystore + " as a PKCS#12 keystore ("
                    + FileLooks.describe(keystore) + "): " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Key key = ks.getKey(alias, password.toCharArray());
                Certificate[] chain = ks.getCertificateChain(alias);
                if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0) continue;
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate cert : chain) certs.add((X509Certificate) cert);
                return new ServerKey(certs, pk);
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), "tls.keystore", "cannot read the key in " + keystore + ": " + e.getMessage());
        }
        throw new ConfigException(file.toString(), "tls.keystore", keystore + " holds no private key with its certificate");
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

    /** Start-up warnings about a certificate: it expires soon (or has), or it names no host, so only a pin can accept it. */
    static List<String> warnings(String key, Path path, X509Certificate cert, Instant now) {
        List<String> out = new ArrayList<>();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            out.add(key + " " + path + ": the certificate expired on " + notAfter + "; clients that check the chain refuse it");
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            out.add(key + " " + path + ": the certificate expires on " + notAfter + ", in less than "
                    + EXPIRY_WARNING.toDays() + " days; renew it");
        }
        return out;
    }
}
