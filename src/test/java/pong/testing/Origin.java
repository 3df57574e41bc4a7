package pong.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import pong.transport.Sockets;

/**
 * A destination server on 127.0.0.1 for tests: each accepted connection runs the handler on its own
 * virtual thread. Closing the origin closes every connection it still has.
 */
public final class Origin implements AutoCloseable {
    /** What the origin does with one connection. */
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    private Origin(ServerSocket server, Handler handler) {
        this.handler = handler;
        this.server = server;
        Thread.ofVirtual().name("origin accept").start(this::acceptLoop);
    }

    public static Origin start(Handler handler) throws IOException {
        return serve(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()), handler);
    }

    /** Runs the handler for every connection this listening socket accepts (a TLS one, say); closing closes it. */
    public static Origin serve(ServerSocket server, Handler handler) {
        return new Origin(server, handler);
    }

    /** Echoes every byte back; half-closes its output when the client half-closes. */
    public static Origin echo() throws IOException {
        return start(s -> {
            s.getInputStream().transferTo(s.getOutputStream());
            s.shutdownOutput();
        });
    }

    /**
     * Reads an 8-byte big-endian length and a 8-byte seed, then sends that many bytes of
     * {@link TestData#stream(long, long)} and closes.
     */
    public static Origin download() throws IOException {
        return download(0);
    }

    /** Like {@link #download()}, with a fixed socket send buffer (0 leaves the kernel's autotuning). */
    public static Origin download(int sendBuffer) throws IOException {
        return start(s -> {
            if (sendBuffer > 0) s.setSendBufferSize(sendBuffer);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long n = in.readLong();
            long seed = in.readLong();
            OutputStream out = s.getOutputStream();
            TestData.stream(seed, n).transferTo(out);
            s.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
        });
    }

    /** Reads everything until the client half-closes, then answers with the SHA-256 (32 bytes) of what it read. */
    public static Origin sink() throws IOException {
        return start(s -> {
            byte[] digest = TestData.sha256(s.getInputStream());
            s.getOutputStream().write(digest);
            s.shutdownOutput();
        });
    }

    /** A loopback port with nothing listening on it (bound once, then released), for refused connects. */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread.ofVirtual().name("origin conn").start(() -> {
                try (s) {
                    handler.handle(s);
                } catch (IOException ignored) {
                    // the test sees what the client sees
                } finally {
                    open.remove(s);
                }
            });
        }
    }

    @Override
    public void close() {
        Sockets.closeQuietly(server);
        for (Socket s : open) Sockets.closeQuietly(s);
    }

}
