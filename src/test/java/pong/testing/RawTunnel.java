package pong.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.UUID;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/** A hand-driven tunnel client over plain TCP for tests that need exact frames on the wire. */
public final class RawTunnel implements AutoCloseable {
    public final Socket socket;
    private final OutputStream out;
    private final FrameReader in;

    private RawTunnel(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new FrameReader(new BufferedInputStream(socket.getInputStream()));
        socket.setSoTimeout(30_000);
    }

    /** Connects to a tcp:// remote and sends the connection header. */
    public static RawTunnel open(int port, UUID clientId) throws IOException {
        RawTunnel t = new RawTunnel(new Socket(InetAddress.getLoopbackAddress(), port));
        t.out.write(ConnectionHeader.of(clientId).encode());
        return t;
    }

    public void send(Frame frame) throws IOException {
        out.write(FrameWriter.encode(frame));
        out.flush();
    }

    public void connect(int streamId, int port) throws IOException {
        send(new Frame(streamId, FrameType.CONNECT, new Address("127.0.0.1", port).encode()));
    }

    /** The next frame from remote, or null at a clean end of the connection. */
    public Frame read() throws IOException {
        return in.read();
    }

    /** Reads frames until one of this type for this stream arrives (null if the connection ends first). */
    public Frame readUntil(int streamId, FrameType type) throws IOException {
        Frame f;
        while ((f = in.read()) != null) {
            if (f.streamId() == streamId && f.frameType() == type) return f;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
