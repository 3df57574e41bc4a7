package pong.remote;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.PongException;
import pong.tunnel.Stream;

/**
 * Remote's half of a relay stream (docs/extensions.md, "UDP relay"): one UDP socket, connected to the
 * destination, so only the destination's datagrams come back. Every data frame from local is sent as
 * one datagram, every datagram received goes back as one data frame; one that does not fit in a frame
 * is dropped and counted. The stream's end (finish, close, rst, tunnel lost) closes the socket.
 *
 * <p>Threading: {@link #run} on the stream's virtual thread (local to destination); one more virtual
 * thread receives from the destination.
 */
final class UdpRelay {
    private static final System.Logger LOG = System.getLogger(UdpRelay.class.getName());
    private static final int MAX_DATAGRAM = 65535;

    private final Stream stream;
    private final DatagramSocket socket;
    private final AtomicLong dropped;

    private UdpRelay(Stream stream, DatagramSocket socket, AtomicLong dropped) {
        this.stream = stream;
        this.socket = socket;
        this.dropped = dropped;
    }

    /** Resolves and checks the destination like a TCP dial, then relays until the stream ends. */
    static void run(Stream stream, Address target, Dialer dialer, AtomicLong dropped) {
        DatagramSocket socket;
        try {
            InetAddress ip = dialer.resolve(target).get(0);
            socket = new DatagramSocket();
            socket.connect(new InetSocketAddress(ip, target.port()));
        } catch (PongException e) {
            LOG.log(Level.DEBUG, "{0} relay {1}: {2}", stream, target, e.getMessage());
            stream.reset(e.code(), e.getMessage());
            return;
        } catch (SocketException e) {
            stream.reset(ErrorCode.ERR_NET, "UDP socket for " + target + ": " + e.getMessage());
            return;
        }
        new UdpRelay(stream, socket, dropped).relay();
    }

    private void relay() {
        stream.onReset(socket::close);
        Thread down = Thread.ofVirtual().name(stream + " udp down").start(this::destinationToStream);
        try {
            byte[] datagram;
            while ((datagram = stream.take()) != null) {
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
        while (!socket.isClosed()) {
            packet.setLength(buf.length);
            try {
                socket.receive(packet);
            } catch (PortUnreachableException e) {
                continue;
            } catch (IOException e) {
                return; // closed when the stream ended
            }
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
