package pong.access;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import pong.protocol.Address;

/**
 * What remote refuses to dial (dst.deny): address ranges (CIDR), the word {@code private}, and
 * {@code :PORT}. {@code private} is every range of the IANA IPv4 and IPv6 special-purpose address
 * registries, multicast, and every address of this host's own interfaces (read again every
 * {@link #INTERFACES_REREAD}: the JDK has no notice of addresses coming and going). Checked against
 * every address a name resolves to, so a public name pointing at 127.0.0.1 is refused too, and
 * against the IPv4 address an IPv6 one carries (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64,
 * 6to4, Teredo, ISATAP), since a gateway would deliver it there.
 *
 * <p>Threading: any thread. The ranges are immutable; the interface addresses are a volatile snapshot
 * that one caller at a time replaces once it is older than {@link #INTERFACES_REREAD}.
 */
public final class DenyList {
    static final Duration INTERFACES_REREAD = Duration.ofMinutes(1);

    /**
     * IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its updates), every entry, whether marked
     * globally reachable or not (a proxy has no business with any of them), plus multicast.
     */
    static final List<String> PRIVATE_V4 = List.of(
            "0.0.0.0/8", // "this network"
            "10.0.0.0/8", // private use
            "100.64.0.0/10", // shared address space (CGNAT)
            "127.0.0.0/8", // loopback
            "169.254.0.0/16", // link local
            "172.16.0.0/12", // private use
            "192.0.0.0/24", // IETF protocol assignments (DS-Lite, NAT64 discovery, PCP/TURN anycast, ...)
            "192.0.2.0/24", // documentation TEST-NET-1
            "192.31.196.0/24", // AS112-v4
            "192.52.193.0/24", // AMT
            "192.88.99.0/24", // deprecated 6to4 relay anycast
            "192.168.0.0/16", // private use
            "192.175.48.0/24", // direct delegation AS112 service
            "198.18.0.0/15", // benchmarking
            "198.51.100.0/24", // documentation TEST-NET-2
            "203.0.113.0/24", // documentation TEST-NET-3
            "224.0.0.0/4", // multicast
            "240.0.0.0/4", // reserved
            "255.255.255.255/32"); // limited broadcast

    /**
     * IANA IPv6 Special-Purpose Address Registry, plus deprecated site-local and multicast. The entries
     * that carry an IPv4 address and reach it through a translator or relay (IPv4-mapped ::ffff:0:0/96,
     * IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16) are not
     * listed: they are judged by the IPv4 address inside (see {@link #embeddedIpv4}), so 64:ff9b::8.8.8.8
     * stays allowed while 64:ff9b::10.0.0.1 is not.
     */
    static final List<String> PRIVATE_V6 = List.of(
            "::/128", // unspecified
            "::1/128", // loopback
            "::/96", // IPv4-compatible (deprecated; no translator serves it)
            "100::/64", // discard-only
            "100:0:0:1::/64", // dummy IPv6 prefix
            "2001::/23", // IETF protocol assignments: Teredo 2001::/32, benchmarking, AMT, AS112, ORCHID, drone ids
            "2001:db8::/32", // documentation
            "2620:4f:8000::/48", // direct delegation AS112 service
            "3fff::/20", // documentation
            "5f00::/16", // segment routing (SRv6) SIDs
            "fc00::/7", // unique local
            "fe80::/10", // link-local unicast
            "fec0::/10", // site-local (deprecated)
            "ff00::/8"); // multicast

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
    /** This host's own addresses (hex of their bytes), when the list says private; null otherwise. */
    private final Supplier<List<InetAddress>> interfaces;
    private final LongSupplier clock;
    private final AtomicBoolean rereading = new AtomicBoolean();
    private volatile Set<String> own = Set.of();
    private volatile long ownReadAt;

    private DenyList(List<Cidr> ranges, Set<Integer> ports, String text, Supplier<List<InetAddress>> interfaces, LongSupplier clock) {
        this.ranges = ranges;
        this.ports = ports;
        this.text = text;
        this.interfaces = interfaces;
        this.clock = clock;
        if (interfaces != null) reread(clock.getAsLong());
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static DenyList parse(String value) {
        return parse(value, DenyList::interfaceAddresses, System::nanoTime);
    }

    /** With the host's addresses and the clock given (tests). */
    static DenyList parse(String value, Supplier<List<InetAddress>> interfaces, LongSupplier clock) {
        List<Cidr> ranges = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        boolean ownAddresses = false;
        for (String raw : value.split(",")) {
            String e = raw.trim();
            if (e.isEmpty()) continue;
            if (e.equals("private")) {
                ownAddresses = true;
                for (String p : PRIVATE_V4) ranges.add(cidr(p));
                for (String p : PRIVATE_V6) ranges.add(cidr(p));
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
        return new DenyList(List.copyOf(ranges), Set.copyOf(ports), value, ownAddresses ? interfaces : null, clock);
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
     * True when the address, or an IPv4 address an IPv6 one carries, falls in a denied range or (with
     * private) is one of this host's own.
     */
    public boolean denies(InetAddress address) {
        byte[] ip = address.getAddress();
        if (matches(ip)) return true;
        for (byte[] inner : embeddedIpv4(ip)) if (matches(inner)) return true;
        return false;
    }

    private boolean matches(byte[] ip) {
        for (Cidr c : ranges) if (c.contains(ip)) return true;
        return interfaces != null && ownAddresses().contains(HexFormat.of().formatHex(ip));
    }

    private Set<String> ownAddresses() {
        long now = clock.getAsLong();
        if (now - ownReadAt >= INTERFACES_REREAD.toNanos() && rereading.compareAndSet(false, true)) {
            try {
                reread(now);
            } finally {
                rereading.set(false);
            }
        }
        return own;
    }

    private void reread(long now) {
        Set<String> hex = new HashSet<>();
        for (InetAddress a : interfaces.get()) hex.add(HexFormat.of().formatHex(a.getAddress()));
        own = Set.copyOf(hex);
        ownReadAt = now;
    }

    /** Every address of every interface, up or down (one may come up between two reads). */
    static List<InetAddress> interfaceAddresses() {
        List<InetAddress> all = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(Collections.list(ni.getInetAddresses()));
            }
        } catch (SocketException e) {
            System.getLogger(DenyList.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot list this host''s interface addresses: {0}", e.getMessage());
        }
        return all;
    }

    /**
     * The IPv4 addresses an IPv6 address carries where a gateway or tunnel would deliver to them:
     * IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, NAT64
     * (64:ff9b::/96 and the local-use 64:ff9b:1::/48, address in the last 32 bits), 6to4 2002:AABB:CCDD::,
     * Teredo 2001:0:SSSS:SSSS:...:CCCC:CCCC (server, and client stored inverted), and ISATAP interface
     * identifiers ...:0:5efe:a.b.c.d / ...:200:5efe:a.b.c.d.
     */
    static List<byte[]> embeddedIpv4(byte[] ip) {
        if (ip.length != 16) return List.of();
        List<byte[]> out = new ArrayList<>(2);
        byte[] last = Arrays.copyOfRange(ip, 12, 16);
        if (zeros(ip, 0, 10) && ((ip[10] == 0 && ip[11] == 0) || (ip[10] == (byte) 0xff && ip[11] == (byte) 0xff))) {
            out.add(last); // ::a.b.c.d, ::ffff:a.b.c.d
        } else if (zeros(ip, 0, 8) && ip[8] == (byte) 0xff && ip[9] == (byte) 0xff && zeros(ip, 10, 12)) {
            out.add(last); // ::ffff:0:a.b.c.d
        } else if (startsWith(ip, 0x00, 0x64, 0xff, 0x9b) && (zeros(ip, 4, 12) || (ip[4] == 0 && ip[5] == 1))) {
            out.add(last); // NAT64, well-known and local-use
        } else if (startsWith(ip, 0x20, 0x02)) {
            out.add(Arrays.copyOfRange(ip, 2, 6)); // 6to4
        } else if (startsWith(ip, 0x20, 0x01, 0x00, 0x00)) {
            out.add(Arrays.copyOfRange(ip, 4, 8)); // Teredo server
            byte[] client = last.clone();
            for (int i = 0; i < 4; i++) client[i] ^= (byte) 0xff;
            out.add(client);
        }
        if ((ip[8] & 0xfd) == 0 && ip[9] == 0 && ip[10] == 0x5e && ip[11] == (byte) 0xfe) out.add(last); // ISATAP
        return out;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xff) != prefix[i]) return false;
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
