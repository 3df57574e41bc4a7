package pong.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Endpoint;
import pong.transport.Transport;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;
import pong.tunnel.TunnelSettings;

/**
 * Local's one tunnel to remote: opened on first need, opened again when lost. Every front-end opens
 * its streams here. Threading: any thread; connecting is serialized so that one tunnel carries all streams.
 */
public final class TunnelConnector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TunnelConnector.class.getName());

    private final Endpoint remote;
    private final Transport.ClientTls tls;
    private final byte[] header;
    private final java.time.Duration connectTimeout;
    private final ReentrantLock connectLock = new ReentrantLock();
    private volatile Tunnel current;
    private volatile boolean closed;
    private long tunnelsOpened;

    private final TunnelSettings settings;

    public TunnelConnector(Endpoint remote, Transport.ClientTls tls, java.util.UUID clientId, java.time.Duration connectTimeout,
                           TunnelSettings settings) {
        this.settings = settings;
        this.remote = remote;
        this.tls = tls;
        this.header = ConnectionHeader.of(clientId).encode();
        this.connectTimeout = connectTimeout;
    }

    /** Opens a stream over the current tunnel, connecting one first if there is none. */
    public Stream open(FrameType type, Address target) throws IOException {
        Tunnel t = current;
        if (t == null || !t.isUsable()) t = connect();
        try {
            return t.open(type, target);
        } catch (PongException e) {
            // the tunnel died between the check and the open: one fresh try
            return connect().open(type, target);
        }
    }

    /** The tunnel in use, or null. */
    public Tunnel current() {
        return current;
    }

    public long tunnelsOpened() {
        connectLock.lock();
        try {
            return tunnelsOpened;
        } finally {
            connectLock.unlock();
        }
    }

    private Tunnel connect() throws IOException {
        connectLock.lock();
        try {
            if (closed) throw new PongException(ErrorCode.ERR, "local is shutting down");
            Tunnel t = current;
            if (t != null && t.isUsable()) return t;
            Socket s;
            try {
                s = Transport.connect(remote, tls, connectTimeout);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot reach remote {0}: {1}", remote, e.getMessage());
                throw new PongException(ErrorCode.ERR, "remote " + remote + " unreachable: " + e.getMessage(), e);
            }
            t = new Tunnel(s, Tunnel.Side.LOCAL, settings, header, null);
            t.start(this::lost);
            current = t;
            tunnelsOpened++;
            LOG.log(Level.INFO, "tunnel to {0} open", remote);
            return t;
        } finally {
            connectLock.unlock();
        }
    }

    private void lost(Tunnel t) {
        if (current == t) current = null;
    }

    @Override
    public void close() {
        closed = true;
        Tunnel t = current;
        if (t != null) t.close();
    }
}
