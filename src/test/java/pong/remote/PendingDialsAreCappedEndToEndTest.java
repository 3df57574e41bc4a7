package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.TestData;
import pong.transport.Sockets;

/**
 * remote.max.pending.dials: while that many dials hang, a new stream is refused at once with rst 1
 * instead of queueing; when the hanging dials end, streams are served again. A dial hangs here on a
 * loopback listener that never accepts and whose accept queue is full (Linux then drops the SYN).
 */
@Timeout(60)
class PendingDialsAreCappedEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aDialPastTheCapGetsRst1WhileTheOthersHangAndStreamsAreServedAgainAfter() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("remote.max.pending.dials", "2", "dial.timeout", "3s"), Map.of())) {
            fillAcceptQueue(blackHole, fillers);
            try (RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
                Address hole = new Address("127.0.0.1", blackHole.getLocalPort());
                raw.connectFrame(1, hole);
                raw.connectFrame(3, hole);
                raw.connectFrame(5, new Address("127.0.0.1", echo.port()));
                assertEquals(ErrorCode.ERR, raw.readRst(5, WAIT));
                assertEquals(0, echo.accepted(), "the refused stream was dialed anyway");
                assertEquals(1, pair.remote.dialsRefused());
                // the hanging dials time out (rst 4), and the cap has room again
                assertEquals(Map.of(1, ErrorCode.ERR_DIAL_TIMEOUT, 3, ErrorCode.ERR_DIAL_TIMEOUT), rsts(raw, 2));
                raw.connectFrame(7, new Address("127.0.0.1", echo.port()));
                byte[] msg = TestData.bytes(8, 100);
                raw.send(7, FrameType.DATA, msg);
                assertArrayEquals(msg, raw.readStreamData(7, msg.length, WAIT));
            }
        } finally {
            fillers.forEach(Sockets::closeQuietly);
        }
    }

    /** The codes of the next n rst frames, by stream (they may come in any order). */
    private static Map<Integer, ErrorCode> rsts(RawTunnel raw, int n) throws IOException {
        Map<Integer, ErrorCode> codes = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (codes.size() < n) {
            pong.protocol.Frame f = raw.read(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (f == null) throw new IOException("tunnel closed while waiting for rst frames");
            if (f.type() == FrameType.RST.code) codes.put(f.streamId(), ErrorCode.of(f.payload()[0] & 0xff));
        }
        return codes;
    }

    /** Connects until a connect hangs: the listener's accept queue is full and further SYNs are dropped. */
    private static void fillAcceptQueue(ServerSocket listener, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new AssertionError("the listener's accept queue never filled: connects to it would not hang");
    }
}
