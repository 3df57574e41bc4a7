package pong.local;

import java.io.IOException;

/** A failure the HTTP proxy answers with this status and a one-line text (the message). */
final class HttpError extends IOException {
    static final int BAD_REQUEST = 400;
    static final int FORBIDDEN = 403;
    static final int PROXY_AUTH_REQUIRED = 407;
    static final int BAD_GATEWAY = 502;
    static final int GATEWAY_TIMEOUT = 504;

    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static String reason(int status) {
        return switch (status) {
            case BAD_REQUEST -> "Bad Request";
            case FORBIDDEN -> "Forbidden";
            case PROXY_AUTH_REQUIRED -> "Proxy Authentication Required";
            case BAD_GATEWAY -> "Bad Gateway";
            case GATEWAY_TIMEOUT -> "Gateway Timeout";
            default -> "Error";
        };
    }
}
