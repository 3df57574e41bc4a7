package pong.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.observe.Front;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelInfo;
import pong.protocol.ErrorCode;

class SummaryLogTest {
    @Test
    void aLineCountsWhatHappenedSinceTheLastOneAndWhatIsOpenNow() {
        SummaryLog summary = new SummaryLog(Duration.ofMinutes(5), () -> 1, () -> 3);
        StreamInfo s = new StreamInfo(new TunnelInfo("local", "tcp", "tcp://r:1", "r:1", UUID.randomUUID()), 1, Front.SOCKS5, "x:1", "", 0);
        for (int i = 0; i < 4; i++) summary.streamOpened(s);
        summary.streamEnded(s, new StreamEnd(StreamEnd.Outcome.FINISH, null, 1000, 3 * 1024 * 1024, 1, ""));
        summary.streamEnded(s, new StreamEnd(StreamEnd.Outcome.RST, ErrorCode.ERR_DST, 24, 0, 1, ""));
        summary.streamEnded(s, new StreamEnd(StreamEnd.Outcome.TIMEOUT, ErrorCode.ERR_TTL_EXPIRED, 0, 0, 1, ""));
        assertEquals("summary: 1 tunnels, 3 streams open; last 300 s: 4 streams opened, 2 failed, 1.0 KiB up, 3.0 MiB down", summary.line());
        assertEquals("summary: 1 tunnels, 3 streams open; last 300 s: 0 streams opened, 0 failed, 0 B up, 0 B down", summary.line());
    }
}
