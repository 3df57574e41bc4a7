package pong.transport.http2;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A tiny HTTP/2 server on a loopback port for tests: h2c (prior knowledge) on a plain socket, or h2 over TLS
 * with ALPN "h2". Every accepted connection becomes an {@link Http2Connection#server}.
 *
 * <p>Threading: one accept virtual thread; close() from the test thread.
 */
final class H2TestServer implements AutoCloseable {
    final ServerSocket listener;
    final AtomicInteger accepted = new AtomicInteger();
    final List<Http2Connection> connections = new CopyOnWriteArrayList<>();
    /** SO_SNDBUF of accepted sockets, 0 for the system's; small makes a flood's replies back up soon. */
    volatile int sendBuffer;
    private final Http2Options options;
    private final Http2Connection.StreamHandler handler;

    H2TestServer(SSLContext tls, Http2Options options, Http2Connection.StreamHandler handler) throws IOException {
        this.options = options;
        this.handler = handler;
        if (tls == null) {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } else {
            SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            listener = s;
        }
        Thread.ofVirtual().name("h2-test-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    s.setTcpNoDelay(true);
                    if (sendBuffer > 0) s.setSendBufferSize(sendBuffer);
                    if (s instanceof SSLSocket ssl) {
                        ssl.startHandshake();
                        if (!"h2".equals(ssl.getApplicationProtocol())) {
                            s.close();
                            return;
                        }
                    }
                    connections.add(Http2Connection.server(ByteLink.of(s), options, handler));
                } catch (IOException e) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // gone
                    }
                }
            });
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Http2Connection c : connections) c.abort();
    }
}
