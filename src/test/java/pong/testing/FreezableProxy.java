package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import pong.transport.Sockets;

/**
 * A TCP forwarder on 127.0.0.1 that can freeze: the connections it carries then stay open but no
 * byte moves either way, like a peer that hangs or a network that silently drops everything.
 * Connections accepted after the freeze are forwarded normally.
 */
public final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Integer> frozen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();

    public FreezableProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    /** Stops moving bytes on every connection accepted so far. */
    public void freezeExisting() {
        for (int i = 1; i <= connections.get(); i++) frozen.add(i);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket a = server.accept();
                int n = connections.incrementAndGet();
                Socket b = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(a);
                sockets.add(b);
                Thread.ofVirtual().start(() -> pump(n, a, b));
                Thread.ofVirtual().start(() -> pump(n, b, a));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(int connection, Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                while (frozen.contains(connection)) Thread.sleep(50);
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            Sockets.closeQuietly(from);
            Sockets.closeQuietly(to);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) Sockets.closeQuietly(s);
    }
}
