package pong.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.protocol.ErrorCode;

class TunnelObserverTest {
    private static final StreamInfo STREAM = new StreamInfo(new TunnelInfo("remote", "tls", "tls://0.0.0.0:1", "10.0.0.1:2",
            UUID.randomUUID()), 3, Front.TCP, "example.org:443", "", System.nanoTime());

    @Test
    void aCompositePassesEveryEventToEachObserverEvenPastOneThatThrows() {
        List<String> seen = new ArrayList<>();
        TunnelObserver broken = new TunnelObserver() {
            @Override
            public void streamOpened(StreamInfo s) {
                throw new IllegalStateException("a bug in an observer");
            }
        };
        TunnelObserver recorder = new TunnelObserver() {
            @Override
            public void streamOpened(StreamInfo s) {
                seen.add("opened " + s.id());
            }

            @Override
            public void rejected(Rejection reason, String source, String detail) {
                seen.add("rejected " + reason.label());
            }
        };
        TunnelObserver all = TunnelObserver.all(List.of(broken, TunnelObserver.NONE, recorder));
        all.streamOpened(STREAM);
        all.rejected(Rejection.UNKNOWN_CLIENT, "10.0.0.1", "");
        assertEquals(List.of("opened 3", "rejected unknown_client"), seen);
        assertSame(TunnelObserver.NONE, TunnelObserver.all(List.of(TunnelObserver.NONE)));
        assertSame(recorder, TunnelObserver.all(List.of(recorder)));
    }

    @Test
    void aWatchReportsTheEndOnceWithUpAndDownSeenFromTheApp() {
        List<StreamEnd> ends = new ArrayList<>();
        TunnelObserver o = new TunnelObserver() {
            @Override
            public void streamEnded(StreamInfo s, StreamEnd e) {
                ends.add(e);
            }
        };
        StreamWatch w = StreamWatch.opened(o, STREAM);
        // on remote the relay's socket is the destination's: what it read went down to the app
        w.ended(ErrorCode.ERR_TTL_EXPIRED, 500, 20, new InetSocketAddress("93.184.216.34", 443));
        w.ended(null, 1, 1, null);
        assertEquals(1, ends.size());
        StreamEnd e = ends.get(0);
        assertEquals(StreamEnd.Outcome.TIMEOUT, e.outcome());
        assertEquals(20, e.bytesUp());
        assertEquals(500, e.bytesDown());
        assertEquals("93.184.216.34:443", e.dialed());
        assertEquals("[0:0:0:0:0:0:0:1]:8", TunnelInfo.address(new InetSocketAddress("::1", 8)));
    }
}
