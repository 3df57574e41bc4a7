package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import pong.transport.Sockets;

/**
 * A TCP forwarder on 127.0.0.1 that holds back the first bytes from the target for a while on every
 * connection, while bytes towards the target flow at once: a tunnel whose peer's announcement is
 * late, as on a long round trip.
 */
public final class SlowStartProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Duration delay;

    public SlowStartProxy(int targetPort, Duration delay) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.delay = delay;
        Thread.ofVirtual().name("slow-start proxy").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Thread.ofVirtual().start(() -> pump(in, out, Duration.ZERO));
                Thread.ofVirtual().start(() -> pump(out, in, delay));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, Duration delay) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n = in.read(buf);
            if (n > 0 && !delay.isZero()) Thread.sleep(delay);
            while (n >= 0) {
                out.write(buf, 0, n);
                n = in.read(buf);
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            Sockets.closeQuietly(from);
            Sockets.closeQuietly(to);
        }
    }

    @Override
    public void close() {
        Sockets.closeQuietly(server);
    }
}
