package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/** What leaves the writer in one flush (one TLS record, one segment) when nothing else is queued. */
@Timeout(10)
class TunnelWriterFlushTest {
    /** Remembers how many bytes had been written at each flush. */
    private static final class FlushRecorder extends ByteArrayOutputStream {
        final List<Integer> flushedAt = new ArrayList<>();

        @Override
        public void flush() {
            flushedAt.add(size());
        }
    }

    @Test
    void anOpeningFrameAndItsFirstGrantLeaveInOneFlush() throws Exception {
        FlushRecorder out = new FlushRecorder();
        TunnelWriter writer = new TunnelWriter(new FrameWriter(out), null);
        Frame open = new Frame(1, FrameType.CONNECT, new byte[] {1, 127, 0, 0, 1, 0, 80});
        Frame grant = new Frame(1, FrameType.WINDOW, new byte[] {0, 1, 0, 0});
        writer.send(writer.newLane(), open, grant);
        assertEquals(List.of(open.length() + grant.length()), out.flushedAt);
    }

    @Test
    void aLoneFrameIsWrittenThroughAndFlushedAtOnce() throws Exception {
        FlushRecorder out = new FlushRecorder();
        TunnelWriter writer = new TunnelWriter(new FrameWriter(out), null);
        Frame data = new Frame(1, FrameType.DATA, new byte[32]);
        writer.send(writer.newLane(), data);
        assertEquals(List.of(data.length()), out.flushedAt);
    }

    @Test
    void twoFramesOfOneAppWriteLeaveInOneFlush() throws Exception {
        FlushRecorder out = new FlushRecorder();
        TunnelWriter writer = new TunnelWriter(new FrameWriter(out), null);
        TunnelWriter.Lane lane = writer.newLane();
        byte[] read = new byte[2 * 1000];
        writer.sendData(lane, 1, read, 0, 1000, true);
        writer.sendData(lane, 1, read, 1000, 1000, false);
        assertEquals(List.of(2 * (Frame.HEADER_LENGTH + 1000)), out.flushedAt);
    }
}
