package pong.local;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import pong.observe.Front;
import pong.observe.Rejection;
import pong.observe.TunnelInfo;
import pong.observe.TunnelObserver;
import pong.protocol.Address;
import pong.protocol.FrameType;
import pong.tunnel.Relay;
import pong.tunnel.Stream;

/**
 * SOCKS4 and SOCKS4a CONNECT towards apps. SOCKS4 has no passwords, so when socks.users is set every
 * request is refused. Like SOCKS5, CONNECT is granted at once and the stream opened without waiting
 * (with confirm=true, after remote's connect result).
 * Threading: one call per app connection, on that connection's virtual thread.
 */
final class Socks4Front {
    private static final System.Logger LOG = System.getLogger(Socks4Front.class.getName());

    static final int CMD_CONNECT = 1;
    /** The reply's VN byte is 0, not 4. */
    static final int REPLY_VERSION = 0;
    static final int GRANTED = 90;
    static final int REJECTED = 91;
    /** USERID and the 4a host name are NUL-terminated; longer ones are refused rather than buffered. */
    static final int MAX_FIELD = 255;

    private final StreamOpener connector;
    private final ProxyUsers users;
    private final Confirmation confirm;
    private final TunnelObserver observer;

    /** @param observer told of requests turned away before a stream (malformed, SOCKS4 with socks.users set) */
    Socks4Front(StreamOpener connector, ProxyUsers users, Confirmation confirm, TunnelObserver observer) {
        this.connector = connector;
        this.users = users;
        this.confirm = confirm;
        this.observer = observer;
    }

    /** Serves one app connection whose first byte (the version, 4) has already been read from {@code in}. */
    void serve(Socket app, HandshakeInput in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        OutputStream out = app.getOutputStream();
        int cmd = d.readUnsignedByte();
        int port = d.readUnsignedShort();
        byte[] ip = new byte[4];
        d.readFully(ip);
        String user = readField(d);
        // 4a: an address of 0.0.0.x (x != 0) means "the host name follows"
        boolean named = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
        String host = named ? readField(d) : (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
        if (host == null || user == null || (named && host.isEmpty())) {
            LOG.log(Level.INFO, "app {0}: SOCKS4 request with an overlong or empty field", app.getRemoteSocketAddress());
            observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), "SOCKS4 field overlong or empty");
            reply(out, REJECTED);
            return;
        }
        if (users.required()) {
            LOG.log(Level.INFO, "app {0}: SOCKS4 refused: socks.users is set and SOCKS4 cannot carry a password", app.getRemoteSocketAddress());
            observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), "SOCKS4 while socks.users is set");
            reply(out, REJECTED);
            return;
        }
        if (cmd != CMD_CONNECT) {
            reply(out, REJECTED);
            return;
        }
        Address target = new Address(host, port);
        Stream stream;
        try {
            stream = connector.open(FrameType.CONNECT, target, Front.SOCKS4, TunnelInfo.address(app.getRemoteSocketAddress()));
            confirm.await(stream);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "SOCKS4 CONNECT {0} failed: {1}", target, e.getMessage());
            reply(out, REJECTED);
            return;
        }
        Confirmation.tell(stream, () -> reply(out, GRANTED));
        in.finished();
        Relay.run(stream, app, in);
    }

    /** A NUL-terminated field, or null if it is longer than {@link #MAX_FIELD}. */
    private static String readField(DataInputStream d) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = d.readUnsignedByte()) != 0) {
            if (b.size() == MAX_FIELD) return null;
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void reply(OutputStream out, int code) throws IOException {
        out.write(new byte[] {REPLY_VERSION, (byte) code, 0, 0, 0, 0, 0, 0});
        out.flush();
    }
}
