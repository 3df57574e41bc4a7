package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** One stalled download must not freeze the other streams of its tunnel (flow control extension). */
@Timeout(120)
class HeadOfLineEndToEndTest {
    private static final long BULK = 200L * 1024 * 1024;

    @Test
    void interactiveStreamCompletesWhileABulkStreamsClientStopsReading() throws Exception {
        try (ProxyPair pair = ProxyPair.start(); Origin download = Origin.download(); Origin echo = Origin.echo();
             Socket bulk = Socks5Client.connect(pair.socksPort(), "127.0.0.1", download.port());
             Socket chat = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            DataOutputStream req = new DataOutputStream(bulk.getOutputStream());
            req.writeLong(BULK);
            req.writeLong(7);
            req.flush();
            InputStream bulkIn = bulk.getInputStream();
            MessageDigest md = TestData.sha256();
            byte[] buf = new byte[64 * 1024];
            // Start the download, then stall its reader for 5 s.
            long got = 0;
            while (got < 4 * 1024 * 1024) {
                int n = bulkIn.read(buf);
                md.update(buf, 0, n);
                got += n;
            }
            CountDownLatch chatDone = new CountDownLatch(1);
            Thread chatter = Thread.ofVirtual().start(() -> {
                try {
                    DataOutputStream out = new DataOutputStream(chat.getOutputStream());
                    DataInputStream in = new DataInputStream(chat.getInputStream());
                    byte[] msg = new byte[32];
                    byte[] back = new byte[32];
                    for (int i = 0; i < 200; i++) {
                        msg[0] = (byte) i;
                        out.write(msg);
                        out.flush();
                        in.readFully(back);
                        assertArrayEquals(msg, back);
                    }
                    chatDone.countDown();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            boolean chatFinishedDuringStall = chatDone.await(5, TimeUnit.SECONDS);
            // The bulk client resumes only now.
            int n;
            while ((n = bulkIn.read(buf)) > 0) {
                md.update(buf, 0, n);
                got += n;
            }
            chatter.join();
            assertTrue(chatFinishedDuringStall, "all 200 round trips finished while the bulk stream was stalled");
            assertEquals(BULK, got);
            assertArrayEquals(TestData.sha256(7, BULK), md.digest(), "bulk download byte-exact");
        }
    }
}
