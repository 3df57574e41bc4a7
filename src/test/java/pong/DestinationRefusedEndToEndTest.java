package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.Socks5Client;

/** A destination that refuses the connection: the app learns at once, the tunnel peer gets rst 5. */
@Timeout(30)
class DestinationRefusedEndToEndTest {
    @Test
    void appSocketIsClosedPromptlyWhenTheDestinationRefuses() throws Exception {
        int closed = Origin.closedPort();
        try (ProxyPair pair = ProxyPair.start();
             Socket app = Socks5Client.connect(pair.socksPort(), "127.0.0.1", closed)) {
            sendIfStillOpen(app, "GET / HTTP/1.0\r\n\r\n".getBytes());
            assertClosedWithoutData(app);
            assertEquals(1, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        }
    }

    @Test
    void remoteAnswersTheConnectWithRst5CarryingOnlyTheCode() throws Exception {
        int closed = Origin.closedPort();
        try (ProxyPair pair = ProxyPair.start(); RawTunnel t = RawTunnel.open(pair.remote.port(), true, pair.clientId)) {
            t.connectFrame(1, new Address("127.0.0.1", closed));
            t.send(1, FrameType.DATA, "hello".getBytes());
            Frame rst = t.readUntil(1, FrameType.RST, Duration.ofSeconds(20));
            assertArrayEquals(new byte[] {ErrorCode.ERR_DST_REFUSE.code}, rst.payload(),
                    "rst 5, and no text towards a peer that announced no extensions");
        }
    }

    /** Writes like an app that does not wait for the destination; the refusal may already have aborted the socket. */
    static void sendIfStillOpen(Socket app, byte[] data) {
        try {
            app.getOutputStream().write(data);
        } catch (IOException reset) {
            // already reset: what the read below must see anyway
        }
    }

    /** The app's next read sees the end (EOF or a reset), never data and never a hang. */
    static void assertClosedWithoutData(Socket app) throws IOException {
        app.setSoTimeout(20_000);
        int r;
        try {
            r = app.getInputStream().read();
        } catch (SocketException reset) {
            r = -1;
        }
        assertEquals(-1, r, "the app's socket must end without data");
    }
}
