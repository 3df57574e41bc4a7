package pong.transport;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** {@code tls://}: the tunnel bytes in TLS (1.3 first) on a TCP connection, on one SSLEngine ({@link TlsChannel}). */
final class TlsTransport implements Transport {
    @Override public String scheme() { return "tls"; }
    @Override public int defaultPort() { return -1; }
    @Override public boolean secure() { return true; }
    @Override public boolean http() { return false; }

    @Override
    public Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException {
        Socket raw = Transports.dial(to, timeout);
        try {
            return new TlsConduit(Tls.clientChannel(raw, options, to.host(), to.port(), timeout), scheme());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public Server server(Endpoint listen, ServerOptions options) {
        if (options.tls() == null) throw new IllegalArgumentException(scheme() + ":// needs a TLS certificate");
        return (accepted, sink) -> {
            Transports.prepareAccepted(accepted, options.handshakeTimeout());
            TlsChannel tls = Tls.serverChannel(accepted, options.tls());
            accepted.setSoTimeout(0); // from here the caller's deadline bounds the connection header
            sink.accept(new TlsConduit(tls, scheme()));
        };
    }
}
