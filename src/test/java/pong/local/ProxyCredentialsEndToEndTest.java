package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.testing.Curl;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;
import pong.testing.WebOrigin;

/** With socks.users set, only apps with right credentials get a stream; the others are refused before any stream opens. */
@Timeout(60)
class ProxyCredentialsEndToEndTest {
    private ProxyPair pair;
    private Origin echo;
    private WebOrigin web;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.start(Map.of(), Map.of("socks.users", "alice:s3cret, bob:pa:ss"));
        echo = Origin.echo();
        web = WebOrigin.http(5);
    }

    @AfterEach
    void stop() {
        web.close();
        echo.close();
        pair.close();
    }

    private void assertNoStreamOpened() {
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        assertNull(pair.local.connector().current(), "not even a tunnel was needed");
    }

    @Test
    void socks5WithRightCredentialsPasses() throws Exception {
        try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port(), "bob", "pa:ss")) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readAllBytes());
        }
        Curl.Result r = Curl.run("-x", "socks5h://alice:s3cret@127.0.0.1:" + pair.socksPort(), "http://127.0.0.1:" + web.port() + "/bytes/1000");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(web.body(1000), r.body());
    }

    @Test
    void socks5WithoutCredentialsGetsNoAcceptableMethod() throws Exception {
        try (Socket s = socket()) {
            assertEquals(0xff, Socks5Client.greet(s, Socks5Client.METHOD_NO_AUTH));
            assertEquals(-1, s.getInputStream().read(), "closed after FF");
        }
        assertNoStreamOpened();
    }

    @Test
    void socks5WithWrongPasswordOrUnknownUserFailsAuthentication() throws Exception {
        for (String[] creds : new String[][] {{"alice", "wrong"}, {"mallory", "s3cret"}, {"alice", "s3cret2"}}) {
            try (Socket s = socket()) {
                assertEquals(Socks5Client.METHOD_USER_PASSWORD, Socks5Client.greet(s, Socks5Client.METHOD_USER_PASSWORD));
                assertEquals(1, Socks5Client.login(s, creds[0], creds[1]));
                assertEquals(-1, s.getInputStream().read(), "closed after a failed login");
            }
        }
        assertNoStreamOpened();
    }

    @Test
    void socks4IsRefusedSinceItCannotCarryAPassword() throws Exception {
        try (Socket s = socket()) {
            byte[] req = {4, 1, (byte) (echo.port() >> 8), (byte) echo.port(), 127, 0, 0, 1, 'a', 0};
            s.getOutputStream().write(req);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(0, in.readUnsignedByte());
            assertEquals(91, in.readUnsignedByte());
        }
        assertNoStreamOpened();
    }

    @Test
    void httpWithoutOrWithWrongCredentialsGets407() throws Exception {
        String url = "http://127.0.0.1:" + web.port() + "/bytes/10";
        for (String auth : new String[] {"", basic("alice:wrong"), basic("nobody:s3cret"), "Proxy-Authorization: Bearer x\r\n"}) {
            try (HttpTestClient c = new HttpTestClient(pair.socksPort())) {
                HttpTestClient.Response r = c.get(url, auth);
                assertEquals(407, r.status());
                assertNotNull(r.head().get("Proxy-Authenticate"));
                assertTrue(r.head().get("Proxy-Authenticate").startsWith("Basic"));
            }
            try (HttpTestClient c = new HttpTestClient(pair.socksPort())) {
                c.send("CONNECT 127.0.0.1:" + web.port() + " HTTP/1.1\r\n" + auth + "\r\n");
                assertEquals(407, c.read("CONNECT").status());
            }
        }
        assertNoStreamOpened();
    }

    @Test
    void httpWithRightCredentialsPassesAndTheyAreNotForwarded() throws Exception {
        try (HttpTestClient c = new HttpTestClient(pair.socksPort())) {
            HttpTestClient.Response r = c.get("http://127.0.0.1:" + web.port() + "/bytes/100", basic("alice:s3cret"));
            assertEquals(200, r.status());
            assertArrayEquals(web.body(100), r.body());
        }
        assertNull(web.lastHeaders().getFirst("Proxy-Authorization"));
        Curl.Result r = Curl.run("-x", "http://bob:pa:ss@127.0.0.1:" + pair.socksPort(), "http://127.0.0.1:" + web.port() + "/bytes/1000");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(web.body(1000), r.body());
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort());
        s.setSoTimeout(30_000);
        return s;
    }

    private static String basic(String userPassword) {
        return "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }
}
