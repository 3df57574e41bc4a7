package pong.remote;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Transfers;

/**
 * header.timeout bounds the whole way to a tunnel, TLS handshake included, not each read: a client
 * that trickles a byte every 300 ms is cut after the timeout (1 s here) instead of holding a connection
 * for as long as its bytes last (a TLS record may announce 16 KiB: hours at that pace). The pair's own
 * tunnel, opened before, keeps working.
 */
@Timeout(60)
class TricklingTunnelHeadersAreCutEndToEndTest {
    private static final int TRICKLE_MILLIS = 300;
    private static final int TRICKLE_BYTES = 100;
    private static final int CUT_WITHIN_MILLIS = 10_000;

    @Test
    void aTlsClientHelloTrickledByteByByteIsCut() throws Exception {
        // a handshake record announcing 16,000 bytes, which then come one at a time
        try (ProxyPair pair = ProxyPair.start(Map.of("header.timeout", "1s"), Map.of()); Origin echo = Origin.echo()) {
            assertCutWhileTrickling(pair.remote.port(), HexFormat.of().parseHex("160301" + "3e80" + "01"));
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1);
        }
    }

    @Test
    void aConnectionHeaderTrickledByteByByteIsCutBeforeItIsWhole() throws Exception {
        try (ProxyPair pair = ProxyPair.start(Map.of("listen", "tcp://127.0.0.1:0", "header.timeout", "1s"), Map.of());
             Origin echo = Origin.echo()) {
            // version 0, then the 16 id bytes one by one: whole after 4.8 s, so a cut leaves fewer than 16 sent
            int sent = assertCutWhileTrickling(pair.remote.port(), new byte[] {0});
            assertTrue(sent < 16, "the whole header went through before the cut (" + sent + " id bytes)");
            Transfers.assertEcho(pair.socksPort(), echo.port(), 10_000, 1);
        }
    }

    /** Sends the prefix, then one byte every 300 ms; returns how many were sent before remote closed the connection. */
    private static int assertCutWhileTrickling(int port, byte[] prefix) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(prefix);
            AtomicInteger sent = new AtomicInteger();
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < TRICKLE_BYTES; i++) {
                        Thread.sleep(TRICKLE_MILLIS);
                        out.write(1);
                        sent.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    // cut by remote, or the test is over
                }
            });
            s.setSoTimeout(CUT_WITHIN_MILLIS);
            InputStream in = s.getInputStream();
            boolean cut;
            try {
                cut = in.readAllBytes().length >= 0;
            } catch (SocketTimeoutException e) {
                cut = false;
            } catch (SocketException e) {
                cut = true;
            }
            trickler.interrupt();
            trickler.join();
            assertTrue(cut, "the connection was still open after " + CUT_WITHIN_MILLIS + " ms of trickling");
            assertTrue(sent.get() < TRICKLE_BYTES, "the whole trickle went through before the cut");
            return sent.get();
        }
    }
}
