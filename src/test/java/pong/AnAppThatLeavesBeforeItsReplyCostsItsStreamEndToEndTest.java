package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.ProxyPair;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.transport.Sockets;

/**
 * With socks.confirm=true local answers the app only once remote's dial is done. An app that resets its
 * connection while the dial is still under way cannot be answered; its stream, already open on the
 * tunnel, must then be reset too, so that remote lets go of the destination at once instead of holding
 * it until stream.idle.timeout (10 minutes by default).
 *
 * <p>The dial is kept under way by a destination whose accept queue is full: Linux drops the SYN, and
 * the connect completes with a retransmitted SYN once the test makes room.
 */
@Timeout(60)
class AnAppThatLeavesBeforeItsReplyCostsItsStreamEndToEndTest {

    @Test
    void theStreamIsResetAndRemoteClosesTheDestination() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket destination = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ProxyPair pair = ProxyPair.start(Map.of("dial.timeout", "30s"), Map.of("socks.confirm", "true"))) {
            fillQueue(destination, fillers);

            Socket app = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort());
            assertEquals(0, Socks5Client.greet(app, 0));
            OutputStream out = app.getOutputStream();
            int port = destination.getLocalPort();
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            out.flush();
            assertEquals(0, ResourceProbe.awaitZero(() -> pair.remote.activeStreams() == 1 ? 0 : 1, 10_000), "remote never got the stream");
            Sockets.abort(app); // the app leaves while remote is still dialing

            for (Socket f : fillers) destination.accept().close(); // room in the queue: the dial's next SYN gets in
            destination.setSoTimeout(20_000);
            try (Socket dialed = destination.accept()) {
                dialed.setSoTimeout(15_000);
                InputStream in = dialed.getInputStream();
                try {
                    assertEquals(-1, in.read(), "remote sent bytes to the destination of a stream nobody uses");
                } catch (SocketTimeoutException e) {
                    fail("remote kept the destination of a stream whose app left before its reply");
                } catch (IOException e) {
                    // reset: the stream's end reached the destination as an abort
                }
            }
            assertEquals(0, ResourceProbe.awaitZero(pair.remote::activeStreams, 10_000));
            assertEquals(0, ResourceProbe.awaitZero(pair.local::activeConnections, 10_000));
        } finally {
            for (Socket f : fillers) Sockets.closeQuietly(f);
        }
    }

    /** Connects until a connect does not complete: from then on the kernel drops SYNs to this listener. */
    private static void fillQueue(ServerSocket listener, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                assertTrue(!fillers.isEmpty());
                return;
            }
        }
        fail("the accept queue never filled");
    }
}
