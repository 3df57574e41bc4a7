package pong.transport;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** {@code tcp://}: the tunnel bytes straight on a TCP connection, no encryption (for tests and trusted networks). */
final class TcpTransport implements Transport {
    @Override public String scheme() { return "tcp"; }
    @Override public int defaultPort() { return -1; }
    @Override public boolean secure() { return false; }
    @Override public boolean http() { return false; }

    @Override
    public Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException {
        return new SocketConduit(Transports.dial(to, timeout), scheme());
    }

    @Override
    public Server server(Endpoint listen, ServerOptions options) {
        return (accepted, sink) -> {
            Transports.prepareAccepted(accepted, options.handshakeTimeout());
            accepted.setSoTimeout(0); // from here the caller's deadline bounds the connection header
            sink.accept(new SocketConduit(accepted, scheme()));
        };
    }
}
