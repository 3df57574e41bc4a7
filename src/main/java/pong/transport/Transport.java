package pong.transport;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * How tunnel bytes travel between local and remote, chosen by the URL scheme of remote's {@code listen}
 * and local's {@code remote} ({@link Transports} holds the one table of schemes). A transport has a
 * client half (local dials one conduit) and a server half (remote turns an accepted TCP connection into
 * conduits). Implementations are stateless and shared; any thread.
 */
public interface Transport {
    /** The URL scheme, like {@code wss}. */
    String scheme();

    /** The port a URL without one means, or -1 when the scheme requires a port. */
    int defaultPort();

    /** True when the transport runs over TLS, so the {@code tls.*} keys apply. */
    boolean secure();

    /** True for HTTP-based transports: the URL's path, {@code http.host} and {@code listen.trusted.proxies} apply. */
    boolean http();

    /**
     * Local's half: connects and completes every handshake (TCP, TLS, HTTP upgrade), all within the
     * timeout, and returns the conduit for one tunnel. The caller's thread does the work.
     */
    Conduit connect(Endpoint to, ClientOptions options, Duration timeout) throws IOException;

    /**
     * Remote's half for one listener. Called once at start; fails when the options do not fit (no TLS
     * context for a secure transport).
     */
    Server server(Endpoint listen, ServerOptions options);

    /** Turns accepted connections into conduits. */
    interface Server {
        /**
         * Runs the transport's handshake on a freshly accepted connection, on that connection's own
         * thread, and hands every conduit it yields to the sink. A transport with one tunnel per
         * connection (tcp, tls, ws, wss, http, https) calls the sink once, on this thread, and returns once the sink
         * returns; a multiplexing one (HTTP/2) may call it many times and from threads of its own, and
         * returns when the connection ends. The caller owns {@code accepted} and closes it when this
         * throws; it also bounds the whole handshake in time by closing {@code accepted} at its deadline,
         * which must make any blocked read here fail.
         *
         * @throws IOException when the peer is not speaking this transport (already answered as the
         *                     transport requires, like an HTTP 404); the message says why, for the log
         */
        void serve(Socket accepted, Sink sink) throws IOException;
    }

    /** Takes a conduit a server transport yielded; owns it from then on. */
    interface Sink {
        void accept(Conduit conduit);
    }
}
