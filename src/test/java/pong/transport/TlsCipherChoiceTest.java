package pong.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.testing.TestPki;

/** Our two halves agree on TLS 1.3 with AES-128-GCM, the cheapest strong suite, whatever the JDK's default order. */
@Timeout(30)
class TlsCipherChoiceTest {
    @Test
    void localAndRemoteNegotiateTls13WithAes128Gcm() throws Exception {
        try (ServerSocket server = Transport.listen(new Endpoint(true, "127.0.0.1", 0),
                Tls.server(TestPki.keystore(), TestPki.KEYSTORE_PASSWORD.toCharArray()))) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the client's view is what is checked
                }
            });
            Transport.ClientTls tls = new Transport.ClientTls(Tls.client(TestPki.certPem()), null, true);
            try (SSLSocket s = (SSLSocket) Transport.connect(new Endpoint(true, "127.0.0.1", server.getLocalPort()), tls,
                    Duration.ofSeconds(10))) {
                assertEquals("TLSv1.3", s.getSession().getProtocol());
                assertEquals("TLS_AES_128_GCM_SHA256", s.getSession().getCipherSuite());
                s.getOutputStream().write(1);
            }
            accept.join();
        }
    }
}
