package pong.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** The baseline column: the client connects to the origin itself, no proxy. */
final class DirectPath implements ProxyUnderTest {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public void start() {
    }

    @Override
    public Socket connect(int originPort) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), originPort);
    }

    @Override
    public long peakRssKib() {
        return -1;
    }

    @Override
    public void stop() {
    }

    @Override
    public void close() {
    }
}
