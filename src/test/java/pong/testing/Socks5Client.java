package pong.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import pong.protocol.Address;

/** A minimal SOCKS5 client for tests (no auth or username/password; CONNECT and UDP ASSOCIATE), written from RFC 1928/1929. */
public final class Socks5Client {
    public static final int METHOD_NO_AUTH = 0;
    public static final int METHOD_USER_PASSWORD = 2;
    public static final int CMD_CONNECT = 1;
    public static final int CMD_BIND = 2;
    public static final int CMD_UDP_ASSOCIATE = 3;

    /** A SOCKS5 reply: REP and the bound address. */
    public record Reply(int code, Address bound) {
    }

    private Socks5Client() {
    }

    /** Connects through the proxy; fails unless the reply is 0 (succeeded). */
    public static Socket connect(int proxyPort, String host, int port) throws IOException {
        return connect(proxyPort, host, port, null, null);
    }

    /** Connects through the proxy, logging in first when a user is given; fails unless every step succeeds. */
    public static Socket connect(int proxyPort, String host, int port, String user, String password) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        try {
            open(s, user, password);
            int reply = request(s, CMD_CONNECT, new Address(host, port)).code();
            if (reply != 0) throw new IOException("SOCKS5 reply " + reply);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends bytes to an echo origin through the proxy, half-closes, and returns everything that came back. */
    public static byte[] echo(int proxyPort, int echoPort, byte[] data) throws IOException {
        try (Socket s = connect(proxyPort, "127.0.0.1", echoPort)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    /** Fetches n bytes of seeded data from a {@code Origin.download()} through the proxy; returns their SHA-256. */
    public static byte[] download(int proxyPort, int downloadPort, long n, long seed) throws IOException {
        try (Socket s = connect(proxyPort, "127.0.0.1", downloadPort)) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(n);
            out.writeLong(seed);
            out.flush();
            return TestData.sha256(s.getInputStream());
        }
    }

    /** Sends greeting and CONNECT on an open socket and returns the reply code (REP). */
    public static int handshake(Socket s, String host, int port) throws IOException {
        if (greet(s, METHOD_NO_AUTH) != METHOD_NO_AUTH) throw new IOException("SOCKS5 method refused");
        return request(s, CMD_CONNECT, new Address(host, port)).code();
    }

    /** Greets (with username/password when a user is given) and logs in; fails if either is refused. */
    public static void open(Socket s, String user, String password) throws IOException {
        int method = user == null ? METHOD_NO_AUTH : METHOD_USER_PASSWORD;
        int chosen = greet(s, method);
        if (chosen != method) throw new IOException("SOCKS5 method refused: " + chosen);
        if (user != null && login(s, user, password) != 0) throw new IOException("SOCKS5 login refused");
    }

    /** Offers one method; returns the method the proxy chose (0xff: none acceptable). */
    public static int greet(Socket s, int method) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {5, 1, (byte) method});
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        if (in.readUnsignedByte() != 5) throw new IOException("not a SOCKS5 answer");
        return in.readUnsignedByte();
    }

    /** RFC 1929 subnegotiation; returns its status (0 success). */
    public static int login(Socket s, String user, String password) throws IOException {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[3 + u.length + p.length];
        msg[0] = 1;
        msg[1] = (byte) u.length;
        System.arraycopy(u, 0, msg, 2, u.length);
        msg[2 + u.length] = (byte) p.length;
        System.arraycopy(p, 0, msg, 3 + u.length, p.length);
        s.getOutputStream().write(msg);
        s.getOutputStream().flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readUnsignedByte();
        return in.readUnsignedByte();
    }

    /** Sends a request and reads the reply. */
    public static Reply request(Socket s, int cmd, Address address) throws IOException {
        byte[] addr = address.encode();
        byte[] req = new byte[3 + addr.length];
        req[0] = 5;
        req[1] = (byte) cmd;
        System.arraycopy(addr, 0, req, 3, addr.length);
        s.getOutputStream().write(req);
        s.getOutputStream().flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readUnsignedByte();
        int rep = in.readUnsignedByte();
        in.readUnsignedByte();
        return new Reply(rep, Address.read(in));
    }

    /** A UDP ASSOCIATE: the control connection and the app's UDP socket. Closing it closes both. */
    public static final class Udp implements AutoCloseable {
        /** One datagram as the proxy delivered it: who it is from (per the SOCKS header) and its data. */
        public record Datagram(Address from, byte[] data) {
        }

        public final Socket control;
        public final DatagramSocket socket;
        private final InetSocketAddress relay;

        private Udp(Socket control, DatagramSocket socket, InetSocketAddress relay) {
            this.control = control;
            this.socket = socket;
            this.relay = relay;
        }

        public static Udp associate(int proxyPort) throws IOException {
            Socket control = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                open(control, null, null);
                Reply r = request(control, CMD_UDP_ASSOCIATE, new Address("127.0.0.1", socket.getLocalPort()));
                if (r.code() != 0) throw new IOException("UDP ASSOCIATE reply " + r.code());
                return new Udp(control, socket, new InetSocketAddress(r.bound().host(), r.bound().port()));
            } catch (IOException e) {
                control.close();
                socket.close();
                throw e;
            }
        }

        public void send(Address to, byte[] data) throws IOException {
            byte[] addr = to.encode();
            byte[] p = new byte[3 + addr.length + data.length];
            System.arraycopy(addr, 0, p, 3, addr.length);
            System.arraycopy(data, 0, p, 3 + addr.length, data.length);
            socket.send(new DatagramPacket(p, p.length, relay));
        }

        /** The next datagram, or null if none comes within the timeout. */
        public Datagram receive(int timeoutMillis) throws IOException {
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout(timeoutMillis);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            ByteArrayInputStream in = new ByteArrayInputStream(buf, 3, p.getLength() - 3);
            Address from = Address.read(in);
            return new Datagram(from, Arrays.copyOfRange(buf, p.getLength() - in.available(), p.getLength()));
        }

        @Override
        public void close() throws IOException {
            socket.close();
            control.close();
        }
    }
}
