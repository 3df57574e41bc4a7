package pong.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.PongException;

/** The HTTP proxy's answer when the way to a destination fails: 403 policy, 504 timeout, 502 the rest, in words. */
class GatewayErrorsHaveAStatusByCauseTest {
    private static final Address TARGET = new Address("example.org", 443);

    @Test
    void aRuleIs403ATimeoutIs504AndTheRestIs502() {
        assertEquals(403, HttpFront.gatewayError(TARGET, new PongException(ErrorCode.ERR_RULE, "x")).status());
        assertEquals(504, HttpFront.gatewayError(TARGET, new PongException(ErrorCode.ERR_DIAL_TIMEOUT, "x")).status());
        assertEquals(504, HttpFront.gatewayError(TARGET, new PongException(ErrorCode.ERR_TTL_EXPIRED, "x")).status());
        for (ErrorCode c : new ErrorCode[] {ErrorCode.ERR, ErrorCode.ERR_NET, ErrorCode.ERR_DST, ErrorCode.ERR_DST_REFUSE}) {
            assertEquals(502, HttpFront.gatewayError(TARGET, new PongException(c, "x")).status(), c.toString());
        }
        assertEquals(502, HttpFront.gatewayError(TARGET, new IOException("Connection reset")).status());
    }

    @Test
    void theTextStartsWithPongAndNamesTheDestination() {
        assertEquals("pong: example.org:443 the tunnel to remote was lost",
                HttpFront.gatewayError(TARGET, new PongException(ErrorCode.ERR_CONN_TIMEOUT, "tunnel connection lost")).getMessage());
        assertEquals("pong: example.org:443: connection failed: Connection reset",
                HttpFront.gatewayError(TARGET, new IOException("Connection reset")).getMessage());
    }
}
