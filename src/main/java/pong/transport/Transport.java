package pong.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import pong.protocol.Address;

/** Opens the tunnel connection (TLS or plain TCP) on local and listens for it on remote. */
public final class Transport {
    private static final int BACKLOG = 1024;

    private Transport() {
    }

    /** The client side's TLS choices; null context means plain TCP. */
    public record ClientTls(SSLContext context, String sni, boolean verifyHostname) {
    }

    public static ServerSocket listen(Endpoint endpoint, SSLContext tls) throws IOException {
        ServerSocket server;
        if (endpoint.tls()) {
            SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            s.setEnabledProtocols(Tls.PROTOCOLS);
            SSLParameters p = s.getSSLParameters();
            p.setCipherSuites(Tls.cipherSuites(p.getCipherSuites()));
            p.setUseCipherSuitesOrder(true);
            s.setSSLParameters(p);
            server = s;
        } else {
            server = new ServerSocket();
        }
        server.setReuseAddress(true);
        server.bind(endpoint.socketAddress(), BACKLOG);
        return server;
    }

    /** Connects and, for TLS, completes the handshake, all within the timeout. */
    public static Socket connect(Endpoint endpoint, ClientTls tls, Duration timeout) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.setKeepAlive(true);
            raw.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            if (!endpoint.tls()) return raw;
            String peerName = tls.sni() != null ? tls.sni() : endpoint.host();
            SSLSocket s = (SSLSocket) tls.context().getSocketFactory().createSocket(raw, peerName, endpoint.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(Tls.PROTOCOLS);
            p.setCipherSuites(Tls.cipherSuites(p.getCipherSuites()));
            if (Address.ipLiteral(peerName) == null) p.setServerNames(List.of(new SNIHostName(peerName)));
            if (tls.verifyHostname()) p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setSoTimeout((int) timeout.toMillis());
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
