package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.testing.Eventually;
import pong.testing.PipeConduit;
import pong.testing.TestData;

/** The tunnel runs on any conduit: two tunnels joined by an in-memory pipe carry streams both ways, no sockets involved. */
@Timeout(30)
class TunnelOverPipeTest {
    private static Tunnel[] echoPair() throws IOException {
        return echoPair(TunnelSettings.DEFAULTS);
    }

    private static Tunnel[] echoPair(TunnelSettings remoteSettings) throws IOException {
        PipeConduit[] ends = PipeConduit.pair();
        Tunnel remote = new Tunnel(ends[1], Tunnel.Side.REMOTE, remoteSettings, null, (stream, type, target) ->
                Thread.ofVirtual().start(() -> {
                    try {
                        byte[] chunk;
                        while ((chunk = stream.take()) != null) stream.write(chunk);
                        stream.finish();
                    } catch (IOException e) {
                        stream.reset(ErrorCode.ERR, e.getMessage());
                    }
                })).start(t -> { });
        Tunnel local = new Tunnel(ends[0], Tunnel.Side.LOCAL, TunnelSettings.DEFAULTS, null, null).start(t -> { });
        return new Tunnel[] {local, remote};
    }

    /** Writes a copy of {@code data} to the stream in one call, then finishes it; a failure goes to {@code failures}. */
    private static Thread sendThenFinish(Stream s, byte[] data, List<Throwable> failures) {
        return Thread.ofVirtual().start(() -> {
            try {
                s.write(data.clone());
                s.finish();
            } catch (IOException e) {
                failures.add(e);
            }
        });
    }

    private static byte[] readAll(Stream s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = s.take()) != null) b.writeBytes(chunk);
        return b.toByteArray();
    }

    /**
     * One write of several frames' worth, against a window smaller than one frame: a frame may wait for the
     * next one's flush only while the next one has its credit. Were the frame before a credit wait left
     * unflushed (in the tunnel's buffer, since a pipe gathers nothing itself), the peer would never see
     * it, never grant more, and the write would hang.
     */
    @Test
    void aWriteOfMoreThanTheCreditArrivesWholeSinceNoFrameWaitsUnflushedForCredit() throws Exception {
        Tunnel[] pair = echoPair(TunnelSettings.DEFAULTS.withFlow(FlowControl.MIN_WINDOW, TunnelSettings.DEFAULTS.bufferMax()));
        try {
            byte[] data = TestData.bytes(7, 200_000);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Stream s = pair[0].open(FrameType.CONNECT, new Address("127.0.0.1", 7));
            Thread sender = sendThenFinish(s, data, failures);
            assertArrayEquals(data, readAll(s));
            sender.join();
            assertArrayEquals(new Object[0], failures.toArray());
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void manyStreamsEchoByteExactOverAPipe() throws Exception {
        Tunnel[] pair = echoPair();
        try {
            List<Thread> apps = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = TestData.bytes(i, 100_000 + i * 7919);
                apps.add(Thread.ofVirtual().start(() -> {
                    try {
                        Stream s = pair[0].open(FrameType.CONNECT, new Address("127.0.0.1", 7));
                        Thread sender = sendThenFinish(s, data, failures);
                        assertArrayEquals(data, readAll(s));
                        sender.join();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : apps) t.join();
            assertArrayEquals(new Object[0], failures.toArray());
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void closingOneEndEndsTheOtherTunnelAndItsStreams() throws Exception {
        Tunnel[] pair = echoPair();
        Stream s = pair[0].open(FrameType.CONNECT, new Address("127.0.0.1", 7));
        pair[1].close();
        assertThrows(IOException.class, () -> readAll(s));
        assertTrue(Eventually.holds(pair[0]::isClosed), "the local tunnel saw the end of its conduit");
    }
}
