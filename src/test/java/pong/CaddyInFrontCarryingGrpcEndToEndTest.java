package pong;

/** The Caddy deployment of docs/deploy-caddy.md with gRPC: grpcs:// to Caddy, grpc:// behind it. */
class CaddyInFrontCarryingGrpcEndToEndTest extends CaddyInFrontEndToEndTest {
    @Override
    boolean grpc() {
        return true;
    }
}
