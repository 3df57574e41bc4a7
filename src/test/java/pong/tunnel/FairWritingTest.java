package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.transport.SocketConduit;

/** The writer's order on the wire: an interactive stream is not starved by a bulk stream on the same tunnel. */
@Timeout(60)
class FairWritingTest {
    /**
     * Bulk frames the writer may put on the wire between an interactive message entering its lane and
     * being written: the one being written at that moment and the one whose lane is ahead in the rotation.
     */
    private static final int MAX_BULK_FRAMES_AHEAD = 2;

    @Test
    void everyInteractiveMessageIsWrittenAfterAtMostAFewBulkFrames() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket peer = server.accept();
            // The peer reads and discards every frame, so the tunnel runs at full speed.
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    FrameReader r = new FrameReader(peer.getInputStream());
                    while (r.read() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // closed at the end
                }
            });
            AtomicInteger bulkWritten = new AtomicInteger();
            int[] interactiveId = {-1};
            List<Integer> bulkAtWrite = new ArrayList<>();
            List<Integer> queuedAt = new ArrayList<>();
            TunnelWriter.Observer observer = new TunnelWriter.Observer() {
                @Override
                public void queued(Frame f) {
                    if (f.type() == FrameType.DATA.code && f.streamId() == interactiveId[0]) {
                        synchronized (bulkAtWrite) {
                            queuedAt.add(bulkWritten.get());
                        }
                    }
                }

                @Override
                public void written(Frame f) {
                    if (f.type() != FrameType.DATA.code) return;
                    if (f.streamId() == interactiveId[0]) {
                        synchronized (bulkAtWrite) {
                            bulkAtWrite.add(bulkWritten.get());
                            bulkAtWrite.notifyAll();
                        }
                    } else {
                        bulkWritten.incrementAndGet();
                    }
                }
            };
            Tunnel tunnel = new Tunnel(new SocketConduit(client, "tcp"), Tunnel.Side.LOCAL, TunnelSettings.DEFAULTS.withExtensions(false), null, null, observer);
            tunnel.start(t -> { });
            Stream bulk = tunnel.open(FrameType.CONNECT, new Address("127.0.0.1", 9));
            Stream interactive = tunnel.open(FrameType.CONNECT, new Address("127.0.0.1", 7));
            interactiveId[0] = interactive.id();
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 2000; i++) bulk.write(new byte[32 * 1024]);
                } catch (IOException ignored) {
                    // tunnel closed at the end
                }
            });
            // Let the bulk stream fill its lane before the interactive stream speaks.
            while (bulkWritten.get() < 50) Thread.sleep(1);
            int messages = 100;
            for (int i = 0; i < messages; i++) {
                interactive.write(new byte[1024]);
                synchronized (bulkAtWrite) {
                    while (bulkAtWrite.size() <= i) bulkAtWrite.wait();
                }
            }
            assertTrue(producer.isAlive() || bulkWritten.get() >= 2000, "bulk stream kept the tunnel busy");
            for (int i = 0; i < messages; i++) {
                int ahead = bulkAtWrite.get(i) - queuedAt.get(i);
                assertTrue(ahead <= MAX_BULK_FRAMES_AHEAD,
                        "message " + i + " waited behind " + ahead + " bulk frames (allowed " + MAX_BULK_FRAMES_AHEAD + ")");
            }
            assertEquals(messages, bulkAtWrite.size());
            tunnel.close();
            producer.join();
            peer.close();
            drain.join();
        }
    }
}
