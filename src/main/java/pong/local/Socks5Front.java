package pong.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import pong.protocol.Address;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.tunnel.Relay;
import pong.tunnel.Stream;

/**
 * SOCKS5 (RFC 1928) towards apps. CONNECT is answered with success at once and the stream opened
 * without waiting for remote (0 open time); the app's first bytes follow the connect frame.
 * Threading: one call per app connection, on that connection's virtual thread.
 */
final class Socks5Front {
    private static final System.Logger LOG = System.getLogger(Socks5Front.class.getName());

    static final int VERSION = 5;
    static final int METHOD_NO_AUTH = 0x00;
    static final int METHOD_NONE_ACCEPTABLE = 0xff;
    static final int CMD_CONNECT = 1;
    static final int REPLY_SUCCEEDED = 0;
    static final int REPLY_GENERAL_FAILURE = 1;
    static final int REPLY_COMMAND_NOT_SUPPORTED = 7;
    static final int REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 8;

    /** How long to wait for the remote's announcement on a fresh tunnel before treating it as a legacy peer. */
    private static final long SETTINGS_WAIT_MILLIS = 2000;

    private final TunnelConnector connector;
    private final java.time.Duration confirm;

    /** @param confirm with socks.confirm, how long to wait for remote's connect result; null answers at once (0 open time) */
    Socks5Front(TunnelConnector connector, java.time.Duration confirm) {
        this.connector = connector;
        this.confirm = confirm;
    }

    /** Serves one app connection whose first byte (the version, 5) has already been read from {@code in}. */
    void serve(Socket app, InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        OutputStream out = app.getOutputStream();
        int nMethods = d.readUnsignedByte();
        byte[] methods = new byte[nMethods];
        d.readFully(methods);
        if (!contains(methods, METHOD_NO_AUTH)) {
            out.write(new byte[] {VERSION, (byte) METHOD_NONE_ACCEPTABLE});
            out.flush();
            return;
        }
        out.write(new byte[] {VERSION, METHOD_NO_AUTH});
        int version = d.readUnsignedByte();
        int cmd = d.readUnsignedByte();
        d.readUnsignedByte(); // RSV
        if (version != VERSION) throw new IOException("SOCKS5 request with version " + version);
        Address target;
        try {
            target = Address.read(d);
        } catch (PongException e) {
            reply(out, REPLY_ADDRESS_TYPE_NOT_SUPPORTED);
            return;
        }
        if (cmd != CMD_CONNECT) {
            reply(out, REPLY_COMMAND_NOT_SUPPORTED);
            return;
        }
        Stream stream;
        try {
            stream = connector.open(FrameType.CONNECT, target);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "SOCKS5 CONNECT {0} failed: {1}", target, e.getMessage());
            reply(out, REPLY_GENERAL_FAILURE);
            return;
        }
        if (confirm != null && !confirmed(stream, out, target)) return;
        reply(out, REPLY_SUCCEEDED);
        app.setSoTimeout(0);
        Relay.run(stream, app, in);
    }

    /**
     * socks.confirm: waits for remote's verdict so the app gets the real reply code. A peer without our
     * extensions cannot confirm: then the answer stays optimistic.
     */
    private boolean confirmed(Stream stream, OutputStream out, Address target) throws IOException {
        try {
            if (!stream.tunnel().awaitPeerSettings(SETTINGS_WAIT_MILLIS)) return true;
            if (stream.awaitConnected(confirm.toMillis() + SETTINGS_WAIT_MILLIS)) return true;
            stream.reset(pong.protocol.ErrorCode.ERR_DIAL_TIMEOUT, "no connect result in time");
            reply(out, pong.protocol.ErrorCode.ERR_DIAL_TIMEOUT.socksReply());
            return false;
        } catch (PongException e) {
            LOG.log(Level.DEBUG, "SOCKS5 CONNECT {0}: {1}", target, e.getMessage());
            reply(out, e.code().socksReply());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    static void reply(OutputStream out, int code) throws IOException {
        // BND.ADDR/BND.PORT: 0.0.0.0:0, the bound address is remote's and not known here.
        out.write(new byte[] {VERSION, (byte) code, 0, Address.ATYP_IPV4, 0, 0, 0, 0, 0, 0});
        out.flush();
    }

    private static boolean contains(byte[] methods, int method) {
        for (byte m : methods) if ((m & 0xff) == method) return true;
        return false;
    }

}
