package pong.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import pong.protocol.Address;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the TLS contexts of both halves from the configured files. */
public final class Tls {
    /** TLS 1.3 first: pong-go as a client insists on it (NOTES.md). */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    public static final String PIN_PREFIX = "sha256/";

    /**
     * The JDK's cipher suites with AES-128-GCM moved to the front: as strong as the tunnel needs and about
     * a third cheaper per byte than AES-256, which is most of the CPU a bulk transfer costs here.
     */
    static String[] cipherSuites(String[] supported) {
        List<String> order = new ArrayList<>(List.of(supported));
        for (String preferred : new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_AES_128_GCM_SHA256"}) {
            if (order.remove(preferred)) order.add(0, preferred);
        }
        return order.toArray(new String[0]);
    }

    private Tls() {
    }

    /**
     * Remote's TLS on an accepted connection as a JDK {@code SSLSocket}, for the test peers
     * (the transports and the bench's floor relays use {@link #serverChannel}): the handshake runs here, on the caller's
     * thread, bounded by the socket's read timeout (and by whoever closes {@code raw}). Closing the result
     * closes {@code raw}. With application protocols, ALPN picks the first of them the client also offers
     * (none: no ALPN).
     */
    public static SSLSocket serverSide(Socket raw, SSLContext context, String... applicationProtocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, null, true);
        s.setUseClientMode(false);
        s.setSSLParameters(serverParameters(s.getSSLParameters(), applicationProtocols));
        s.startHandshake();
        return s;
    }

    /**
     * Remote's TLS on an accepted connection as a {@link TlsChannel} (many records per system call); the
     * handshake runs here as in {@link #serverSide}, and so does ALPN ({@link TlsChannel#applicationProtocol}).
     */
    public static TlsChannel serverChannel(Socket raw, SSLContext context, String... applicationProtocols) throws IOException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters(engine.getSSLParameters(), applicationProtocols));
        return TlsChannel.handshake(raw, engine);
    }

    /**
     * Local's TLS on a connected socket as a JDK {@code SSLSocket}, for the test peers and the bench's floor
     * relays (the transports use {@link #clientChannel}), with SNI and (unless pinned or insecure) the host name check
     * against {@code options.sni()} or else {@code host}. The handshake runs within the timeout. With
     * application protocols, they are offered by ALPN (the caller checks what the server chose).
     */
    public static SSLSocket clientSide(Socket raw, ClientOptions options, String host, int port, Duration timeout,
                                       String... applicationProtocols) throws IOException {
        String peerName = options.sni() != null ? options.sni() : host;
        SSLSocket s = (SSLSocket) options.tls().getSocketFactory().createSocket(raw, peerName, port, true);
        s.setSSLParameters(clientParameters(s.getSSLParameters(), options, peerName, applicationProtocols));
        s.setSoTimeout((int) timeout.toMillis());
        s.startHandshake();
        s.setSoTimeout(0);
        return s;
    }

    /**
     * Local's TLS as a {@link TlsChannel}, with the same choices, checks and ALPN offer as {@link #clientSide}
     * (what the server chose: {@link TlsChannel#applicationProtocol}).
     */
    public static TlsChannel clientChannel(Socket raw, ClientOptions options, String host, int port, Duration timeout,
                                           String... applicationProtocols) throws IOException {
        String peerName = options.sni() != null ? options.sni() : host;
        SSLEngine engine = options.tls().createSSLEngine(peerName, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(clientParameters(engine.getSSLParameters(), options, peerName, applicationProtocols));
        int before = raw.getSoTimeout();
        raw.setSoTimeout((int) timeout.toMillis());
        TlsChannel channel = TlsChannel.handshake(raw, engine);
        raw.setSoTimeout(before);
        return channel;
    }

    private static SSLParameters serverParameters(SSLParameters p, String... applicationProtocols) {
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(cipherSuites(p.getCipherSuites()));
        p.setUseCipherSuitesOrder(true);
        if (applicationProtocols.length > 0) p.setApplicationProtocols(applicationProtocols);
        return p;
    }

    private static SSLParameters clientParameters(SSLParameters p, ClientOptions options, String peerName, String... applicationProtocols) {
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(cipherSuites(p.getCipherSuites()));
        if (Address.ipLiteral(peerName) == null) p.setServerNames(List.of(new SNIHostName(peerName)));
        if (options.verifyHostname()) p.setEndpointIdentificationAlgorithm("HTTPS");
        if (applicationProtocols.length > 0) p.setApplicationProtocols(applicationProtocols);
        return p;
    }

    /** A session for logs and {@code check}: protocol and cipher suite, like "TLSv1.3 TLS_AES_128_GCM_SHA256". */
    public static String describe(SSLSession session) {
        return session.getProtocol() + " " + session.getCipherSuite();
    }

    /** Remote's context from a PEM certificate chain and a PKCS#8 PEM key. */
    public static SSLContext server(Path certChain, Path key) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificates(certChain);
        char[] none = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("pong", Pem.privateKey(key), none, chain.toArray(new X509Certificate[0]));
        return serverContext(ks, none);
    }

    /** Remote's context from a PKCS#12 keystore file. */
    public static SSLContext server(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        return server(Files.readAllBytes(keystore), password);
    }

    /** Remote's context from a PKCS#12 keystore's bytes (a file's, or ones a configuration holds inline). */
    public static SSLContext server(byte[] pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(pkcs12), password);
        return serverContext(ks, password);
    }

    private static SSLContext serverContext(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Local's context that checks remote's chain against the JDK's trust store, or against the given PEM certificates. */
    public static SSLContext client(Path trustedCerts) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (trustedCerts == null) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : Pem.certificates(trustedCerts)) ks.setCertificateEntry("trusted-" + i++, c);
            tmf.init(ks);
        }
        return clientContext(tmf.getTrustManagers());
    }

    /** Local's context that accepts exactly the server key with this SHA-256 SubjectPublicKeyInfo hash, or anything when pin is null. */
    public static SSLContext clientPinned(String pin) throws GeneralSecurityException {
        byte[] expected = pin == null ? null : Base64.getDecoder().decode(pin.substring(PIN_PREFIX.length()));
        return clientContext(new TrustManager[] {new PinningTrustManager(expected)});
    }

    /** The pin ({@code sha256/BASE64}) of a certificate's public key. */
    public static String pinOf(X509Certificate cert) throws GeneralSecurityException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
        return PIN_PREFIX + Base64.getEncoder().encodeToString(hash);
    }

    private static SSLContext clientContext(TrustManager[] tms) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tms, null);
        return ctx;
    }

    /** Checks only the leaf's key hash (pin), or nothing at all (expected == null, tls.insecure). */
    private static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final byte[] expected;

        PinningTrustManager(byte[] expected) {
            this.expected = expected;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (expected == null) return;
            if (chain == null || chain.length == 0) throw new CertificateException("server sent no certificate");
            try {
                byte[] actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getPublicKey().getEncoded());
                if (!MessageDigest.isEqual(actual, expected)) {
                    throw new CertificateException("server key does not match tls.pin (server has " + pinOf(chain[0]) + ")");
                }
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { check(chain); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { throw new CertificateException("not a server"); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { throw new CertificateException("not a server"); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { throw new CertificateException("not a server"); }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
