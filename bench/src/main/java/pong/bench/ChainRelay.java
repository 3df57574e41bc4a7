package pong.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import pong.testing.TestPki;
import javax.net.ssl.SSLContext;
import pong.transport.ClientOptions;
import pong.transport.Endpoint;
import pong.transport.Sockets;
import pong.transport.Tls;
import pong.transport.TlsChannel;
import pong.transport.Transports;

/**
 * One half of the floor columns' relay chain, as its own process: {@code front LISTEN BACK_PORT vt|pt tls|plain}
 * takes plain TCP from the client and opens a TLS (or plain) connection per client connection to the back
 * half; {@code back LISTEN ORIGIN_PORT vt|pt tls|plain} takes those and dials the origin. TLS is set up by pong's own
 * tls transport (same protocols and cipher order) and runs on the conduit pong's tunnel runs on
 * ({@link TlsChannel}: one SSLEngine, whole records, several records per system call). Each connection
 * is copied both ways by two threads with 64 KiB buffers, virtual (vt) or platform (pt): no SOCKS, no
 * frames, no multiplexing, nothing but the copies and the cipher, so it is the best a two-process TLS
 * relay on this JDK does here.
 *
 * <p>Threading: the main thread accepts; each connection gets its own pair of copy threads.
 */
public final class ChainRelay {
    private static final int BUFFER = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private ChainRelay() {
    }

    public static void main(String[] args) throws Exception {
        boolean front = args[0].equals("front");
        int listen = Integer.parseInt(args[1]);
        int target = Integer.parseInt(args[2]);
        Thread.Builder threads = args[3].equals("vt") ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
        boolean tls = args.length < 5 || args[4].equals("tls");
        // Only the front dials over TLS; the back dials the origin in plain TCP.
        ClientOptions clientTls = front && tls ? new ClientOptions(Tls.client(TestPki.certPem()), null, false, null) : ClientOptions.PLAIN;
        boolean tlsIn = !front && tls;
        SSLContext serverTls = tlsIn ? Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray()) : null;
        try (ServerSocket server = Transports.listen(new Endpoint("tcp", "127.0.0.1", listen))) {
            System.out.println("listening on " + listen);
            while (true) {
                Socket accepted = server.accept();
                threads.start(() -> relay(accepted, serverTls, new Endpoint(front && tls ? "tls" : "tcp", "127.0.0.1", target),
                        clientTls, threads));
            }
        }
    }

    private static void relay(Socket accepted, SSLContext serverTls, Endpoint to, ClientOptions tls, Thread.Builder threads) {
        Link in = null;
        Link out = null;
        Socket dialed = new Socket();
        try {
            accepted.setTcpNoDelay(true);
            in = serverTls != null ? new Link(Tls.serverChannel(accepted, serverTls)) : new Link(accepted);
            dialed.setTcpNoDelay(true);
            dialed.connect(new InetSocketAddress(to.host(), to.port()), (int) CONNECT_TIMEOUT.toMillis());
            out = tls.tls() != null
                    ? new Link(Tls.clientChannel(dialed, tls, to.host(), to.port(), CONNECT_TIMEOUT))
                    : new Link(dialed);
            Link o = out;
            Link i = in;
            Thread back = threads.start(() -> copy(o, i));
            copy(in, out);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the client or the origin went away: nothing to report in a bench relay
        } finally {
            Sockets.closeQuietly(accepted);
            Sockets.closeQuietly(dialed);
        }
    }

    private static void copy(Link from, Link to) {
        byte[] buf = new byte[BUFFER];
        try {
            int n;
            while ((n = from.in.read(buf)) > 0) {
                to.out.write(buf, 0, n);
                to.out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            from.close();
            to.close();
        }
    }

    /** One side of a relayed connection: a plain socket, or TLS on a {@link TlsChannel} over it. */
    private static final class Link {
        final InputStream in;
        final OutputStream out;
        private final Socket socket;
        private final TlsChannel tls;

        Link(Socket socket) throws IOException {
            this.socket = socket;
            this.tls = null;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Link(TlsChannel tls) {
            this.socket = tls.socket();
            this.tls = tls;
            this.in = tls.input();
            this.out = tls.output();
        }

        void shutdownOutput() throws IOException {
            if (tls != null) tls.shutdownOutput();
            else socket.shutdownOutput();
        }

        void close() {
            if (tls != null) tls.close();
            else Sockets.closeQuietly(socket);
        }
    }
}
