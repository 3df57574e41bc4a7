package pong;

import java.io.IOException;
import pong.testing.Nginx;

/**
 * The gRPC deployment of docs/deploy-nginx.md, for real: nginx terminates TLS (HTTP/2) and hands the gRPC
 * call to remote's grpc:// listener with {@code grpc_pass} (cleartext HTTP/2); local dials grpcs:// to
 * nginx. nginx opens one upstream connection per call, so every tunnel has its own.
 */
class NginxGrpcPassEndToEndTest extends HttpFrontCases {
    /** The location block of docs/deploy-nginx.md with the test's upstream port and read timeout. */
    private static final String SERVER_BODY = """
                    server_name localhost;
                    location /pong.Tunnel/Stream {
                        grpc_pass grpc://127.0.0.1:UPSTREAM;
                        grpc_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        grpc_read_timeout READ_TIMEOUTs;
                        grpc_send_timeout READ_TIMEOUTs;
                        client_body_timeout READ_TIMEOUTs;
                        client_max_body_size 0;
                    }
            """;

    private Nginx nginx;

    @Override
    String startFront(int upstreamPort) throws Exception {
        nginx = Nginx.startHttp2(SERVER_BODY.replace("UPSTREAM", String.valueOf(upstreamPort))
                .replace("READ_TIMEOUT", String.valueOf(READ_TIMEOUT_SECONDS)));
        return "grpcs://127.0.0.1:" + nginx.port();
    }

    @Override
    String remoteListen() {
        return "grpc://127.0.0.1:0";
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
}
