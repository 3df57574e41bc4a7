package pong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import pong.testing.Nginx;
import pong.testing.Observed;
import pong.testing.Origin;
import pong.testing.RawTunnel;
import pong.testing.Transfers;

/**
 * The deployment of docs/deploy-nginx.md, for real: nginx terminates TLS and proxies /tunnel to remote's
 * ws:// listener; local dials wss:// to nginx. The cases every front passes ({@link HttpFrontCases}:
 * bulk bytes both ways, 200 streams on the one WebSocket, half close, a second local, an idle spell of
 * three times nginx's proxy_read_timeout kept alive by tunnel pings), and nginx's own page for a
 * browser on the same host meanwhile.
 */
class NginxInFrontEndToEndTest extends HttpFrontCases {
    /** The server block of docs/deploy-nginx.md with the test's upstream port and read timeout. */
    private static final String SERVER_BODY = """
                    server_name localhost;
                    location / {
                        root /usr/share/nginx/html;
                    }
                    location /tunnel {
                        proxy_pass http://127.0.0.1:REMOTE_PORT;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_read_timeout READ_TIMEOUTs;
                        proxy_send_timeout READ_TIMEOUTs;
                        proxy_buffering off;
                    }
            """;

    private Nginx nginx;

    @Override
    String startFront(int upstreamPort) throws Exception {
        nginx = Nginx.start(SERVER_BODY.replace("REMOTE_PORT", String.valueOf(upstreamPort))
                .replace("READ_TIMEOUT", String.valueOf(READ_TIMEOUT_SECONDS)));
        return "wss://127.0.0.1:" + nginx.port() + "/tunnel";
    }

    @Override
    String remoteListen() {
        return "ws://127.0.0.1:0/tunnel";
    }

    @Override
    void stopFront() {
        if (nginx != null) nginx.close();
    }

    @Override
    String frontLog() throws IOException {
        return nginx.errorLog();
    }

    @Override
    boolean multiplexesUpstream() {
        return false;
    }

    @Test
    void aBrowserOnTheSameHostGetsNginxOwnPageWhileTheTunnelRuns() throws Exception {
        try (Origin echo = Origin.echo()) {
            Transfers.assertEcho(pair.socksPort(), echo.port(), 1000, 3); // the tunnel is up
        }
        try (SSLSocket s = (SSLSocket) RawTunnel.testClientContext().getSocketFactory().createSocket("127.0.0.1", nginx.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String page = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(page.startsWith("HTTP/1.1 200 OK"), page);
            assertTrue(page.contains("Welcome to nginx!"), page);
        }
        assertEquals(1, Observed.sum(pair.local.monitoring(), "pong_tunnels_opened_total"));
    }
}
