package pong.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import pong.config.LocalConfig;
import pong.local.LocalServer;
import pong.protocol.Address;
import pong.protocol.ConnectionHeader;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Conduit;
import pong.transport.Endpoint;
import pong.tunnel.Relay;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;

/**
 * The one place where {@code check} uses the transport and tunnel APIs: it connects to remote as local
 * would (same TLS choices, same connection header), watches how remote answers, and carries a test
 * connection through the tunnel as a loopback socket. Threading: one caller; {@link #connectThrough}
 * starts a virtual thread per test connection that ends with it.
 */
final class TunnelProbe implements AutoCloseable {
    /** How long a remote gets to announce our extensions after the header (a plain-spec remote never does). */
    static final Duration ANNOUNCEMENT_WAIT = Duration.ofSeconds(2);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** What remote did after the connection header. */
    enum Answer { ANNOUNCED, CLOSED, SILENT, NOT_ASKED }

    private final LocalConfig config;
    private final Conduit conduit;
    private Tunnel tunnel;

    private TunnelProbe(LocalConfig config, Conduit conduit) {
        this.config = config;
        this.conduit = conduit;
    }

    /** Connects to one endpoint of remote= as local does (TLS handshake included for tls://); nothing is sent yet. */
    static TunnelProbe connect(LocalConfig c, Endpoint remote) throws IOException, GeneralSecurityException {
        return new TunnelProbe(c, remote.transport().connect(remote, LocalServer.clientOptions(c, remote), c.connectTimeout()));
    }

    /** The address the connection reached. */
    String peerAddress() {
        return conduit.peer().getAddress().getHostAddress();
    }

    /** "TLSv1.3 TLS_AES_128_GCM_SHA256", or null for a plain transport. */
    String tlsSession() {
        return conduit.security();
    }

    /** Sends the connection header (and our announcement) and waits for remote's answer. */
    Answer sendHeader() throws IOException, InterruptedException {
        // connect confirmations on: a refused test connection then reports remote's rst code
        tunnel = new Tunnel(conduit, Tunnel.Side.LOCAL, config.tunnel().withConnectConfirm(true),
                ConnectionHeader.of(config.clientId()).encode(), null).start(t -> { });
        if (!config.tunnel().extensions()) return Answer.NOT_ASKED;
        long deadline = System.nanoTime() + ANNOUNCEMENT_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (tunnel.awaitPeerSettings(20)) return Answer.ANNOUNCED;
            if (tunnel.isClosed()) return Answer.CLOSED;
        }
        return tunnel.isClosed() ? Answer.CLOSED : Answer.SILENT;
    }

    boolean isClosed() {
        return tunnel == null || tunnel.isClosed();
    }

    /** A ping round trip in nanoseconds, or -1 when no pong came within the timeout. */
    long ping(Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        return tunnel.ping(timeout.toMillis()) ? System.nanoTime() - start : -1;
    }

    /**
     * Opens a stream to host:port through the tunnel and returns a loopback socket joined to it; waits
     * for remote's connect result when remote confirms connects.
     *
     * @throws PongException with remote's rst code when the destination could not be reached
     */
    Socket connectThrough(String host, int port, Duration timeout) throws IOException {
        Stream stream = tunnel.open(FrameType.CONNECT, new Address(host, port));
        if (tunnel.peerHasExtensions() && !stream.awaitConnected(timeout.toMillis())) {
            stream.reset(ErrorCode.ERR_DIAL_TIMEOUT, "no answer from remote");
            throw new IOException("remote did not report the connection to " + host + ":" + port + " within " + timeout.toMillis() + " ms");
        }
        try (ServerSocket pair = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket();
            client.connect(pair.getLocalSocketAddress(), (int) timeout.toMillis());
            Socket joined = pair.accept();
            InputStream in = joined.getInputStream();
            Thread.ofVirtual().name("check " + stream).start(() -> Relay.run(stream, joined, in));
            return client;
        } catch (IOException e) {
            stream.reset(ErrorCode.ERR, "check could not join the stream");
            throw e;
        }
    }

    /** Lets a finished test connection end on both sides first (bounded), so remote logs no streams cut. */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (tunnel != null && tunnel.streamCount() > 0 && System.nanoTime() - deadline < 0) Thread.sleep(10);
        // gracefully: the test stream's last frames may still be queued in the writer (local forgets a
        // stream once its close is queued), and a plain close would drop them
        if (tunnel != null) tunnel.closeGracefully("check is done");
        else conduit.close();
    }
}
