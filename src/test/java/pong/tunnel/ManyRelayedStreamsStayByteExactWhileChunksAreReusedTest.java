package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.FrameType;
import pong.testing.TestData;
import pong.transport.SocketConduit;

/**
 * Data frames travel in reused chunks both ways (the writer's queued frames, the receiver's unread
 * bytes): many streams at once, each relayed between real sockets through a tunnel pair on loopback
 * TCP and echoed by an origin, must come back byte for byte. A chunk given back to its pool while its
 * bytes were still to be written would be refilled by another stream and show up here as a wrong digest.
 * The app writes in pieces of random sizes, so frames of every size class share the pools.
 */
@Timeout(120)
class ManyRelayedStreamsStayByteExactWhileChunksAreReusedTest {
    private static final int STREAMS = 24;

    @Test
    void everyStreamEchoesByteExact() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (ServerSocket origin = new ServerSocket(0, 64, lo); ServerSocket tunnelServer = new ServerSocket(0, 1, lo);
             ServerSocket apps = new ServerSocket(0, 64, lo)) {
            Thread.ofVirtual().start(() -> echo(origin));
            Socket localEnd = new Socket(lo, tunnelServer.getLocalPort());
            Socket remoteEnd = tunnelServer.accept();
            Tunnel remote = new Tunnel(new SocketConduit(remoteEnd, "tcp"), Tunnel.Side.REMOTE, TunnelSettings.DEFAULTS, null,
                    (stream, type, target) -> Thread.ofVirtual().start(() -> {
                        try {
                            Socket dst = new Socket(lo, origin.getLocalPort());
                            Relay.run(stream, dst, dst.getInputStream());
                        } catch (IOException e) {
                            failures.add(e);
                        }
                    })).start(t -> { });
            Tunnel local = new Tunnel(new SocketConduit(localEnd, "tcp"), Tunnel.Side.LOCAL, TunnelSettings.DEFAULTS, null, null)
                    .start(t -> { });
            try {
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    int k = i;
                    clients.add(Thread.ofVirtual().start(() -> {
                        try {
                            roundTrip(local, apps, k);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                for (Thread t : clients) t.join();
            } finally {
                local.close();
                remote.close();
            }
        }
        assertEquals(List.of(), failures);
    }

    /** One stream: an app connection relayed by local, echoed behind remote; what comes back must be what went. */
    private static void roundTrip(Tunnel local, ServerSocket apps, int k) throws Exception {
        byte[] data = TestData.bytes(k, 200_000 + k * 37_813);
        Socket app;
        Socket near;
        synchronized (apps) { // pairs each app connection with its own accept
            app = new Socket(apps.getInetAddress(), apps.getLocalPort());
            near = apps.accept();
        }
        Stream stream = local.open(FrameType.CONNECT, new Address("127.0.0.1", 7));
        Thread relay = Thread.ofVirtual().start(() -> {
            try {
                Relay.run(stream, near, near.getInputStream());
            } catch (IOException ignored) {
                // the digest below fails instead
            }
        });
        try (app) {
            app.setSoTimeout(30_000); // a stuck stream fails here, named, rather than at the test's timeout
            Thread writer = Thread.ofVirtual().start(() -> {
                Random sizes = new Random(k);
                try {
                    OutputStream out = app.getOutputStream();
                    for (int off = 0; off < data.length; ) {
                        int n = Math.min(data.length - off, 1 + sizes.nextInt(sizes.nextBoolean() ? 200 : 70_000));
                        out.write(data, off, n);
                        off += n;
                    }
                    app.shutdownOutput();
                } catch (IOException ignored) {
                    // the digest below fails instead
                }
            });
            MessageDigest back = TestData.sha256();
            InputStream in = app.getInputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                back.update(buf, 0, n);
                total += n;
            }
            writer.join();
            assertEquals(data.length, total, "stream " + k + " length");
            assertArrayEquals(TestData.sha256().digest(data), back.digest(), "stream " + k + " bytes");
        }
        relay.join();
    }

    /** The origin: echoes each connection until its EOF, then half-closes. */
    private static void echo(ServerSocket server) {
        try {
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.shutdownOutput();
                        s.getInputStream().read(); // until the relay closes its end
                    } catch (IOException ignored) {
                        // the stream's digest reports it
                    }
                });
            }
        } catch (IOException e) {
            // closed at the end of the test
        }
    }
}
