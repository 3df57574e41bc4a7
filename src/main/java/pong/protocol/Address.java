package pong.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * A SOCKS5 address (RFC 1928 section 5), as carried by connect and relay frames and by SOCKS requests.
 * The host is an IP literal for ATYP 1 and 4, a name for ATYP 3; names stay unresolved.
 */
public record Address(String host, int port) {
    public static final int ATYP_IPV4 = 1;
    public static final int ATYP_DOMAIN = 3;
    public static final int ATYP_IPV6 = 4;

    public Address {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        if (host.isEmpty() || host.length() > 255) throw new IllegalArgumentException("host length " + host.length());
    }

    /** Reads ATYP, address and port from a stream (a SOCKS request or a frame payload). */
    public static Address read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int atyp = d.read();
        if (atyp < 0) throw new EOFException("address missing");
        String host;
        switch (atyp) {
            case ATYP_IPV4 -> {
                byte[] ip = new byte[4];
                d.readFully(ip);
                host = (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
            }
            case ATYP_IPV6 -> {
                byte[] ip = new byte[16];
                d.readFully(ip);
                host = InetAddress.getByAddress(ip).getHostAddress();
            }
            case ATYP_DOMAIN -> {
                int len = d.readUnsignedByte();
                if (len == 0) throw new PongException(ErrorCode.ERR_ADDR_TYPE, "empty domain name");
                byte[] name = new byte[len];
                d.readFully(name);
                host = new String(name, StandardCharsets.ISO_8859_1);
            }
            default -> throw new PongException(ErrorCode.ERR_ADDR_TYPE, "address type " + atyp + " not supported");
        }
        return new Address(host, d.readUnsignedShort());
    }

    public static Address decode(byte[] payload) throws IOException {
        try {
            return read(new ByteArrayInputStream(payload));
        } catch (EOFException e) {
            throw new PongException(ErrorCode.ERR_ADDR_TYPE, "truncated address");
        }
    }

    public byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(host.length() + 4);
        byte[] ip = ipv4(host);
        if (ip != null) {
            b.write(ATYP_IPV4);
            b.writeBytes(ip);
        } else if ((ip = ipv6(host)) != null) {
            b.write(ATYP_IPV6);
            b.writeBytes(ip);
        } else {
            byte[] name = host.getBytes(StandardCharsets.ISO_8859_1);
            b.write(ATYP_DOMAIN);
            b.write(name.length);
            b.writeBytes(name);
        }
        b.write(port >>> 8);
        b.write(port);
        return b.toByteArray();
    }


    /** The bytes of an IPv4 or IPv6 literal (4 or 16), or null for anything else; never looks a name up. */
    public static byte[] ipLiteral(String s) {
        byte[] ip = ipv4(s);
        if (ip != null) return ip;
        if (s.indexOf(':') < 0) return null;
        try {
            return InetAddress.getByName(s.startsWith("[") ? s : "[" + s + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The four bytes of a dotted-quad literal, or null if the host is not one. */
    static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) return null;
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            ip[i] = (byte) v;
        }
        return ip;
    }

    /** The sixteen bytes of an IPv6 literal, or null if the host is not one. */
    static byte[] ipv6(String s) {
        if (s.indexOf(':') < 0) return null;
        try {
            // A literal containing ':' is parsed, never looked up.
            byte[] ip = InetAddress.getByName(s.startsWith("[") ? s : "[" + s + "]").getAddress();
            if (ip.length == 16) return ip;
            byte[] mapped = new byte[16];
            mapped[10] = mapped[11] = (byte) 0xff;
            System.arraycopy(ip, 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
