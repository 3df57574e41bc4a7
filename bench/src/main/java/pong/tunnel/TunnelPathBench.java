package pong.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.transport.SocketConduit;

/**
 * The data path of one stream through a real {@link Tunnel} on loopback TCP, one direction per
 * benchmark, run with JMH's {@code -prof gc} so that {@code gc.alloc.rate.norm} is the bytes the whole
 * JVM allocated per operation (every thread: relay, tunnel reader and writer, the sinks).
 * <ul>
 * <li>{@code send}: an app writes {@code payload} bytes (one op) into a socket whose other end a
 *     {@link Relay} reads into a stream; the tunnel's writer sends them as data frames to a peer that
 *     reads and discards (a legacy peer: no credit to wait for). About one data frame per op: the relay's
 *     reads may split or join the app's writes.
 * <li>{@code receive}: a raw peer writes one encoded data frame of {@code payload} bytes per op (stream
 *     id above 127, so a boxed id would not come from the Integer cache); the tunnel's reader hands it to
 *     the stream, whose {@link Relay} writes it to a destination socket that a thread drains. Exactly one
 *     data frame per op.
 * </ul>
 * The score (ops/s) is frames per second; on a shared machine it is noisy, the bytes per op are not.
 *
 * <p>In package pong.tunnel for the writer's and the settings' package-private parts.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TunnelPathBench {
    /** A connected loopback pair: {@code near} is used by the code under test, {@code far} by the bench. */
    static final class Pair implements AutoCloseable {
        final Socket near;
        final Socket far;

        Pair() throws IOException {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                far = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                near = server.accept();
            }
            near.setTcpNoDelay(true);
            far.setTcpNoDelay(true);
        }

        /** Reads and throws away everything that arrives on {@code s}, on a platform thread, into one reused array. */
        static Thread drain(Socket s, String name) {
            return Thread.ofPlatform().daemon().name(name).start(() -> {
                byte[] buf = new byte[64 * 1024];
                try (InputStream in = s.getInputStream()) {
                    while (in.read(buf) >= 0) {
                        // discarded
                    }
                } catch (IOException ignored) {
                    // closed at teardown
                }
            });
        }

        @Override
        public void close() throws IOException {
            near.close();
            far.close();
        }
    }

    /** local's tunnel to a discarding peer, one stream relayed from an app socket. */
    @State(Scope.Thread)
    public static class Send {
        @Param({"64", "1024", "32761"})
        public int payload;

        byte[] chunk;
        OutputStream app;
        private Pair tunnelLink;
        private Pair appLink;
        private Tunnel tunnel;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            chunk = new byte[payload];
            tunnelLink = new Pair();
            Pair.drain(tunnelLink.far, "discarding peer");
            tunnel = new Tunnel(new SocketConduit(tunnelLink.near, "tcp"), Tunnel.Side.LOCAL,
                    TunnelSettings.DEFAULTS.withExtensions(false), null, null).start(t -> { });
            appLink = new Pair();
            Stream stream = tunnel.open(FrameType.CONNECT, new Address("127.0.0.1", 9));
            Thread.ofVirtual().name("relay").start(() -> {
                try {
                    Relay.run(stream, appLink.near, appLink.near.getInputStream());
                } catch (IOException ignored) {
                    // closed at teardown
                }
            });
            app = appLink.far.getOutputStream();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            tunnel.close();
            appLink.close();
            tunnelLink.close();
        }
    }

    /** remote's tunnel fed by a raw peer, one stream relayed to a draining destination. */
    @State(Scope.Thread)
    public static class Receive {
        static final int STREAM_ID = 1001;

        @Param({"64", "1024", "32761"})
        public int payload;

        byte[] frame;
        OutputStream peer;
        private Pair tunnelLink;
        private Pair destination;
        private Tunnel tunnel;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            frame = FrameWriter.encode(new Frame(STREAM_ID, FrameType.DATA, new byte[payload]));
            tunnelLink = new Pair();
            destination = new Pair();
            Pair.drain(destination.far, "destination");
            Pair.drain(tunnelLink.far, "raw peer's input");
            tunnel = new Tunnel(new SocketConduit(tunnelLink.near, "tcp"), Tunnel.Side.REMOTE, TunnelSettings.DEFAULTS, null,
                    (stream, type, target) -> Thread.ofVirtual().name("relay").start(() -> {
                        try {
                            Relay.run(stream, destination.near, destination.near.getInputStream());
                        } catch (IOException ignored) {
                            // closed at teardown
                        }
                    })).start(t -> { });
            peer = tunnelLink.far.getOutputStream();
            peer.write(FrameWriter.encode(new Frame(STREAM_ID, FrameType.CONNECT, new Address("127.0.0.1", 9).encode())));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            tunnel.close();
            destination.close();
            tunnelLink.close();
        }
    }

    @Benchmark
    public void send(Send s) throws IOException {
        s.app.write(s.chunk);
    }

    @Benchmark
    public void receive(Receive r) throws IOException {
        r.peer.write(r.frame);
    }
}
