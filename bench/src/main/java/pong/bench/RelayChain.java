package pong.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A floor column: two {@link ChainRelay} processes in a row (client, plain TCP, front, TLS, back, plain
 * TCP, origin), on virtual or platform threads. It shows what the machine and the JDK allow a
 * two-process TLS relay at best, so pong's numbers can be read against it. It has no SOCKS and no
 * multiplexing; for the open workload the hop between the relays is plain TCP, since a TLS handshake per
 * connection would be no floor (so open through it is a floor without any cipher). Fanout and
 * head-of-line need a multiplexer and do not run through it.
 *
 * <p>Threading: {@link #connect} from many client threads; the rest from the bench's main thread.
 */
final class RelayChain implements ProxyUnderTest {
    static final Set<String> WORKLOADS = Set.of("bulk1", "bulk16", "upload", "rr", "open");

    private final String threads;
    private final Path dir;
    private final int originPort;
    private Process front;
    private Process back;
    private int frontPort;
    private int run;
    private boolean tls = true;

    /** @param threads "vt" (virtual threads, as pong) or "pt" (platform threads) */
    RelayChain(String threads, Path dir, int originPort) {
        this.threads = threads;
        this.dir = dir;
        this.originPort = originPort;
    }

    @Override
    public String name() {
        return "floor-" + threads;
    }

    @Override
    public boolean supports(String workload) {
        return WORKLOADS.contains(workload);
    }

    @Override
    public void workload(String name) {
        tls = !name.equals("open");
    }

    @Override
    public void start() throws IOException, InterruptedException {
        run++;
        int backPort = Processes.freePort();
        frontPort = Processes.freePort();
        Path bLog = dir.resolve("back-" + run + ".log");
        Path fLog = dir.resolve("front-" + run + ".log");
        back = Processes.start(command("back", backPort, originPort), bLog);
        Processes.awaitPort(back, backPort, name() + " back relay", bLog);
        front = Processes.start(command("front", frontPort, backPort), fLog);
        Processes.awaitPort(front, frontPort, name() + " front relay", fLog);
    }

    /** pong's JVM options (PONG_JAVA_OPTS), so that the floor has pong's heap cap and collector. */
    private List<String> command(String role, int listen, int target) {
        List<String> c = new ArrayList<>();
        c.add(Processes.java());
        c.addAll(Processes.pongJavaOptions());
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), ChainRelay.class.getName(),
                role, String.valueOf(listen), String.valueOf(target), threads, tls ? "tls" : "plain"));
        return c;
    }

    /** The chain leads to the origin it was started for; the port is that one. */
    @Override
    public Socket connect(int port) throws IOException {
        if (port != originPort) throw new IOException("the relay chain leads to port " + originPort + ", not " + port);
        return new Socket(InetAddress.getLoopbackAddress(), frontPort);
    }

    @Override
    public long peakRssKib() {
        return PeakRss.kib(front.pid()) + PeakRss.kib(back.pid());
    }

    @Override
    public void stop() throws InterruptedException {
        Processes.stop(front);
        Processes.stop(back);
        front = null;
        back = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
