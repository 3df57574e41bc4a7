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
import pong.transport.Transports;

/**
 * One half of the floor columns' relay chain, as its own process: {@code front LISTEN BACK_PORT vt|pt tls|plain}
 * takes plain TCP from the client and opens a TLS (or plain) connection per client connection to the back
 * half; {@code back LISTEN ORIGIN_PORT vt|pt tls|plain} takes those and dials the origin. TLS is set up by pong's own
 * tls transport (same protocols and cipher order). Each connection is copied both ways by two threads
 * with 64 KiB buffers, virtual (vt) or platform (pt): no SOCKS, no frames, no multiplexing, nothing
 * but the copies and the cipher, so it is the best a two-process TLS relay on this JDK does here.
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
        Socket in = accepted;
        Socket out = null;
        try {
            in.setTcpNoDelay(true);
            if (serverTls != null) in = Tls.serverSide(accepted, serverTls);
            out = new Socket();
            out.setTcpNoDelay(true);
            out.connect(new InetSocketAddress(to.host(), to.port()), (int) CONNECT_TIMEOUT.toMillis());
            if (tls.tls() != null) out = Tls.clientSide(out, tls, to.host(), to.port(), CONNECT_TIMEOUT);
            Socket o = out;
            Socket i = in;
            Thread back = threads.start(() -> copy(o, i));
            copy(in, out);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the client or the origin went away: nothing to report in a bench relay
        } finally {
            Sockets.closeQuietly(in);
            if (out != null) Sockets.closeQuietly(out);
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
            to.shutdownOutput();
        } catch (IOException e) {
            Sockets.closeQuietly(from);
            Sockets.closeQuietly(to);
        }
    }
}
