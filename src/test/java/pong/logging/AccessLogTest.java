package pong.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.observe.Front;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelInfo;
import pong.protocol.ErrorCode;

class AccessLogTest {
    private static final UUID CLIENT = UUID.fromString("6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");

    @Test
    void remoteLinesNameClientTunnelTargetAsAskedAndAsDialedBytesDurationAndEnd() {
        TunnelInfo t = new TunnelInfo("remote", "tls", "tls://0.0.0.0:8443", "10.0.0.7:53422", CLIENT);
        StreamInfo s = new StreamInfo(t, 5, Front.TCP, "example.org:443", "", 0);
        assertEquals("access client=6f1c3a52 tunnel=10.0.0.7:53422 stream=5 front=tcp target=example.org:443"
                        + " dialed=93.184.216.34:443 up=517 down=10240 duration=0.532s end=finish",
                AccessLog.line(s, new StreamEnd(StreamEnd.Outcome.FINISH, null, 517, 10240, 532_000_000L, "93.184.216.34:443")));
        assertEquals("access client=6f1c3a52 tunnel=10.0.0.7:53422 stream=5 front=tcp target=example.org:443"
                        + " dialed=- up=0 down=0 duration=10.000s end=timeout(rst10)",
                AccessLog.line(s, new StreamEnd(StreamEnd.Outcome.TIMEOUT, ErrorCode.ERR_DIAL_TIMEOUT, 0, 0, 10_000_000_000L, "")));
    }

    @Test
    void localLinesNameAppFrontTargetBytesDurationAndEnd() {
        TunnelInfo t = new TunnelInfo("local", "tls", "tls://r.example:8443", "r.example/1.2.3.4:8443", CLIENT);
        StreamInfo s = new StreamInfo(t, 7, Front.SOCKS5, "example.org:25", "127.0.0.1:53100", 0);
        assertEquals("access app=127.0.0.1:53100 front=socks5 target=example.org:25 stream=7 up=0 down=0 duration=0.004s end=rst2",
                AccessLog.line(s, new StreamEnd(StreamEnd.Outcome.RST, ErrorCode.ERR_RULE, 0, 0, 4_000_000L, "")));
    }

    @Test
    void whatAnAppAskedForCannotSplitOrForgeALine() {
        TunnelInfo t = new TunnelInfo("local", "tcp", "tcp://r:1", "r:1", CLIENT);
        StreamInfo s = new StreamInfo(t, 1, Front.HTTP, "evil\nend=finish x\"y%z\u00e9:80", "", 0);
        assertEquals("access app=- front=http target=evil%0Aend=finish%20x%22y%25z%C3%A9:80 stream=1 up=1 down=2 duration=0.000s end=finish",
                AccessLog.line(s, new StreamEnd(StreamEnd.Outcome.FINISH, null, 1, 2, 0, "")));
    }
}
