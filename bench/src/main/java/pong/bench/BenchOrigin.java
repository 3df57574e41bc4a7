package pong.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import pong.testing.Origin;

/**
 * The destination server the benchmarks talk to, on 127.0.0.1 (a {@link Origin} with a handler that
 * speaks a one-byte command protocol). Payload bytes are a fixed pattern: generating random data would
 * cost more CPU than the proxies under test.
 *
 * <ul>
 *   <li>{@code 'D'} + 8-byte length: sends that many bytes, half-closes, drains the input.</li>
 *   <li>{@code 'U'}: counts bytes until the client half-closes, then answers the 8-byte count.</li>
 *   <li>{@code 'E'}: echoes every byte back (request/response, open, fanout, head-of-line).</li>
 * </ul>
 *
 * <p>Run as a process ({@link #main}) by {@link SystemBench} so the clients' and the origin's sockets
 * do not share one file-descriptor limit; in-process by the JMH benchmarks. Threading: one virtual
 * thread per connection (Origin's rule).
 */
public final class BenchOrigin {
    public static final byte DOWNLOAD = 'D';
    public static final byte UPLOAD = 'U';
    public static final byte ECHO = 'E';
    static final int BLOCK = 64 * 1024;
    private static final int ECHO_BUFFER = 4096;
    private static final byte[] PATTERN = pattern();

    private BenchOrigin() {
    }

    public static Origin start() throws IOException {
        return Origin.start(BenchOrigin::handle);
    }

    /** Prints {@code port N} on stdout and serves until stdin closes (the parent ended). */
    public static void main(String[] args) throws IOException {
        try (Origin origin = start()) {
            System.out.println("port " + origin.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // keep serving until the parent closes our stdin
            }
        }
    }

    static void handle(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        int command = in.read();
        switch (command) {
            case DOWNLOAD -> {
                long left = in.readLong();
                while (left > 0) {
                    int n = (int) Math.min(left, PATTERN.length);
                    out.write(PATTERN, 0, n);
                    left -= n;
                }
                s.shutdownOutput();
                in.transferTo(OutputStream.nullOutputStream());
            }
            case UPLOAD -> {
                long n = drain(in);
                new DataOutputStream(out).writeLong(n);
                s.shutdownOutput();
            }
            case ECHO -> {
                byte[] buf = new byte[ECHO_BUFFER]; // small: fanout has thousands of echo connections
                int r;
                while ((r = in.read(buf)) > 0) out.write(buf, 0, r);
                s.shutdownOutput();
            }
            default -> { } // unknown or no command: just close
        }
    }

    static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[BLOCK];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) total += r;
        return total;
    }

    /** The bytes a client sends to ask for a download of {@code n} bytes. */
    public static byte[] downloadRequest(long n) {
        byte[] b = new byte[9];
        b[0] = DOWNLOAD;
        for (int i = 0; i < 8; i++) b[1 + i] = (byte) (n >>> (56 - 8 * i));
        return b;
    }

    static byte[] pattern() {
        byte[] b = new byte[BLOCK];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + (i >>> 8));
        return b;
    }

    static byte[] patternBlock() {
        return PATTERN.clone();
    }
}
