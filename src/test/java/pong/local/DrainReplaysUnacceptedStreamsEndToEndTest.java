package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pong.config.Config;
import pong.config.LocalConfig;
import pong.protocol.ConnectionHeader;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;
import pong.protocol.Settings;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.PongJar;
import pong.testing.PongProcess;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;

/**
 * The drain extension from local's side: a remote that drains a tunnel before it accepted a stream
 * gets that stream replayed, bytes and finish included, on another tunnel; and a local that stops
 * tells its remote, which logs "client left".
 */
class DrainReplaysUnacceptedStreamsEndToEndTest {

    /**
     * A remote that speaks just enough of the protocol over plain TCP: it announces the extensions
     * (drain included), takes the first stream without answering it, and once that stream's finish is
     * in drains the tunnel at id 0, i.e. before that stream. It takes one tunnel and then stops listening.
     */
    private static final class DrainingRemote implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        final List<Frame> received = new CopyOnWriteArrayList<>();
        final CountDownLatch drained = new CountDownLatch(1);
        volatile Socket socket;

        DrainingRemote() throws Exception {
            Thread.ofVirtual().start(this::serve);
        }

        private void serve() {
            try (Socket s = server.accept()) {
                socket = s;
                server.close(); // one tunnel only: local's reconnects find the port closed
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                in.readFully(new byte[ConnectionHeader.LENGTH]);
                FrameReader reader = new FrameReader(in);
                FrameWriter writer = new FrameWriter(new BufferedOutputStream(s.getOutputStream()));
                writer.write(new Frame(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(64 * 1024).withDrain().encode()));
                writer.flush();
                Frame f;
                while ((f = reader.read()) != null) {
                    received.add(f);
                    if (f.streamId() != 0 && f.frameType() == FrameType.FINISH) {
                        writer.write(new Frame(Frame.CONNECTION_STREAM, FrameType.DRAIN, ByteBuffer.allocate(4).putInt(0).array()));
                        writer.flush();
                        drained.countDown();
                    }
                }
            } catch (Exception e) {
                // the test ended
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            Socket s = socket;
            if (s != null) s.close();
        }
    }

    private static LocalServer local(Path dir, String clientId, String remote) throws Exception {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("mode", "local");
        l.put("listen", "127.0.0.1:0");
        l.put("remote", remote);
        l.put("client.id", clientId);
        return new LocalServer((LocalConfig) Config.parse(ProxyPair.writeProperties(dir.resolve("local.properties"), l))).start();
    }

    @Test
    void aStreamTheRemoteDrainedBeforeAcceptingItIsReplayedWithItsBytesOnAnotherTunnel() throws Exception {
        Path dir = Files.createTempDirectory("pong-drain");
        String clientId = UUID.randomUUID().toString();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("mode", "remote");
        r.put("clients", clientId);
        r.put("dst.deny", "");
        try (Origin echo = Origin.echo();
             DrainingRemote draining = new DrainingRemote();
             PongProcess other = PongProcess.start(dir, "remote", r, "tcp://", 0)) {
            LocalServer local = local(dir, clientId, "tcp://127.0.0.1:" + draining.port() + ",tcp://127.0.0.1:" + other.port);
            try {
                byte[] request = "a request the first remote never dialed".getBytes(StandardCharsets.UTF_8);
                byte[] answer = Socks5Client.echo(local.port(), echo.port(), request);
                assertTrue(draining.drained.await(0, TimeUnit.SECONDS), "the first remote got the stream and drained");
                assertTrue(draining.received.stream().anyMatch(f -> f.frameType() == FrameType.DATA), "the bytes went to the first remote first");
                assertArrayEquals(request, answer, "the replay on the other remote carried the same bytes and the finish");
                assertEquals(1, echo.accepted(), "dialed once, by the other remote");
                assertArrayEquals(request, Socks5Client.echo(local.port(), echo.port(), request), "a later request");
                assertEquals(1, draining.received.stream().filter(f -> f.frameType() == FrameType.CONNECT).count(),
                        "no new stream went to the drained tunnel");
            } finally {
                local.close();
            }
            assertTrue(Eventually.holds(() -> other.logText().contains("client left")), "the other remote heard local leave: " + other.logText());
        }
    }
}
