package pong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.Curl;
import pong.testing.ProxyPair;
import pong.testing.TestData;
import pong.testing.TestPki;
import pong.testing.WebOrigin;

/** curl, a real app, through local's one port with each proxy protocol it speaks; every body byte-exact. */
@Timeout(120)
class EveryProxyProtocolCarriesCurlEndToEndTest {
    private static final int SIZE = 300_000;
    private static ProxyPair pair;
    private static WebOrigin web;
    private static WebOrigin tls;

    @BeforeAll
    static void start() throws Exception {
        pair = ProxyPair.start();
        web = WebOrigin.http(7);
        tls = WebOrigin.https(8);
    }

    @AfterAll
    static void stop() {
        tls.close();
        web.close();
        pair.close();
    }

    private static void assertBody(byte[] expected, Curl.Result r) {
        assertEquals(0, r.exit(), () -> "curl failed: " + r.stderr());
        assertArrayEquals(expected, r.body());
    }

    @Test
    void socks5WithRemoteNameResolution() throws Exception {
        assertBody(web.body(SIZE), Curl.run("--socks5-hostname", "127.0.0.1:" + pair.socksPort(),
                "http://localhost:" + web.port() + "/bytes/" + SIZE));
    }

    @Test
    void socks4a() throws Exception {
        assertBody(web.body(SIZE), Curl.run("--socks4a", "127.0.0.1:" + pair.socksPort(),
                "http://localhost:" + web.port() + "/bytes/" + SIZE));
    }

    @Test
    void httpProxyForwardsAnHttpUrlWithAChunkedResponse() throws Exception {
        assertBody(web.body(SIZE), Curl.run("-x", "http://127.0.0.1:" + pair.socksPort(),
                "http://127.0.0.1:" + web.port() + "/chunked/" + SIZE));
    }

    @Test
    void httpProxyForwardsUploadsWithContentLengthAndChunkedBodies(@TempDir Path dir) throws Exception {
        byte[] upload = TestData.bytes(99, SIZE);
        Path file = Files.write(dir.resolve("upload"), upload);
        String url = "http://127.0.0.1:" + web.port() + "/echo";
        String proxy = "http://127.0.0.1:" + pair.socksPort();
        assertBody(upload, Curl.run("-x", proxy, "--data-binary", "@" + file, url));
        assertBody(upload, Curl.run("-x", proxy, "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, url));
    }

    @Test
    void httpProxyTunnelsHttpsWithConnect() throws Exception {
        assertBody(tls.body(SIZE), Curl.run("-x", "http://127.0.0.1:" + pair.socksPort(),
                "--cacert", TestPki.certPem().toString(), "https://127.0.0.1:" + tls.port() + "/bytes/" + SIZE));
    }
}
