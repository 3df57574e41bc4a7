package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Frame;
import pong.protocol.FrameReader;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/**
 * The writer copies a queued data frame into a pooled chunk and gives the chunk back only once its
 * bytes are out. Here the output copies slowly (a pause every 512 bytes), so a chunk given back while
 * still being written would be refilled by another stream's frame mid-copy; and each producer
 * overwrites its own array as soon as {@link TunnelWriter#sendData} returns, so a frame that kept a
 * reference to the caller's array would change too. Every stream's bytes must arrive as sent.
 */
@Timeout(60)
class QueuedDataFramesKeepTheirBytesUntilWrittenTest {
    private static final int PRODUCERS = 8;
    private static final int FRAMES = 150;

    /** An output that takes its time over every write, as a socket under load may. */
    private static final class SlowOutput extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int done = 0; done < len; ) {
                int n = Math.min(512, len - done);
                bytes.write(b, off + done, n);
                done += n;
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
    }

    @Test
    void everyStreamsBytesArriveAsSent() throws Exception {
        SlowOutput out = new SlowOutput();
        TunnelWriter writer = new TunnelWriter(new FrameWriter(out), null);
        Thread writerThread = Thread.ofVirtual().start(() -> {
            try {
                writer.run();
            } catch (IOException | InterruptedException ignored) {
                // closed at the end
            }
        });
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<Integer, ByteArrayOutputStream> sent = new HashMap<>();
        List<Thread> producers = new ArrayList<>();
        for (int k = 0; k < PRODUCERS; k++) {
            int id = 2 * k + 1;
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            sent.put(id, expected);
            producers.add(Thread.ofVirtual().start(() -> {
                TunnelWriter.Lane lane = writer.newLane();
                Random r = new Random(id);
                byte[] buf = new byte[TunnelSettings.MAX_DATA_PAYLOAD];
                try {
                    for (int j = 0; j < FRAMES; j++) {
                        int n = 1 + r.nextInt(r.nextBoolean() ? 300 : buf.length);
                        r.nextBytes(buf);
                        expected.write(buf, 0, n);
                        writer.sendData(lane, id, buf, 0, n, false);
                        // the array is ours again at once: scribble over it
                        Arrays.fill(buf, 0, n, (byte) 0x5a);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : producers) t.join();
        writer.awaitIdle(TimeUnit.SECONDS.toNanos(30));
        writer.close();
        writerThread.join();
        assertEquals(List.of(), failures);

        Map<Integer, ByteArrayOutputStream> received = new HashMap<>();
        FrameReader reader = new FrameReader(new ByteArrayInputStream(out.bytes.toByteArray()));
        Frame f;
        while ((f = reader.read()) != null) {
            assertEquals(FrameType.DATA, f.frameType());
            received.computeIfAbsent(f.streamId(), id -> new ByteArrayOutputStream()).writeBytes(f.payload());
        }
        for (Map.Entry<Integer, ByteArrayOutputStream> e : sent.entrySet()) {
            assertArrayEquals(e.getValue().toByteArray(), received.get(e.getKey()).toByteArray(), "stream " + e.getKey());
        }
    }
}
