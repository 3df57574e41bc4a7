package pong.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import pong.protocol.Address;
import pong.transport.Sockets;

/**
 * A loopback destination whose dials hang: a listener that never accepts and whose accept queue is
 * full, so Linux drops further SYNs and a connect waits for its timeout.
 */
public final class BlackHole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackHole() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    public static BlackHole start() throws IOException {
        BlackHole hole = new BlackHole();
        try {
            hole.fill();
        } catch (IOException | AssertionError e) {
            hole.close();
            throw e;
        }
        return hole;
    }

    /** Where a dial hangs. */
    public Address address() {
        return new Address("127.0.0.1", listener.getLocalPort());
    }

    /** Connects until a connect hangs: the accept queue is full. */
    private void fill() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new AssertionError("the listener's accept queue never filled: connects to it would not hang");
    }

    @Override
    public void close() {
        fillers.forEach(Sockets::closeQuietly);
        Sockets.closeQuietly(listener);
    }
}
