package pong.access;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import pong.protocol.Address;

/**
 * What remote refuses to dial (dst.deny): address ranges (CIDR), the word {@code private} for every
 * non-public range, and {@code :PORT}. Checked against every address a name resolves to, so a public
 * name pointing at 127.0.0.1 is refused too. Immutable; any thread.
 */
public final class DenyList {
    /** Loopback, RFC 1918, link-local, unique-local, CGNAT, unspecified, multicast and broadcast, IPv4 and IPv6. */
    static final List<String> PRIVATE = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
            "::/128", "::1/128", "fe80::/10", "fc00::/7", "ff00::/8");

    private record Cidr(byte[] network, int bits) {
        boolean contains(byte[] ip) {
            if (ip.length != network.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (ip[i] != network[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> ranges;
    private final Set<Integer> ports;
    private final String text;

    private DenyList(List<Cidr> ranges, Set<Integer> ports, String text) {
        this.ranges = ranges;
        this.ports = ports;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static DenyList parse(String value) {
        List<Cidr> ranges = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (String raw : value.split(",")) {
            String e = raw.trim();
            if (e.isEmpty()) continue;
            if (e.equals("private")) {
                for (String p : PRIVATE) ranges.add(cidr(p));
            } else if (e.startsWith(":") && !e.startsWith("::")) { // "::/0" is an IPv6 range, not a port
                int port;
                try {
                    port = Integer.parseInt(e.substring(1));
                } catch (NumberFormatException x) {
                    port = -1;
                }
                if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port in '" + e + "'");
                ports.add(port);
            } else {
                ranges.add(cidr(e));
            }
        }
        return new DenyList(List.copyOf(ranges), Set.copyOf(ports), value);
    }

    private static Cidr cidr(String e) {
        int slash = e.indexOf('/');
        String host = slash < 0 ? e : e.substring(0, slash);
        byte[] ip = Address.ipLiteral(host);
        if (ip == null) throw new IllegalArgumentException("'" + e + "' is not an address range (CIDR like 10.0.0.0/8), 'private' or ':PORT'");
        int bits = ip.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException x) {
                bits = -1;
            }
            if (bits < 0 || bits > ip.length * 8) throw new IllegalArgumentException("bad prefix length in '" + e + "'");
        }
        return new Cidr(ip, bits);
    }

    public boolean deniesPort(int port) {
        return ports.contains(port);
    }

    /**
     * True when the address, or the IPv4 address an IPv6 one carries (IPv4-mapped ::ffff:a.b.c.d, NAT64
     * 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::), falls in a denied range: a gateway would deliver those
     * to the IPv4 address inside.
     */
    public boolean denies(InetAddress address) {
        byte[] ip = address.getAddress();
        if (matches(ip)) return true;
        byte[] inner = embeddedIpv4(ip);
        return inner != null && matches(inner);
    }

    private boolean matches(byte[] ip) {
        for (Cidr c : ranges) if (c.contains(ip)) return true;
        return false;
    }

    private static byte[] embeddedIpv4(byte[] ip) {
        if (ip.length != 16) return null;
        if (isV4Mapped(ip) || isNat64(ip)) return java.util.Arrays.copyOfRange(ip, 12, 16);
        if (ip[0] == 0x20 && ip[1] == 0x02) return java.util.Arrays.copyOfRange(ip, 2, 6); // 6to4, 2002::/16
        return null;
    }

    /** The well-known NAT64 prefix 64:ff9b::/96 (RFC 6052). */
    private static boolean isNat64(byte[] ip) {
        if (ip[0] != 0 || ip[1] != 0x64 || ip[2] != (byte) 0xff || ip[3] != (byte) 0x9b) return false;
        for (int i = 4; i < 12; i++) if (ip[i] != 0) return false;
        return true;
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) if (ip[i] != 0) return false;
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return text;
    }
}
