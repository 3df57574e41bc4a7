package pong.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import pong.protocol.Address;

/** A minimal SOCKS5 client (no auth, CONNECT) for tests, written from RFC 1928. */
public final class Socks5Client {
    private Socks5Client() {
    }

    /** Connects through the proxy; fails unless the reply is 0 (succeeded). */
    public static Socket connect(int proxyPort, String host, int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        int reply = handshake(s, host, port);
        if (reply != 0) {
            s.close();
            throw new IOException("SOCKS5 reply " + reply);
        }
        return s;
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
            java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.writeLong(n);
            out.writeLong(seed);
            out.flush();
            return TestData.sha256(s.getInputStream());
        }
    }

    /** Sends greeting and CONNECT on an open socket and returns the reply code (REP). */
    public static int handshake(Socket s, String host, int port) throws IOException {
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        out.write(new byte[] {5, 1, 0});
        out.flush();
        if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 0) throw new IOException("SOCKS5 method refused");
        byte[] addr = new Address(host, port).encode();
        byte[] req = new byte[3 + addr.length];
        req[0] = 5;
        req[1] = 1;
        System.arraycopy(addr, 0, req, 3, addr.length);
        out.write(req);
        out.flush();
        in.readUnsignedByte();
        int rep = in.readUnsignedByte();
        in.readUnsignedByte();
        Address.read(in);
        return rep;
    }
}
