package pong.observe;

import java.util.Locale;

/**
 * Where a stream came from. On local: the proxy protocol the app spoke. On remote: the kind of
 * stream the peer opened ({@link #TCP} for a connect frame, {@link #UDP} for a relay frame).
 */
public enum Front {
    SOCKS5, SOCKS4, HTTP, CONNECT, UDP, TCP;

    /** The label value in metrics and the access log: the name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
