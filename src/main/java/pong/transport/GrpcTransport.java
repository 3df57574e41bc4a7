package pong.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import pong.transport.grpc.GrpcMessages;
import pong.transport.http2.HeaderField;
import pong.transport.http2.Http2Connection;
import pong.transport.http2.Http2Stream;

/**
 * {@code grpc://} (on h2c) and {@code grpcs://} (on h2): the tunnel as one bidirectional streaming gRPC
 * call, so that gRPC fronts (nginx {@code grpc_pass}, CDNs that carry gRPC) pass it. The path defaults to
 * {@code /pong.Tunnel/Stream} (a path in the URL replaces it whole); requests carry
 * {@code content-type: application/grpc} and {@code te: trailers}; each chunk of tunnel bytes is one gRPC
 * message ({@link GrpcMessages}); remote ends its side with trailers {@code grpc-status: 0}. The wire form
 * byte by byte is in docs/extensions.md. Everything else is {@link Http2Transport}'s.
 */
final class GrpcTransport extends Http2Transport {
    static final String DEFAULT_PATH = "/pong.Tunnel/Stream";
    static final String CONTENT_TYPE = "application/grpc";
    /** Tunnel bytes per message we send: one message fits one DATA frame of the default size. */
    static final int CHUNK = 16 * 1024 - GrpcMessages.MAX_OVERHEAD;
    /** The largest message we accept: gRPC's usual default receive limit. */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;

    GrpcTransport(boolean secure) {
        super(secure);
    }

    @Override public String scheme() { return secure() ? "grpcs" : "grpc"; }

    @Override
    String path(Endpoint e) {
        return e.path().equals("/") ? DEFAULT_PATH : e.path();
    }

    @Override
    List<HeaderField> requestHeaders() {
        return List.of(new HeaderField("content-type", CONTENT_TYPE), new HeaderField("te", "trailers"));
    }

    @Override
    String refusal(List<HeaderField> request, String path) {
        String why = super.refusal(request, path);
        if (why != null) return why;
        if (!isGrpc(value(request, "content-type"))) return "content-type " + value(request, "content-type");
        return null;
    }

    @Override
    List<HeaderField> responseHeaders() {
        return List.of(new HeaderField(":status", "200"), new HeaderField("content-type", CONTENT_TYPE));
    }

    @Override
    String responseRefusal(List<HeaderField> response) {
        String why = super.responseRefusal(response);
        if (why != null) return why;
        if (!isGrpc(value(response, "content-type"))) return "content-type " + value(response, "content-type");
        return null;
    }

    /** application/grpc, or one of its subtypes like application/grpc+proto. */
    private static boolean isGrpc(String contentType) {
        return contentType != null && (contentType.equals(CONTENT_TYPE) || contentType.startsWith(CONTENT_TYPE + "+")
                || contentType.startsWith(CONTENT_TYPE + ";"));
    }

    @Override
    Http2Conduit conduit(Http2Stream stream, Http2Connection owned, InetSocketAddress peer, String security) {
        boolean server = owned == null;
        InputStream in = new GrpcMessages.Reader(server ? stream.input() : responseBody(stream), MAX_MESSAGE);
        if (!server) in = new StatusCheckingInput(in, stream);
        Http2Conduit.Finisher finish = server
                ? (s, out) -> {
                    out.flush();
                    s.sendTrailers(List.of(new HeaderField("grpc-status", "0")));
                }
                : (s, out) -> out.close();
        return new Http2Conduit(stream, owned, in, new GrpcMessages.Writer(stream.output(), CHUNK), finish, peer, scheme(), security);
    }

    /** Local's input: the end of remote's messages is a clean end only with trailers saying grpc-status 0. */
    private static final class StatusCheckingInput extends FilterInputStream {
        private final Http2Stream stream;

        StatusCheckingInput(InputStream in, Http2Stream stream) {
            super(in);
            this.stream = stream;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) checkStatus();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) checkStatus();
            return n;
        }

        private void checkStatus() throws IOException {
            List<HeaderField> trailers = stream.trailers();
            String status = value(trailers, "grpc-status");
            if (status == null) status = value(stream.awaitHeaders(), "grpc-status"); // a trailers-only answer
            if (!"0".equals(status)) {
                String message = value(trailers, "grpc-message");
                throw new IOException(stream + ": remote ended the gRPC call with grpc-status " + status
                        + (message != null ? " (" + message + ")" : ""));
            }
        }
    }
}
