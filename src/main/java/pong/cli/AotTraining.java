package pong.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import pong.config.Config;
import pong.config.ConfigException;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;
import pong.local.LocalServer;
import pong.remote.RemoteServer;
import pong.transport.Sockets;
import pong.transport.Tls;

/**
 * The training run behind {@link AotCommand}: remote and local in this one JVM, on loopback, with tls://
 * between them (a throw-away self-signed certificate, pinned), and a load client that drives the paths a
 * running pong spends its time on through local's SOCKS5 port, to an origin in this JVM: bulk downloads
 * (one stream and four at once), uploads, request/response round trips and opens, in rounds until the
 * time is up. The JVM records which classes were loaded and how the methods behaved; the cache made from
 * that serves either half, since each loads a subset of what both loaded here.
 *
 * <p>Every transfer is checked (a training run that silently failed would record error paths), every
 * read has a timeout, and every loop is bounded by count and by the deadline.
 *
 * <p>Threading: the caller's thread drives the load; the origin accepts on a virtual thread and serves each
 * connection on its own virtual thread.
 */
final class AotTraining {
    private static final Logger LOG = System.getLogger("pong");
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final long BULK = 64L << 20;
    private static final long PARALLEL_EACH = 16L << 20;
    private static final int PARALLEL_STREAMS = 4;
    private static final int ROUND_TRIPS = 500;
    private static final int OPENS = 100;
    private static final int BLOCK = 64 * 1024;

    /** The origin's commands: the first byte a client sends. */
    private static final int DOWNLOAD = 'D';
    private static final int UPLOAD = 'U';
    private static final int ECHO = 'E';

    private AotTraining() {
    }

    /** {@code aot-train [--seconds N]}: runs the pair and the load; exit 0 when every transfer checked out. */
    static int run(String[] args) throws InterruptedException {
        Duration duration;
        try {
            duration = AotCommand.seconds(args);
        } catch (UsageException e) {
            System.err.println("pong aot-train: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Path dir = null;
        RemoteServer remote = null;
        LocalServer local = null;
        ServerSocket origin = null;
        try {
            dir = Files.createTempDirectory("pong-aot-train");
            String password = HexFormat.of().formatHex(InitCommand.randomBytes(16));
            X509Certificate cert = InitCommand.makeKeystore(dir.resolve("remote.p12"), "127.0.0.1", password);
            UUID id = UUID.randomUUID();
            remote = new RemoteServer((RemoteConfig) Config.parse(write(dir.resolve("remote.properties"), """
                    mode=remote
                    listen=tls://127.0.0.1:0
                    tls.keystore=remote.p12
                    tls.keystore.password=%s
                    clients=%s
                    dst.deny=
                    """.formatted(password, id)))).start();
            local = new LocalServer((LocalConfig) Config.parse(write(dir.resolve("local.properties"), """
                    mode=local
                    listen=127.0.0.1:0
                    remote=tls://127.0.0.1:%d
                    tls.pin=%s
                    client.id=%s
                    """.formatted(remote.port(), Tls.pinOf(cert), id)))).start();
            origin = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
            ServerSocket o = origin;
            Thread.ofVirtual().name("aot origin").start(() -> serve(o));
            Load load = new Load(local.port(), origin.getLocalPort());
            long deadline = System.nanoTime() + duration.toNanos();
            int rounds = 0;
            long t0 = System.nanoTime();
            do {
                load.round();
                rounds++;
            } while (System.nanoTime() < deadline);
            System.out.printf(Locale.ROOT, "pong aot-train: %d rounds in %.1f s (each: %d MiB down, %d x %d MiB down at once, %d MiB up,"
                            + " %d round trips, %d opens)%n", rounds, (System.nanoTime() - t0) / 1e9, BULK >> 20, PARALLEL_STREAMS,
                    PARALLEL_EACH >> 20, BULK >> 20, ROUND_TRIPS, OPENS);
            return ExitCodes.OK;
        } catch (ConfigException | IOException | GeneralSecurityException | InitCommand.InitException e) {
            System.err.println("pong aot-train: " + e.getMessage());
            return ExitCodes.FAILURE;
        } finally {
            if (origin != null) Sockets.closeQuietly(origin);
            if (local != null) local.shutdown(Duration.ZERO);
            if (remote != null) remote.shutdown(Duration.ZERO);
            if (dir != null) deleteTree(dir);
        }
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove " + dir + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ origin

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed at the end of the run
            }
            Thread.ofVirtual().name("aot origin connection").start(() -> {
                try (s) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(READ_TIMEOUT_MILLIS);
                    answer(s);
                } catch (IOException e) {
                    // the load client checks what it got; nothing to add here
                }
            });
        }
    }

    private static void answer(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        switch (in.read()) {
            case DOWNLOAD -> {
                byte[] block = new byte[BLOCK];
                for (long left = in.readLong(); left > 0; ) {
                    int k = (int) Math.min(left, block.length);
                    out.write(block, 0, k);
                    left -= k;
                }
            }
            case UPLOAD -> new DataOutputStream(out).writeLong(drain(in));
            case ECHO -> {
                byte[] buf = new byte[BLOCK];
                for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            }
            default -> {
                // unknown command or an immediate close: nothing to serve
            }
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[BLOCK];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) total += n;
        return total;
    }

    // ------------------------------------------------------------------ load

    /** The load client: SOCKS5 connects through local, then one of the origin's commands. */
    private record Load(int socksPort, int originPort) {
        void round() throws IOException, InterruptedException {
            download(BULK);
            parallelDownloads();
            upload(BULK);
            roundTrips(ROUND_TRIPS);
            for (int i = 0; i < OPENS; i++) roundTrips(1);
        }

        private void download(long n) throws IOException {
            try (Socket s = open()) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.write(DOWNLOAD);
                out.writeLong(n);
                out.flush();
                long got = drain(s.getInputStream());
                if (got != n) throw new IOException("download through the pair received " + got + " of " + n + " bytes");
            }
        }

        private void parallelDownloads() throws IOException, InterruptedException {
            AtomicReference<IOException> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < PARALLEL_STREAMS; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        download(PARALLEL_EACH);
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw failure.get();
        }

        private void upload(long n) throws IOException {
            try (Socket s = open()) {
                OutputStream out = s.getOutputStream();
                out.write(UPLOAD);
                byte[] block = new byte[BLOCK];
                for (long left = n; left > 0; ) {
                    int k = (int) Math.min(left, block.length);
                    out.write(block, 0, k);
                    left -= k;
                }
                s.shutdownOutput();
                long confirmed = new DataInputStream(s.getInputStream()).readLong();
                if (confirmed != n) throw new IOException("upload through the pair: the origin received " + confirmed + " of " + n + " bytes");
            }
        }

        private void roundTrips(int count) throws IOException {
            try (Socket s = open()) {
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.write(ECHO);
                byte[] message = new byte[32];
                byte[] answer = new byte[32];
                for (int i = 0; i < count; i++) {
                    message[0] = (byte) i;
                    out.write(message);
                    in.readFully(answer);
                    if (answer[0] != message[0]) throw new IOException("echo through the pair answered out of order");
                }
            }
        }

        /** A SOCKS5 CONNECT to the origin (no authentication, IPv4 127.0.0.1). */
        private Socket open() throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), socksPort);
            try {
                s.setTcpNoDelay(true);
                s.setSoTimeout(READ_TIMEOUT_MILLIS);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.write(new byte[] {5, 1, 0});
                byte[] choice = new byte[2];
                in.readFully(choice);
                if (choice[0] != 5 || choice[1] != 0) throw new IOException("local refused SOCKS5 without authentication");
                out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (originPort >> 8), (byte) originPort});
                byte[] reply = new byte[10];
                in.readFully(reply);
                if (reply[1] != 0) throw new IOException("local answered the SOCKS5 CONNECT with reply code " + reply[1]);
                return s;
            } catch (IOException e) {
                Sockets.closeQuietly(s);
                throw e;
            }
        }
    }
}
