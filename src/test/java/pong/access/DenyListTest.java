package pong.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
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
