package pong;

import java.io.IOException;
import pong.testing.Caddy;

/**
 * The deployment of docs/deploy-caddy.md, for real: Caddy terminates TLS and proxies /tunnel to remote's
 * h2c:// listener over cleartext HTTP/2; local dials h2:// to Caddy. Caddy's HTTP/2 client multiplexes:
 * the tunnels of both local instances share one upstream connection.
 */
class CaddyInFrontEndToEndTest extends HttpFrontCases {

    /** The site block of docs/deploy-caddy.md with the test's upstream port and read timeout. */
    private static final String SITE_BODY = """
                	reverse_proxy PATH 127.0.0.1:UPSTREAM {
                		flush_interval -1
                		transport http {
                			versions h2c 2
                			read_timeout READ_TIMEOUTs
                			write_timeout READ_TIMEOUTs
                		}
                	}
            """;

    private Caddy caddy;

    @Override
    String startFront(int upstreamPort) throws Exception {
        caddy = Caddy.start(SITE_BODY.replace("UPSTREAM", String.valueOf(upstreamPort)).replace("PATH", path())
                .replace("READ_TIMEOUT", String.valueOf(READ_TIMEOUT_SECONDS)));
        return (grpc() ? "grpcs" : "h2") + "://127.0.0.1:" + caddy.port() + path();
    }

    /** False: h2 to Caddy, h2c behind it; true: grpcs and grpc ({@link CaddyInFrontCarryingGrpcEndToEndTest}). */
    boolean grpc() {
        return false;
    }

    private String path() {
        return grpc() ? "/pong.Tunnel/Stream" : "/tunnel";
    }

    @Override
    String remoteListen() {
        return (grpc() ? "grpc" : "h2c") + "://127.0.0.1:0" + path();
    }

    @Override
    void stopFront() {
        if (caddy != null) caddy.close();
    }

    @Override
    String frontLog() throws IOException {
        return caddy.log();
    }

    @Override
    boolean multiplexesUpstream() {
        return true;
    }
}
