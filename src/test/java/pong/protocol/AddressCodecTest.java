package pong.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** SOCKS5 addresses as carried by connect frames (RFC 1928 section 5). */
class AddressCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ipv4IsAtyp1() throws Exception {
        assertArrayEquals(HEX.parseHex("01c0000201" + "0050"), new Address("192.0.2.1", 80).encode());
        assertEquals(new Address("192.0.2.1", 80), Address.decode(HEX.parseHex("01c00002010050")));
    }

    @Test
    void ipv6IsAtyp4() throws Exception {
        byte[] wire = HEX.parseHex("04" + "20010db8000000000000000000000001" + "01bb");
        assertArrayEquals(wire, new Address("2001:db8::1", 443).encode());
        Address back = Address.decode(wire);
        assertEquals(443, back.port());
        assertArrayEquals(HEX.parseHex("20010db8000000000000000000000001"), Address.ipLiteral(back.host()));
    }

    @Test
    void namesAreAtyp3AndStayUnresolved() throws Exception {
        byte[] wire = HEX.parseHex("03" + "0b" + HEX.formatHex("example.org".getBytes()) + "1f90");
        assertArrayEquals(wire, new Address("example.org", 8080).encode());
        assertEquals(new Address("example.org", 8080), Address.decode(wire));
    }

    @Test
    void unknownAddressTypeMapsToCode8() {
        PongException e = assertThrows(PongException.class, () -> Address.decode(HEX.parseHex("027f0000010050")));
        assertEquals(ErrorCode.ERR_ADDR_TYPE, e.code());
    }

    @Test
    void truncatedOrEmptyAddressesMapToCode8() {
        for (String wire : new String[] {"", "017f00", "017f000001", "0300", "0305616263"}) {
            PongException e = assertThrows(PongException.class, () -> Address.decode(HEX.parseHex(wire)), wire);
            assertEquals(ErrorCode.ERR_ADDR_TYPE, e.code(), wire);
        }
    }
}
