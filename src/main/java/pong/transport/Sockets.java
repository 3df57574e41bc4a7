package pong.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** Closing sockets when the closing itself can only fail in ways nobody can act on. Any thread. */
public final class Sockets {
    private Sockets() {
    }

    /** Closes, ignoring the failure of a close (null is fine). */
    public static void closeQuietly(Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed or broken: either way it is gone
        }
    }

    /** The TLS protocol and cipher suite of a TLS socket ("TLSv1.3 TLS_AES_128_GCM_SHA256"), or null for a plain one. */
    public static String security(Socket socket) {
        if (!(socket instanceof SSLSocket s)) return null;
        return Tls.describe(s.getSession());
    }

    /** Closes with an RST instead of a FIN, so the other end sees an abort, not a clean end of data. */
    public static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }
}
