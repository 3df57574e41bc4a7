package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;
import pong.testing.Transfers;

/** dst.deny decides what remote dials: by default nothing private, refused with rst 2; empty allows all. */
@Timeout(30)
class DstDenyEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ProxyPair pairWithDeny(String value) throws Exception {
        Map<String, String> remote = new HashMap<>();
        remote.put("dst.deny", value); // null removes the key: the default applies
        return ProxyPair.start(remote, Map.of());
    }

    @Test
    void defaultDenyListRefusesLoopbackWithRst2() throws Exception {
        try (ProxyPair pair = pairWithDeny(null); Origin echo = Origin.echo();
             RawTunnel t = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
            t.connectFrame(1, new Address("127.0.0.1", echo.port()));
            assertEquals(ErrorCode.ERR_RULE, t.readRst(1, WAIT));
            t.connectFrame(3, new Address("::1", echo.port()));
            assertEquals(ErrorCode.ERR_RULE, t.readRst(3, WAIT));
            t.connectFrame(5, new Address("localhost", echo.port()));
            assertEquals(ErrorCode.ERR_RULE, t.readRst(5, WAIT), "a name resolving to loopback is refused too");
            assertEquals(0, echo.accepted(), "nothing may reach the denied destination");
        }
    }

    @Test
    void defaultDenyListClosesTheAppSocketOfARefusedConnect() throws Exception {
        try (ProxyPair pair = pairWithDeny(null); Origin echo = Origin.echo();
             Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            DestinationRefusedEndToEndTest.assertClosedWithoutData(app);
            assertEquals(0, echo.accepted());
        }
    }

    @Test
    void emptyDenyListLetsLoopbackThrough() throws Exception {
        try (ProxyPair pair = pairWithDeny(""); Origin echo = Origin.echo()) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 100_000, 5);
            assertEquals(1, echo.accepted());
        }
    }

    @Test
    void portRuleRefusesThatPortOnly() throws Exception {
        try (Origin denied = Origin.echo(); Origin allowed = Origin.echo();
             ProxyPair pair = pairWithDeny(":" + denied.port());
             RawTunnel t = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
            t.connectFrame(1, new Address("127.0.0.1", denied.port()));
            assertEquals(ErrorCode.ERR_RULE, t.readRst(1, WAIT));
            Transfers.assertEcho(pair.socksPort(), allowed.port(), 1000, 6);
            assertEquals(0, denied.accepted());
        }
    }
}
