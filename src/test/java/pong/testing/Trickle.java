package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slowloris client: connects to a loopback port, sends a prefix, then one byte every 300 ms, and
 * reports how many it got out before the server closed the connection. For tests of deadlines that
 * must bound a whole handshake rather than each read.
 */
public final class Trickle {
    public static final int INTERVAL_MILLIS = 300;
    /** Bytes offered after the prefix: 30 s at that pace, far past any deadline a test sets. */
    public static final int MAX_BYTES = 100;
    /** The server must close within this; a per-read timeout never fires while bytes keep coming. */
    private static final int CUT_WITHIN_MILLIS = 10_000;

    private Trickle() {
    }

    /**
     * Trickles and returns how many bytes after the prefix were sent before the close.
     *
     * @throws AssertionError when the connection is still open after 10 s or the whole trickle went through
     */
    public static int sentBeforeCut(int port, byte[] prefix) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(prefix);
            AtomicInteger sent = new AtomicInteger();
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < MAX_BYTES; i++) {
                        Thread.sleep(INTERVAL_MILLIS);
                        out.write('a');
                        sent.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    // cut by the server, or the test is over
                }
            });
            s.setSoTimeout(CUT_WITHIN_MILLIS);
            InputStream in = s.getInputStream();
            boolean cut;
            try {
                in.readAllBytes(); // whatever the server answers, it ends in EOF when it closes
                cut = true;
            } catch (SocketTimeoutException e) {
                cut = false;
            } catch (SocketException e) {
                cut = true; // reset by the server
            }
            trickler.interrupt();
            trickler.join();
            if (!cut) throw new AssertionError("the connection was still open after " + CUT_WITHIN_MILLIS + " ms of trickling");
            if (sent.get() >= MAX_BYTES) throw new AssertionError("the whole trickle went through before the cut");
            return sent.get();
        }
    }
}
