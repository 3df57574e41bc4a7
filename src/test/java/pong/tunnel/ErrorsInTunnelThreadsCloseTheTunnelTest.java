package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.transport.SocketConduit;

/**
 * An Error (OutOfMemoryError here, thrown on purpose) in a tunnel's reader or writer thread ends the
 * tunnel: its socket is closed and onClosed runs, so its buffers are released instead of pinned by a
 * tunnel whose threads are dead.
 */
@Timeout(30)
class ErrorsInTunnelThreadsCloseTheTunnelTest {

    @Test
    void anErrorInTheReaderClosesTheTunnel() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket ours = server.accept()) {
            CountDownLatch closed = new CountDownLatch(1);
            Tunnel.Acceptor failing = (stream, type, target) -> {
                throw new OutOfMemoryError("thrown by the test");
            };
            Tunnel tunnel = new Tunnel(new SocketConduit(ours, "tcp"), Tunnel.Side.REMOTE, TunnelSettings.DEFAULTS.withExtensions(false), null, failing)
                    .start(t -> closed.countDown());
            peer.getOutputStream().write(FrameWriter.encode(new Frame(1, FrameType.CONNECT, new Address("127.0.0.1", 9).encode())));
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the tunnel was not closed after its reader failed");
            assertTrue(tunnel.isClosed());
            assertEquals(-1, readToEnd(peer), "the peer sees the connection end");
        }
    }

    @Test
    void anErrorInTheWriterClosesTheTunnel() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket ours = server.accept()) {
            CountDownLatch closed = new CountDownLatch(1);
            TunnelWriter.Observer failing = frame -> {
                throw new OutOfMemoryError("thrown by the test");
            };
            // Local announces its extensions on start: the writer thread writes that frame and fails.
            Tunnel tunnel = new Tunnel(new SocketConduit(ours, "tcp"), Tunnel.Side.LOCAL, TunnelSettings.DEFAULTS, null, null, failing)
                    .start(t -> closed.countDown());
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the tunnel was not closed after its writer failed");
            assertTrue(tunnel.isClosed());
        }
    }

    private static int readToEnd(Socket s) throws Exception {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // skip
            }
        } catch (SocketException reset) {
            // reset counts as the end
        }
        return -1;
    }
}
