package pong.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.Observed;
import pong.protocol.Address;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.Socks5Client;

/**
 * Bad input on the listen port gets its protocol's error reply or a close, within the handshake
 * timeout, and the port keeps serving the next app.
 */
@Timeout(60)
class MalformedAppInputEndToEndTest {
    private ProxyPair pair;
    private Origin echo;

    @BeforeEach
    void start() throws Exception {
        pair = ProxyPair.start(Map.of(), Map.of("handshake.timeout", "300ms"));
        echo = Origin.echo();
    }

    @AfterEach
    void stop() {
        echo.close();
        pair.close();
    }

    /** The port still serves a normal SOCKS5 CONNECT after the bad input. */
    private void assertStillServing() throws IOException {
        try (Socket s = Socks5Client.connect(pair.socksPort(), "127.0.0.1", echo.port())) {
            s.getOutputStream().write(new byte[] {1, 2, 3});
            s.shutdownOutput();
            assertArrayEquals(new byte[] {1, 2, 3}, s.getInputStream().readAllBytes());
        }
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), pair.socksPort());
        s.setSoTimeout(20_000); // safety net only: the proxy's own timeout is 300 ms
        return s;
    }

    @Test
    void garbageFirstByteIsClosed() throws Exception {
        try (Socket s = socket()) {
            s.getOutputStream().write(new byte[] {0x16, 3, 1, 0, 5});
            assertEquals(-1, s.getInputStream().read());
        }
        assertStillServing();
    }

    @Test
    void truncatedSocks5GreetingIsClosedAtTheHandshakeTimeout() throws Exception {
        try (Socket s = socket()) {
            s.getOutputStream().write(new byte[] {5, 3, 0}); // says three methods, sends one, then nothing
            assertEquals(-1, s.getInputStream().read());
        }
        assertStillServing();
    }

    @Test
    void silentConnectionIsClosedAtTheHandshakeTimeout() throws Exception {
        try (Socket s = socket()) {
            assertEquals(-1, s.getInputStream().read());
        }
        assertStillServing();
    }

    @Test
    void socks5DomainOfLengthZeroGetsAddressTypeNotSupported() throws Exception {
        try (Socket s = socket()) {
            assertEquals(0, Socks5Client.greet(s, Socks5Client.METHOD_NO_AUTH));
            s.getOutputStream().write(new byte[] {5, 1, 0, Address.ATYP_DOMAIN, 0, 0, 80});
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(5, in.readUnsignedByte());
            assertEquals(8, in.readUnsignedByte());
        }
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        assertStillServing();
    }

    @Test
    void socks5BindIsCommandNotSupported() throws Exception {
        try (Socket s = socket()) {
            assertEquals(0, Socks5Client.greet(s, Socks5Client.METHOD_NO_AUTH));
            assertEquals(7, Socks5Client.request(s, Socks5Client.CMD_BIND, new Address("127.0.0.1", 80)).code());
        }
        assertStillServing();
    }

    @Test
    void socks4UserIdThatNeverEndsIsRejected() throws Exception {
        try (Socket s = socket()) {
            byte[] req = new byte[8 + 1000];
            req[0] = 4;
            req[1] = 1;
            req[3] = 80;
            req[4] = 127;
            req[7] = 1;
            Arrays.fill(req, 8, req.length, (byte) 'u');
            s.getOutputStream().write(req);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(0, in.readUnsignedByte());
            assertEquals(91, in.readUnsignedByte());
        }
        assertStillServing();
    }

    @Test
    void httpRequestLineOfOneMegabyteGets400() throws Exception {
        try (HttpTestClient c = new HttpTestClient(pair.socksPort())) {
            byte[] line = new byte[1024 * 1024];
            Arrays.fill(line, (byte) 'a');
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = c.socket.getOutputStream();
                    out.write("GET http://127.0.0.1/".getBytes(StandardCharsets.US_ASCII));
                    out.write(line);
                    out.write(" HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the proxy may close before all of it is written: that is allowed too
                }
            });
            HttpTestClient.Response r = c.read("GET");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("longer than"), r.text());
            assertTrue(c.closedByProxy());
            writer.join();
        }
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        assertStillServing();
    }

    @Test
    void httpMalformedRequestsGet400() throws Exception {
        String[] bad = {
            "GET /relative HTTP/1.1\r\n\r\n",
            "GET https://127.0.0.1/ HTTP/1.1\r\n\r\n",
            "GET http://127.0.0.1/ HTTP/1.1 extra\r\n\r\n",
            "CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n",
            "GET http://127.0.0.1/ HTTP/1.1\r\nno colon here\r\n\r\n",
            "POST http://127.0.0.1/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        };
        for (String request : bad) {
            try (HttpTestClient c = new HttpTestClient(pair.socksPort())) {
                c.send(request);
                assertEquals(400, c.read("GET").status(), request);
            }
        }
        assertEquals(0, Observed.sum(pair.remote.monitoring(), "pong_dial_duration_seconds_count"));
        assertStillServing();
    }
}
