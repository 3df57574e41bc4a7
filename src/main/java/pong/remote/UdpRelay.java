package pong.remote;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.PongException;
import pong.tunnel.Stream;

/**
 * Remote's half of a relay stream (docs/extensions.md, "UDP relay"): one UDP socket, connected to the
 * destination, so only the destination's datagrams come back. Every data frame from local is sent as
 * one datagram, every datagram received goes back as one data frame; one that does not fit in a frame
 * is dropped and counted. The stream's end (finish, close, rst, tunnel lost) closes the socket; so
 * does udp.idle.timeout without a datagram either way (the stream gets rst 6, as for stream.idle.timeout).
 *
 * <p>Threading: {@link #run} on the stream's virtual thread (local to destination); one more virtual
 * thread receives from the destination and watches the idle timeout.
 */
final class UdpRelay {
    private static final System.Logger LOG = System.getLogger(UdpRelay.class.getName());
    private static final int MAX_DATAGRAM = 65535;

    /** The longest the receiving thread sleeps between checks of the idle timeout. */
    private static final long MAX_IDLE_TICK_MILLIS = 1000;

    private final Stream stream;
    private final DatagramSocket socket;
    private final AtomicLong dropped;
    private final Duration idleTimeout;
    private volatile long lastDatagram = System.nanoTime();

    private UdpRelay(Stream stream, DatagramSocket socket, AtomicLong dropped, Duration idleTimeout) {
        this.stream = stream;
        this.socket = socket;
        this.dropped = dropped;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Resolves and checks the destination like a TCP dial and opens the relay's socket; null when
     * that failed (the stream is reset then).
     *
     * @param idleTimeout udp.idle.timeout: the relay is reset (rst 6) after this long without a datagram either way
     */
    static UdpRelay open(Stream stream, Address target, Dialer dialer, AtomicLong dropped, Duration idleTimeout) {
        DatagramSocket socket;
        try {
            InetAddress ip = dialer.resolve(target).get(0);
            socket = new DatagramSocket();
            socket.connect(new InetSocketAddress(ip, target.port()));
        } catch (PongException e) {
            LOG.log(Level.DEBUG, "{0} relay {1}: {2}", stream, target, e.getMessage());
            stream.reset(e.code(), e.getMessage());
            return null;
        } catch (SocketException e) {
            stream.reset(ErrorCode.ERR_NET, "UDP socket for " + target + ": " + e.getMessage());
            return null;
        }
        return new UdpRelay(stream, socket, dropped, idleTimeout);
    }

    /** Relays until the stream ends or stays idle for the idle timeout. */
    void relay() {
        stream.onReset(socket::close);
        Thread down = Thread.ofVirtual().name(stream + " udp down").start(this::destinationToStream);
        try {
            byte[] datagram;
            while ((datagram = stream.take()) != null) {
                lastDatagram = System.nanoTime();
                try {
                    socket.send(new DatagramPacket(datagram, datagram.length));
                } catch (PortUnreachableException e) {
                    // an ICMP answer to an earlier datagram: UDP gives no delivery promise, keep going
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "{0}: UDP send failed: {1}", stream, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.TRACE, "{0}: relay ended: {1}", stream, e.getMessage());
        } finally {
            socket.close();
        }
        try {
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            stream.finish();
        } catch (IOException ignored) {
            // reset or gone: nothing left to end
        }
    }

    private void destinationToStream() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        long idle = idleTimeout.toNanos();
        while (!socket.isClosed()) {
            packet.setLength(buf.length);
            try {
                long left = lastDatagram + idle - System.nanoTime();
                if (left <= 0) {
                    stream.reset(ErrorCode.ERR_TTL_EXPIRED, "no datagram either way for " + idleTimeout.toMillis() + " ms (udp.idle.timeout)");
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(MAX_IDLE_TICK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1)));
                socket.receive(packet);
            } catch (PortUnreachableException | SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed when the stream ended
            }
            lastDatagram = System.nanoTime();
            int n = packet.getLength();
            try {
                if (!stream.writeDatagram(Arrays.copyOf(buf, n))) {
                    dropped.incrementAndGet();
                    LOG.log(Level.DEBUG, "{0}: datagram of {1} bytes dropped (larger than a data frame or the stream''s credit)", stream, n);
                }
            } catch (IOException e) {
                return;
            }
        }
    }
}
