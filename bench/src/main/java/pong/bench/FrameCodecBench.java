package pong.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/**
 * Frame encode and decode cost, ns per frame, through the same buffered streams the tunnel uses
 * (64 KiB buffers) but with no socket behind them: the codec and its copies alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBench {
    private static final int IO_BUFFER = 64 * 1024;

    @Param({"0", "1024", "65500"})
    public int payload;

    private Frame frame;
    private FrameWriter writer;
    private FrameReader reader;

    @Setup
    public void setup() {
        frame = new Frame(7, FrameType.DATA, new byte[payload]);
        writer = new FrameWriter(new BufferedOutputStream(OutputStream.nullOutputStream(), IO_BUFFER));
        reader = new FrameReader(new BufferedInputStream(new Repeating(FrameWriter.encode(frame)), IO_BUFFER));
    }

    @Benchmark
    public void encode() throws IOException {
        writer.write(frame);
    }

    @Benchmark
    public Frame decode() throws IOException {
        return reader.read();
    }

    /** An endless input that repeats one encoded frame. */
    static final class Repeating extends InputStream {
        private final byte[] bytes;
        private int pos;

        Repeating(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            int b = bytes[pos] & 0xff;
            pos = (pos + 1) % bytes.length;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int done = 0;
            while (done < len) {
                int n = Math.min(len - done, bytes.length - pos);
                System.arraycopy(bytes, pos, b, off + done, n);
                done += n;
                pos = (pos + n) % bytes.length;
            }
            return done;
        }
    }
}
