package pong.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import pong.config.RemoteConfig;

/** dst.deny matching: CIDRs, the word private, ports, and IPv4 addresses seen through IPv6. */
class DenyListTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
    }

    /** An IPv6 address object holding exactly these 16 bytes (getByName would turn a v4-mapped literal into IPv4). */
    private static InetAddress v6(String hex) throws Exception {
        return Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex), -1);
    }

    @Test
    void defaultRefusesEveryPrivateRangeAndPort25() throws Exception {
        DenyList d = DenyList.parse(RemoteConfig.DEFAULT_DENY);
        for (String s : new String[] {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.10.10", "100.64.0.1", "100.127.255.255", "0.0.0.0", "224.0.0.251",
                "239.1.1.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1"}) {
            assertTrue(d.denies(ip(s)), s);
        }
        assertTrue(d.deniesPort(25));
        assertFalse(d.deniesPort(80));
    }

    @Test
    void defaultAllowsPublicAddresses() throws Exception {
        DenyList d = DenyList.parse(RemoteConfig.DEFAULT_DENY);
        for (String s : new String[] {"8.8.8.8", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0",
                "192.169.0.1", "11.0.0.1", "2001:4860:4860::8888", "2606:4700::1111"}) {
            assertFalse(d.denies(ip(s)), s);
        }
    }

    @Test
    void ipv4MappedIpv6IsJudgedAsTheIpv4AddressItCarries() throws Exception {
        DenyList d = DenyList.parse("private");
        assertTrue(d.denies(v6("00000000000000000000ffff7f000001")), "::ffff:127.0.0.1");
        assertTrue(d.denies(v6("00000000000000000000ffffc0a80001")), "::ffff:192.168.0.1");
        assertFalse(d.denies(v6("00000000000000000000ffff08080808")), "::ffff:8.8.8.8");
        assertTrue(DenyList.parse("8.8.8.0/24").denies(v6("00000000000000000000ffff08080808")));
    }

    @Test
    void nat64And6to4AddressesAreJudgedByTheIpv4AddressTheyCarry() throws Exception {
        DenyList d = DenyList.parse("private");
        assertTrue(d.denies(v6("0064ff9b00000000000000007f000001")), "64:ff9b::127.0.0.1");
        assertTrue(d.denies(v6("0064ff9b00000000000000000a000001")), "64:ff9b::10.0.0.1");
        assertFalse(d.denies(v6("0064ff9b000000000000000008080808")), "64:ff9b::8.8.8.8");
        assertTrue(d.denies(v6("2002c0a8000100000000000000000001")), "2002:c0a8:0001:: (6to4 of 192.168.0.1)");
        assertFalse(d.denies(v6("20020808080800000000000000000001")), "2002:0808:0808:: (6to4 of 8.8.8.8)");
    }

    @Test
    void privateCoversTheIanaSpecialPurposeRegistries() throws Exception {
        DenyList d = DenyList.parse("private", List::of, System::nanoTime);
        for (String s : new String[] {"192.0.0.1", "192.0.0.8", "192.0.0.170", "192.0.2.1", "192.31.196.1", "192.52.193.1",
                "192.88.99.1", "192.175.48.1", "198.18.0.1", "198.19.255.255", "198.51.100.1", "203.0.113.1", "240.0.0.1",
                "250.1.2.3", "255.255.255.254", "::7f00:1", "100::1", "100:0:0:1::1", "2001::1", "2001:2::1", "2001:10::1",
                "2001:1ff::1", "2001:db8::1", "3fff::1", "5f00::1", "2620:4f:8000::1", "fec0::1", "ff0e::1"}) {
            assertTrue(d.denies(ip(s)), s);
        }
        for (String s : new String[] {"192.0.1.1", "198.17.255.255", "198.20.0.0", "2001:200::1",
                "2620:4f:8001::1", "4000::1", "64:ff9b::808:808", "64:ff9b:1::808:808"}) {
            assertFalse(d.denies(ip(s)), s);
        }
    }

    @Test
    void everyIpv6FormThatCarriesAnIpv4AddressIsJudgedByIt() throws Exception {
        DenyList d = DenyList.parse("10.0.0.0/8");
        String[] carryTen = {
            "0000000000000000000000000a000001", // ::10.0.0.1 (IPv4-compatible)
            "00000000000000000000ffff0a000001", // ::ffff:10.0.0.1 (IPv4-mapped)
            "0000000000000000ffff00000a000001", // ::ffff:0:10.0.0.1 (IPv4-translated)
            "0064ff9b0000000000000000" + "0a000001", // 64:ff9b::10.0.0.1 (NAT64)
            "0064ff9b0001000000000000" + "0a000001", // 64:ff9b:1::10.0.0.1 (local-use NAT64)
            "20020a00000100000000000000000001", // 6to4 of 10.0.0.1
            "200100000a0000010000000008080808", // Teredo with server 10.0.0.1
            "200100000808080800000000f5fffffe", // Teredo with client 10.0.0.1 (stored inverted)
            "2a000001000000000000" + "5efe" + "0a000001", // ISATAP interface id 0:5efe:10.0.0.1
            "2a000001000000000200" + "5efe" + "0a000001", // ISATAP interface id 200:5efe:10.0.0.1
        };
        for (String hex : carryTen) assertTrue(d.denies(v6(hex)), hex);
        assertFalse(d.denies(v6("0064ff9b000100000000000008080808")), "64:ff9b:1::8.8.8.8");
        assertFalse(d.denies(v6("20010000080808080000000008080808")), "Teredo of 8.8.8.8 and 247.247.247.247");
    }

    @Test
    void privateCoversEveryAddressOfTheHostsOwnInterfacesReadAgainEveryMinute() throws Exception {
        List<InetAddress> own = new CopyOnWriteArrayList<>(List.of(ip("8.8.4.4"), ip("2a00:1450::5")));
        AtomicLong now = new AtomicLong();
        DenyList d = DenyList.parse("private", () -> own, now::get);
        assertTrue(d.denies(ip("8.8.4.4")), "an own public IPv4 address");
        assertTrue(d.denies(ip("2a00:1450::5")), "an own public IPv6 address");
        assertTrue(d.denies(v6("00000000000000000000ffff08080404")), "the own address IPv4-mapped");
        assertFalse(d.denies(ip("8.8.8.8")));
        assertFalse(DenyList.parse("10.0.0.0/8", () -> own, now::get).denies(ip("8.8.4.4")), "only with private");
        own.add(ip("8.8.8.8")); // an address comes up
        assertFalse(d.denies(ip("8.8.8.8")), "read again only after a minute");
        now.set(DenyList.INTERFACES_REREAD.toNanos());
        assertTrue(d.denies(ip("8.8.8.8")), "read again after a minute");
    }

    @Test
    void privateCoversTheAddressesOfThisMachinesInterfaces() throws Exception {
        DenyList d = DenyList.parse("private");
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) assertTrue(d.denies(a), ni.getName() + " " + a);
        }
    }

    @Test
    void cidrPrefixesMatchBitExact() throws Exception {
        DenyList d = DenyList.parse("203.0.113.0/25, 2001:db8::/33, 198.51.100.7");
        assertTrue(d.denies(ip("203.0.113.0")));
        assertTrue(d.denies(ip("203.0.113.127")));
        assertFalse(d.denies(ip("203.0.113.128")));
        assertTrue(d.denies(ip("2001:db8:7fff::1")));
        assertFalse(d.denies(ip("2001:db8:8000::1")));
        assertTrue(d.denies(ip("198.51.100.7")));
        assertFalse(d.denies(ip("198.51.100.8")));
        assertFalse(d.denies(ip("127.0.0.1")), "only what is listed");
    }

    @Test
    void emptyListAllowsEverything() throws Exception {
        DenyList d = DenyList.parse("");
        assertFalse(d.denies(ip("127.0.0.1")));
        assertFalse(d.denies(ip("::1")));
        assertFalse(d.deniesPort(25));
    }

    @Test
    void portEntriesDenyOnlyThatPort() {
        DenyList d = DenyList.parse(":25,:465");
        assertTrue(d.deniesPort(25));
        assertTrue(d.deniesPort(465));
        assertFalse(d.deniesPort(587));
    }

    @Test
    void badEntriesAreRejectedWithTheEntryNamed() {
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "::/129", "10.0.0.0/x", ":0", ":70000", ":abc", "privat"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenyList.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad.replaceFirst("^:", ":").trim()), e.getMessage());
        }
    }
}
