package pong.local;

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
import pong.protocol.PongException;
import pong.tunnel.Relay;
import pong.tunnel.Stream;

/**
 * SOCKS5 (RFC 1928) towards apps, with username/password (RFC 1929) when socks.users is set.
 * CONNECT is answered with success at once and the stream opened without waiting for remote (0 open
 * time; the app's first bytes follow the connect frame), or with confirm=true after remote's connect result. UDP ASSOCIATE hands the connection to a
 * {@link UdpAssociation}; BIND is answered with "command not supported".
 * Threading: one call per app connection, on that connection's virtual thread.
 */
final class Socks5Front {
    private static final System.Logger LOG = System.getLogger(Socks5Front.class.getName());

    static final int VERSION = 5;
    static final int METHOD_NO_AUTH = 0x00;
    static final int METHOD_USER_PASSWORD = 0x02;
    static final int METHOD_NONE_ACCEPTABLE = 0xff;
    /** RFC 1929: the subnegotiation's own version byte and its two statuses. */
    static final int AUTH_VERSION = 1;
    static final int AUTH_SUCCESS = 0;
    static final int AUTH_FAILURE = 1;
    static final int CMD_CONNECT = 1;
    static final int CMD_BIND = 2;
    static final int CMD_UDP_ASSOCIATE = 3;
    static final int REPLY_SUCCEEDED = 0;
    static final int REPLY_GENERAL_FAILURE = 1;
    static final int REPLY_COMMAND_NOT_SUPPORTED = 7;
    static final int REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 8;

    private final StreamOpener connector;
    private final ProxyUsers users;
    private final UdpAssociation.Settings udp;
    private final Confirmation confirm;
    private final TunnelObserver observer;

    /** @param observer told of handshakes turned away (no acceptable method, failed authentication, a bad address) */
    Socks5Front(StreamOpener connector, ProxyUsers users, UdpAssociation.Settings udp, Confirmation confirm, TunnelObserver observer) {
        this.connector = connector;
        this.users = users;
        this.udp = udp;
        this.confirm = confirm;
        this.observer = observer;
    }

    /** Serves one app connection whose first byte (the version, 5) has already been read from {@code in}. */
    void serve(Socket app, HandshakeInput in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        OutputStream out = app.getOutputStream();
        int nMethods = d.readUnsignedByte();
        byte[] methods = new byte[nMethods];
        d.readFully(methods);
        int method = users.required() ? METHOD_USER_PASSWORD : METHOD_NO_AUTH;
        if (!contains(methods, method)) {
            LOG.log(Level.INFO, "app {0}: SOCKS5 without an acceptable method (need 0x0{1})", app.getRemoteSocketAddress(), method);
            observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), "SOCKS5 without an acceptable method");
            out.write(new byte[] {VERSION, (byte) METHOD_NONE_ACCEPTABLE});
            out.flush();
            return;
        }
        out.write(new byte[] {VERSION, (byte) method});
        out.flush();
        if (method == METHOD_USER_PASSWORD && !authenticate(app, d, out)) return;
        int version = d.readUnsignedByte();
        int cmd = d.readUnsignedByte();
        d.readUnsignedByte(); // RSV
        if (version != VERSION) throw new IOException("SOCKS5 request with version " + version);
        Address target;
        try {
            target = Address.read(d);
        } catch (PongException e) {
            LOG.log(Level.INFO, "app {0}: SOCKS5 request refused: {1}", app.getRemoteSocketAddress(), e.getMessage());
            observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), e.getMessage());
            reply(out, e.code().socksReply());
            return;
        }
        switch (cmd) {
            case CMD_CONNECT -> connect(app, in, out, target);
            case CMD_UDP_ASSOCIATE -> UdpAssociation.serve(app, in, target, connector, udp);
            default -> reply(out, REPLY_COMMAND_NOT_SUPPORTED);
        }
    }

    private void connect(Socket app, HandshakeInput in, OutputStream out, Address target) throws IOException {
        Stream stream;
        try {
            stream = connector.open(FrameType.CONNECT, target, Front.SOCKS5, TunnelInfo.address(app.getRemoteSocketAddress()));
            confirm.await(stream);
        } catch (IOException e) {
            // remote's refusals are logged where they arrive (RefusalLog); this is the reply the app gets
            LOG.log(Level.DEBUG, "SOCKS5 CONNECT {0} failed: {1}", target, e.getMessage());
            reply(out, e instanceof PongException p ? p.code().socksReply() : REPLY_GENERAL_FAILURE);
            return;
        }
        Confirmation.tell(stream, () -> reply(out, REPLY_SUCCEEDED));
        in.finished();
        Relay.run(stream, app, in);
    }

    /** RFC 1929 subnegotiation; false (after answering failure) when the credentials are wrong. */
    private boolean authenticate(Socket app, DataInputStream d, OutputStream out) throws IOException {
        int version = d.readUnsignedByte();
        if (version != AUTH_VERSION) throw new IOException("SOCKS5 username/password subnegotiation with version " + version);
        String user = readCredential(d);
        String password = readCredential(d);
        boolean ok = users.accepts(user, password);
        out.write(new byte[] {AUTH_VERSION, (byte) (ok ? AUTH_SUCCESS : AUTH_FAILURE)});
        out.flush();
        if (!ok) {
            LOG.log(Level.INFO, "app {0}: SOCKS5 authentication failed for user ''{1}''", app.getRemoteSocketAddress(), user);
            observer.rejected(Rejection.APP_HANDSHAKE, TunnelInfo.address(app.getRemoteSocketAddress()), "SOCKS5 authentication failed");
        }
        return ok;
    }

    private static String readCredential(DataInputStream d) throws IOException {
        byte[] b = new byte[d.readUnsignedByte()];
        d.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }


    static void reply(OutputStream out, int code) throws IOException {
        // BND.ADDR/BND.PORT: 0.0.0.0:0, the bound address is remote's and not known here.
        reply(out, code, new byte[] {Address.ATYP_IPV4, 0, 0, 0, 0, 0, 0});
    }

    static void reply(OutputStream out, int code, byte[] boundAddress) throws IOException {
        byte[] r = new byte[3 + boundAddress.length];
        r[0] = VERSION;
        r[1] = (byte) code;
        System.arraycopy(boundAddress, 0, r, 3, boundAddress.length);
        out.write(r);
        out.flush();
    }

    private static boolean contains(byte[] methods, int method) {
        for (byte m : methods) if ((m & 0xff) == method) return true;
        return false;
    }
}
