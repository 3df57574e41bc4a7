package pong.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.TestPki;

/** Our two halves agree on TLS 1.3 with AES-128-GCM, the cheapest strong suite, whatever the JDK's default order. */
@Timeout(30)
class TlsCipherChoiceTest {
    @Test
    void localAndRemoteNegotiateTls13WithAes128Gcm() throws Exception {
        SSLContext serverTls = Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray());
        try (ServerSocket server = Transports.listen(new Endpoint("tls", "127.0.0.1", 0))) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (Socket s = Tls.serverSide(server.accept(), serverTls)) {
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the client's view is what is checked
                }
            });
            ClientOptions tls = new ClientOptions(Tls.client(TestPki.certPem()), null, true, null);
            Endpoint to = new Endpoint("tls", "127.0.0.1", server.getLocalPort());
            Conduit c = to.transport().connect(to, tls, Duration.ofSeconds(10));
            try {
                assertEquals("TLSv1.3 TLS_AES_128_GCM_SHA256", c.security());
                c.output().write(1);
                c.output().flush();
            } finally {
                c.close();
            }
            accept.join();
        }
    }
}
