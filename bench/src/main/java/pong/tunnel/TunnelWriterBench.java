package pong.tunnel;

import java.io.BufferedOutputStream;
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
import org.openjdk.jmh.annotations.Threads;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/**
 * The tunnel writer's throughput into a real loopback socket whose other end a thread drains:
 * frames per second (the score; bytes per second = score x (payload + 7)) from 1 and from 16
 * producer threads, each with its own lane as streams have. {@code flushEveryFrame} is the baseline
 * without the writer: one thread writes and flushes each frame itself, so every frame is a send
 * call; the gap to {@code writer1} is what batching (flush only when the queue is empty) buys.
 *
 * <p>In package pong.tunnel because TunnelWriter is package-private.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TunnelWriterBench {
    private static final int IO_BUFFER = 64 * 1024;

    /** A loopback connection whose far end is read and thrown away by a platform thread. */
    static final class Sink implements AutoCloseable {
        final Socket socket;
        private final ServerSocket server;
        private final Socket far;
        private final Thread drainer;

        Sink() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            socket.setTcpNoDelay(true);
            far = server.accept();
            drainer = Thread.ofPlatform().daemon().name("sink drainer").start(() -> {
                try (InputStream in = far.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // closed at teardown
                }
            });
        }

        @Override
        public void close() throws IOException {
            socket.close();
            far.close();
            server.close();
            try {
                drainer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One TunnelWriter running on its own thread, shared by all producer threads. */
    @State(Scope.Benchmark)
    public static class Writer {
        @Param({"64", "1024", "32768"})
        public int payload;

        TunnelWriter writer;
        Frame frame;
        private Sink sink;
        private Thread thread;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            sink = new Sink();
            frame = new Frame(1, FrameType.DATA, new byte[payload]);
            writer = new TunnelWriter(new FrameWriter(new BufferedOutputStream(sink.socket.getOutputStream(), IO_BUFFER)), null);
            thread = Thread.ofPlatform().daemon().name("tunnel writer").start(() -> {
                try {
                    writer.run();
                } catch (IOException | InterruptedException ignored) {
                    // ends at teardown
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException, InterruptedException {
            writer.close();
            sink.close();
            thread.join(5000);
        }
    }

    /** A producer's lane, as one stream has. */
    @State(Scope.Thread)
    public static class Producer {
        TunnelWriter.Lane lane;

        @Setup(Level.Trial)
        public void setup(Writer w) {
            lane = w.writer.newLane();
        }
    }

    /** Baseline: no writer thread, flush after every frame. */
    @State(Scope.Thread)
    public static class Direct {
        @Param({"64", "1024", "32768"})
        public int payload;

        FrameWriter out;
        Frame frame;
        private Sink sink;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            sink = new Sink();
            frame = new Frame(1, FrameType.DATA, new byte[payload]);
            out = new FrameWriter(new BufferedOutputStream(sink.socket.getOutputStream(), IO_BUFFER));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sink.close();
        }
    }

    @Benchmark
    @Threads(1)
    public void writer1(Writer w, Producer p) throws IOException {
        w.writer.send(p.lane, w.frame);
    }

    @Benchmark
    @Threads(16)
    public void writer16(Writer w, Producer p) throws IOException {
        w.writer.send(p.lane, w.frame);
    }

    @Benchmark
    @Threads(1)
    public void flushEveryFrame(Direct d) throws IOException {
        d.out.write(d.frame);
        d.out.flush();
    }
}
