package pong.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;
import pong.tunnel.Stream;

/**
 * A tunnel stream seen as java.io streams, for front-ends that parse what flows through (the HTTP
 * proxy reads responses to know where each ends). Errors keep their {@link pong.protocol.PongException}
 * so the caller can map remote's rst code. Threading: the input on one thread, the output on one thread.
 */
final class StreamIo {
    private static final int OUT_BUFFER = 16 * 1024;

    private StreamIo() {
    }

    /** Reads the peer's data frames in order; end of stream when the peer has finished. Adds the bytes read to {@code count}. */
    static InputStream input(Stream stream, LongAdder count) {
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int pos;
            private boolean ended;

            @Override
            public int read() throws IOException {
                if (!fill()) return -1;
                return chunk[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (!fill()) return -1;
                int n = Math.min(len, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, n);
                pos += n;
                return n;
            }

            private boolean fill() throws IOException {
                while (pos == chunk.length) {
                    if (ended) return false;
                    byte[] next = stream.take();
                    if (next == null) {
                        ended = true;
                        return false;
                    }
                    chunk = next;
                    pos = 0;
                    count.add(next.length);
                }
                return true;
            }
        };
    }

    /** Buffers writes into data frames of up to 16 KiB; flush sends what is buffered. Adds the bytes sent to {@code count}. */
    static OutputStream output(Stream stream, LongAdder count) {
        return new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                stream.write(new byte[] {(byte) b});
                count.add(1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) stream.write(b, off, len); // copied out before it returns
                count.add(len);
            }
        }, OUT_BUFFER);
    }
}
