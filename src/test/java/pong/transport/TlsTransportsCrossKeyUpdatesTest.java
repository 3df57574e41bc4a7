package pong.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pong.testing.TestPki;

/**
 * Every TLS transport's two halves (local's connect, remote's listener) carry bulk both ways at once,
 * byte for byte, across TLS 1.3 KeyUpdates: Maven runs this class in the JVM of {@link TlsChannelTest},
 * whose keys update every 4 MiB (src/test/resources/tls-test.security), so each 24 MiB direction crosses
 * several while the other direction's records are in flight. HTTP/2 (h2, grpcs) reads on the
 * connection's reader thread while its writer thread sends: the engine's reply to a KeyUpdate must get
 * out between data records from either thread.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsTransportsCrossKeyUpdatesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static SSLContext server;
    private static SSLContext client;
    private static ExecutorService threads;

    @BeforeAll
    static void contexts() throws Exception {
        server = Tls.server(TestPki.certPem(), TestPki.keyPem());
        client = Tls.client(TestPki.certPem());
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "grpcs", "https", "tls", "wss"})
    void bulkBothWaysAtOnceArrivesByteExactAcrossKeyUpdatesAndEndsCleanly(String scheme) throws Exception {
        Transport transport = Transports.of(scheme);
        Transport.Server listener = transport.server(new Endpoint(scheme, "127.0.0.1", 0, "/tunnel"), new ServerOptions(server, null, WAIT));
        BlockingQueue<Conduit> accepted = new LinkedBlockingQueue<>();
        try (ServerSocket sockets = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            threads.submit(() -> {
                Socket s = sockets.accept();
                try {
                    listener.serve(s, accepted::add); // a one-tunnel transport returns here; its conduit owns the socket
                } catch (IOException e) {
                    s.close();
                }
                return null;
            });
            Conduit local = transport.connect(new Endpoint(scheme, "127.0.0.1", sockets.getLocalPort(), "/tunnel"),
                    new ClientOptions(client, null, false, null), WAIT);
            Conduit remote = null;
            try {
                assertEquals("TLSv1.3", local.security().split(" ")[0], local.security());
                // h2 and grpcs send the request before the first body byte, so remote's conduit exists once bytes flow
                local.output().write(1);
                local.output().flush();
                remote = accepted.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(remote, "remote yielded no conduit");
                assertEquals(1, remote.input().read());
                TlsChannelTest.exchange(threads, local.input(), local.output(), remote.input(), remote.output(), true);
                local.close();
                assertEquals(-1, remote.input().read(), "local's orderly close reads as the end on remote");
            } finally {
                local.abort();
                if (remote != null) remote.abort();
            }
        }
    }
}
