package pong.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import pong.testing.TestPki;
import pong.transport.Endpoint;
import pong.transport.Sockets;
import pong.transport.Tls;
import pong.transport.Transport;

/**
 * One half of the floor columns' relay chain, as its own process: {@code front LISTEN BACK_PORT vt|pt tls|plain}
 * takes plain TCP from the client and opens a TLS (or plain) connection per client connection to the back
 * half; {@code back LISTEN ORIGIN_PORT vt|pt tls|plain} takes those and dials the origin. TLS is set up by pong's own
 * {@link Transport} (same protocols and cipher order). Each connection is copied both ways by two threads
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
        Transport.ClientTls clientTls = front && tls ? new Transport.ClientTls(Tls.client(TestPki.certPem()), null, false) : null;
        boolean tlsIn = !front && tls;
        try (ServerSocket server = Transport.listen(new Endpoint(tlsIn, "127.0.0.1", listen),
                tlsIn ? Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray()) : null)) {
            System.out.println("listening on " + listen);
            while (true) {
                Socket in = server.accept();
                threads.start(() -> relay(in, new Endpoint(front && tls, "127.0.0.1", target),
                        clientTls, threads));
            }
        }
    }

    private static void relay(Socket in, Endpoint to, Transport.ClientTls tls, Thread.Builder threads) {
        Socket out = null;
        try {
            in.setTcpNoDelay(true);
            out = Transport.connect(to, tls, CONNECT_TIMEOUT);
            Socket o = out;
            Thread back = threads.start(() -> copy(o, in));
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
