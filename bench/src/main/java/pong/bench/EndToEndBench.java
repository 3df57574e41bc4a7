package pong.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;

/**
 * A local and a remote in this JVM on loopback (TCP or TLS between them), an app talking SOCKS5 to
 * local and a {@link BenchOrigin} behind remote. Bulk: ms per {@value #BULK_BYTES}-byte download over
 * 1 stream or split over 16 concurrent streams (MB/s = bytes / time). Open: time from the app's
 * connect to local until the first echoed byte arrives.
 */
@State(Scope.Benchmark)
public class EndToEndBench {
    static final long BULK_BYTES = 64L * 1024 * 1024;

    @Param({"tls", "tcp"})
    public String transport;

    private ProxyPair pair;
    private Origin origin;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Map<String, String> remote = "tcp".equals(transport) ? Map.of("listen", "tcp://127.0.0.1:0") : Map.of();
        pair = ProxyPair.start(remote, Map.of());
        origin = BenchOrigin.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        origin.close();
        pair.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long bulk1() throws Exception {
        return download(1);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long bulk16() throws Exception {
        return download(16);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int openToFirstByte() throws IOException {
        try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", origin.port())) {
            s.setTcpNoDelay(true);
            s.getOutputStream().write(new byte[] {BenchOrigin.ECHO, 42});
            int b = s.getInputStream().read();
            if (b != 42) throw new IOException("echo answered " + b);
            return b;
        }
    }

    private long download(int streams) throws Exception {
        long each = BULK_BYTES / streams;
        List<Thread> threads = new ArrayList<>();
        long[] got = new long[streams];
        Exception[] failure = new Exception[1];
        for (int i = 0; i < streams; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", origin.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(BenchOrigin.downloadRequest(each));
                    got[k] = BenchOrigin.drain(s.getInputStream());
                } catch (Exception e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }));
        }
        long total = 0;
        for (int i = 0; i < streams; i++) {
            threads.get(i).join();
            total += got[i];
        }
        if (failure[0] != null) throw failure[0];
        if (total != each * streams) throw new IOException("downloaded " + total + " of " + each * streams + " bytes");
        return total;
    }
}
