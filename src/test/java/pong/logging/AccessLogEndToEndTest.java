package pong.logging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.observe.TunnelInfo;
import pong.testing.Eventually;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.TestData;

/** log.access=FILE on local: one line per stream as it ends, with the app, target, bytes and how it ended. */
@Timeout(60)
class AccessLogEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void localWritesOneLinePerStreamWithItsBytesAndHowItEnded() throws Exception {
        Path file = dir.resolve("access.log");
        try (ProxyPair pair = ProxyPair.start(Map.of(), Map.of("log.access", file.toString())); Origin echo = Origin.echo()) {
            String app;
            byte[] data = TestData.bytes(1, 3000);
            try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
                app = TunnelInfo.address(s.getLocalSocketAddress());
                s.setSoTimeout(10_000);
                s.getOutputStream().write(data);
                s.shutdownOutput();
                assertArrayEquals(data, s.getInputStream().readAllBytes());
            }
            int closed = Origin.closedPort();
            try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", closed)) {
                s.setSoTimeout(10_000);
                s.getInputStream().read();
            } catch (IOException reset) {
                // the refused dial resets the stream
            }
            assertTrue(Eventually.holds(() -> lines(file).size() == 2), () -> "two lines in\n" + lines(file));
            // lines come in the order the streams end, which need not be the order they opened in
            List<String> lines = lines(file).stream().sorted(Comparator.comparing(l -> l.contains(" stream=1 ") ? 0 : 1)).toList();
            assertTrue(lines.get(0).matches("\\S+Z access app=" + Pattern.quote(app) + " front=socks5 target=127.0.0.1:" + echo.port()
                    + " stream=1 up=3000 down=3000 duration=\\d+\\.\\d{3}s end=finish"), lines.get(0));
            assertTrue(lines.get(1).matches("\\S+Z access app=\\S+ front=socks5 target=127.0.0.1:" + closed
                    + " stream=3 up=0 down=0 duration=\\d+\\.\\d{3}s end=rst5"), lines.get(1));
            assertEquals(2, lines.size());
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
