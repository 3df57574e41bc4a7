package pong.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import pong.observe.Front;
import pong.observe.StreamWatch;
import pong.observe.TunnelInfo;
import pong.protocol.Address;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.tunnel.Stream;

/**
 * One SOCKS5 UDP ASSOCIATE: a UDP socket for the app, and one relay stream per destination the app
 * sends to, opened on the first datagram (docs/extensions.md, "UDP relay"). Each datagram travels as
 * exactly one data frame; datagrams that do not fit in one frame are dropped and counted. A flow ends
 * after the idle timeout without datagrams either way; everything ends when the app closes the TCP
 * control connection (RFC 1928 section 7).
 *
 * <p>Threading: the control connection's thread waits for its end; one virtual thread receives the
 * app's datagrams and writes them to the streams; one per flow sends the stream's datagrams to the
 * app; one sweeps idle flows.
 */
final class UdpAssociation {
    private static final System.Logger LOG = System.getLogger(UdpAssociation.class.getName());
    /** RSV(2) FRAG(1) before the address in every SOCKS5 UDP datagram. */
    private static final int HEADER_PREFIX = 3;
    private static final int MAX_DATAGRAM = 65535;
    private static final Duration MAX_SWEEP_TICK = Duration.ofSeconds(1);

    /**
     * @param maxRelays udp.max.relays: relay streams (destinations) one association may have open at once; a datagram
     *                  to one more destination is dropped, so one app cannot use up the shared tunnel's stream cap
     * @param dropped   counts datagrams dropped (too large for one frame, fragmented, malformed, no stream, over the cap)
     */
    record Settings(Duration idleTimeout, int maxRelays, AtomicLong dropped) {
    }

    private final DatagramSocket udp;
    private final InetAddress clientIp;
    private final StreamOpener connector;
    private final Settings settings;
    private final Map<Address, Flow> flows = new ConcurrentHashMap<>();
    private volatile SocketAddress client;
    /** The app's control connection, which names the app in the access log. */
    private final SocketAddress clientTcp;
    private volatile boolean closed;

    private UdpAssociation(DatagramSocket udp, InetAddress clientIp, SocketAddress client, SocketAddress clientTcp, StreamOpener connector,
                           Settings settings) {
        this.udp = udp;
        this.clientTcp = clientTcp;
        this.clientIp = clientIp;
        this.client = client;
        this.connector = connector;
        this.settings = settings;
    }

    /**
     * Answers a UDP ASSOCIATE and serves it until the control connection ends.
     *
     * @param requested where the app says it will send from; 0.0.0.0:0 (or any zero port) when it does not know
     */
    static void serve(Socket control, HandshakeInput in, Address requested, StreamOpener connector, Settings settings) throws IOException {
        OutputStream out = control.getOutputStream();
        DatagramSocket udp;
        try {
            // On the address the app reached us at: it can reach that one, and nobody else needs to.
            udp = new DatagramSocket(new InetSocketAddress(control.getLocalAddress(), 0));
        } catch (SocketException e) {
            LOG.log(Level.WARNING, "UDP ASSOCIATE: cannot open a UDP socket: {0}", e.getMessage());
            Socks5Front.reply(out, Socks5Front.REPLY_GENERAL_FAILURE);
            return;
        }
        InetAddress clientIp = control.getInetAddress();
        SocketAddress client = requested.port() != 0 ? new InetSocketAddress(clientIp, requested.port()) : null;
        UdpAssociation association = new UdpAssociation(udp, clientIp, client, control.getRemoteSocketAddress(), connector, settings);
        try {
            Socks5Front.reply(out, Socks5Front.REPLY_SUCCEEDED,
                    new Address(udp.getLocalAddress().getHostAddress(), udp.getLocalPort()).encode());
            association.start();
            in.finished();
            // The association lives as long as its control connection; anything the app sends on it is ignored.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UDP ASSOCIATE control connection ended: {0}", e.getMessage());
        } finally {
            association.close();
        }
    }

    private void start() {
        Thread.ofVirtual().name("udp associate " + udp.getLocalPort() + " receive").start(this::receiveLoop);
        Thread.ofVirtual().name("udp associate " + udp.getLocalPort() + " idle").start(this::sweepLoop);
    }

    private void close() {
        closed = true;
        udp.close();
        for (Flow f : flows.values()) f.close();
    }

    private void receiveLoop() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            packet.setLength(buf.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) LOG.log(Level.INFO, "UDP ASSOCIATE socket failed: {0}", e.getMessage());
                close();
                return;
            }
            if (!fromClient(packet.getSocketAddress())) {
                drop("datagram from {0}, not from the associated app", packet.getSocketAddress());
                continue;
            }
            int len = packet.getLength();
            if (len < HEADER_PREFIX + 1 || buf[0] != 0 || buf[1] != 0 || buf[2] != 0) {
                // FRAG != 0: RFC 1928 lets a server that does not reassemble drop fragments
                drop("malformed or fragmented SOCKS5 UDP header ({0} bytes)", len);
                continue;
            }
            ByteArrayInputStream header = new ByteArrayInputStream(buf, HEADER_PREFIX, len - HEADER_PREFIX);
            Address destination;
            try {
                destination = Address.read(header);
            } catch (IOException e) {
                drop("bad destination address: {0}", e.getMessage());
                continue;
            }
            byte[] datagram = Arrays.copyOfRange(buf, len - header.available(), len);
            Flow flow = flow(destination);
            if (flow != null) flow.send(datagram);
        }
    }

    /** Only the app that holds the control connection may use the association; its first datagram fixes its port. */
    private boolean fromClient(SocketAddress from) {
        if (client != null) return client.equals(from);
        if (!((InetSocketAddress) from).getAddress().equals(clientIp)) return false;
        client = from;
        return true;
    }

    private Flow flow(Address destination) {
        Flow flow = flows.get(destination);
        if (flow != null) return flow;
        if (flows.size() >= settings.maxRelays()) {
            drop("udp.max.relays reached: no relay stream to {0} until another one ends", destination);
            return null;
        }
        Stream stream;
        try {
            stream = connector.open(FrameType.RELAY, destination, Front.UDP, TunnelInfo.address(clientTcp));
        } catch (IOException e) {
            drop("cannot open a relay stream to {0}: " + e.getMessage(), destination);
            return null;
        }
        flow = new Flow(destination, stream);
        flows.put(destination, flow);
        Thread.ofVirtual().name("udp " + stream + " " + destination).start(flow::receiveLoop);
        if (closed) flow.close();
        return flow;
    }

    private void sweepLoop() {
        long idle = settings.idleTimeout().toNanos();
        Duration tick = settings.idleTimeout().dividedBy(4);
        if (tick.compareTo(MAX_SWEEP_TICK) > 0) tick = MAX_SWEEP_TICK;
        while (!closed) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Flow f : flows.values()) {
                if (now - f.lastActive > idle) {
                    LOG.log(Level.DEBUG, "UDP flow to {0} idle, closing {1}", f.destination, f.stream);
                    f.close();
                }
            }
        }
    }

    private void drop(String why, Object arg) {
        settings.dropped().incrementAndGet();
        LOG.log(Level.DEBUG, "UDP datagram dropped: " + why, arg);
    }

    /** One destination of this association and the relay stream that carries its datagrams. */
    private final class Flow {
        final Address destination;
        final Stream stream;
        final byte[] replyHeader;
        volatile long lastActive = System.nanoTime();
        /** Datagram bytes each way, for the stream's end report. */
        private final LongAdder up = new LongAdder();
        private final LongAdder down = new LongAdder();

        Flow(Address destination, Stream stream) {
            this.destination = destination;
            this.stream = stream;
            byte[] addr = destination.encode();
            this.replyHeader = new byte[HEADER_PREFIX + addr.length];
            System.arraycopy(addr, 0, replyHeader, HEADER_PREFIX, addr.length);
        }

        /** One datagram towards the destination: one data frame, never split. */
        void send(byte[] datagram) {
            lastActive = System.nanoTime();
            try {
                if (stream.writeDatagram(datagram)) up.add(datagram.length);
                else drop("{0} bytes do not fit in one data frame or the stream''s credit", datagram.length);
            } catch (IOException e) {
                drop("relay stream gone: {0}", e.getMessage());
                flows.remove(destination, this);
            }
        }

        /** Each data frame from remote is one datagram from the destination. */
        void receiveLoop() {
            try {
                byte[] datagram;
                while ((datagram = stream.take()) != null) {
                    lastActive = System.nanoTime();
                    down.add(datagram.length);
                    SocketAddress to = client;
                    if (to == null || closed) continue;
                    byte[] packet = new byte[replyHeader.length + datagram.length];
                    System.arraycopy(replyHeader, 0, packet, 0, replyHeader.length);
                    System.arraycopy(datagram, 0, packet, replyHeader.length, datagram.length);
                    try {
                        udp.send(new DatagramPacket(packet, packet.length, to));
                    } catch (IOException e) {
                        LOG.log(Level.TRACE, "UDP datagram to the app lost: {0}", e.getMessage());
                    }
                }
                finishQuietly();
            } catch (PongException e) {
                LOG.log(Level.DEBUG, "UDP flow to {0} reset: {1}", destination, e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "UDP flow to {0} ended: {1}", destination, e.getMessage());
            } finally {
                flows.remove(destination, this);
                StreamWatch w = stream.watch();
                if (w != null) w.ended(stream.resetCode(), up.sum(), down.sum(), clientTcp);
            }
        }

        /** Ends our direction; remote closes its socket and closes the stream, which ends {@link #receiveLoop}. */
        void close() {
            flows.remove(destination, this);
            finishQuietly();
        }

        private void finishQuietly() {
            try {
                stream.finish();
            } catch (IOException e) {
                stream.reset(pong.protocol.ErrorCode.ERR, "UDP flow closed");
            }
        }
    }
}
