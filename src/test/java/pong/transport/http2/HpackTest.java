package pong.transport.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7541 Appendix C, byte for byte, and the section 5.2 rules on Huffman padding. */
class HpackTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static List<HeaderField> fields(String... nv) {
        List<HeaderField> l = new ArrayList<>();
        for (int i = 0; i < nv.length; i += 2) l.add(new HeaderField(nv[i], nv[i + 1]));
        return l;
    }

    @Test
    void literalFieldsOfAppendixC2DecodeWithTheirTableEffects() throws Exception {
        HpackDecoder d = new HpackDecoder(4096, 65536);
        assertEquals(fields("custom-key", "custom-header"), d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertEquals(55, d.tableSize());
        d = new HpackDecoder(4096, 65536);
        assertEquals(fields(":path", "/sample/path"), d.decode(hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertEquals(0, d.tableSize());
        assertEquals(fields("password", "secret"), d.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertEquals(0, d.tableSize());
        assertEquals(fields(":method", "GET"), d.decode(hex("82")));
    }

    @Test
    void requestsOfAppendixC3AndC4DecodeOnOneConnection() throws Exception {
        String[][] blocks = {
            {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
             "8286 84be 5808 6e6f 2d63 6163 6865",
             "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"},
            {"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
             "8286 84be 5886 a8eb 1064 9cbf",
             "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"}};
        for (String[] b : blocks) {
            HpackDecoder d = new HpackDecoder(4096, 65536);
            assertEquals(fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"), d.decode(hex(b[0])));
            assertEquals(57, d.tableSize());
            assertEquals(fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                    "cache-control", "no-cache"), d.decode(hex(b[1])));
            assertEquals(110, d.tableSize());
            assertEquals(fields(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com",
                    "custom-key", "custom-value"), d.decode(hex(b[2])));
            assertEquals(164, d.tableSize());
            assertEquals(3, d.tableEntries());
        }
    }

    @Test
    void responsesOfAppendixC5AndC6EvictThroughA256OctetTable() throws Exception {
        String[][] blocks = {
            {"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
             "4803 3330 37c1 c0bf",
             "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"},
            {"4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
             "4883 640e ffc1 c0bf",
             "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"}};
        for (String[] b : blocks) {
            HpackDecoder d = new HpackDecoder(256, 65536);
            assertEquals(fields(":status", "302", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"), d.decode(hex(b[0])));
            assertEquals(222, d.tableSize());
            assertEquals(fields(":status", "307", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"), d.decode(hex(b[1])));
            assertEquals(222, d.tableSize());
            assertEquals(fields(":status", "200", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:22 GMT",
                    "location", "https://www.example.com", "content-encoding", "gzip",
                    "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), d.decode(hex(b[2])));
            assertEquals(215, d.tableSize());
            assertEquals(3, d.tableEntries());
        }
    }

    @Test
    void huffmanEncodingMatchesTheStringsOfAppendixC4() {
        String[][] cases = {{"www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"}, {"no-cache", "a8eb 1064 9cbf"},
            {"custom-key", "25a8 49e9 5ba9 7d7f"}, {"custom-value", "25a8 49e9 5bb8 e8b4 bf"}, {"302", "6402"},
            {"private", "aec3 771a 4b"}};
        for (String[] c : cases) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Huffman.encode(c[0], out);
            assertArrayEquals(hex(c[1]), out.toByteArray(), c[0]);
            assertEquals(hex(c[1]).length, Huffman.encodedLength(c[0]));
        }
    }

    @Test
    void encoderWritesAppendixC22LiteralsAndStaticIndexesByteExact() throws Exception {
        HpackEncoder plain = new HpackEncoder(false);
        assertArrayEquals(hex("040c 2f73 616d 706c 652f 7061 7468"), plain.encode(fields(":path", "/sample/path")));
        assertArrayEquals(hex("8286 84"), plain.encode(fields(":method", "GET", ":scheme", "http", ":path", "/")));
        // literal without indexing, new name (section 6.2.2 with index 0)
        assertArrayEquals(hex("000a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"),
                plain.encode(fields("custom-key", "custom-header")));
        HpackEncoder huff = new HpackEncoder(true);
        assertArrayEquals(hex("018c f1e3 c2e5 f23a 6ba0 ab90 f4ff"), huff.encode(fields(":authority", "www.example.com")));
    }

    @Test
    void encodedBlocksDecodeBackWithEveryOctetValue() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 256; i++) all.append((char) i);
        List<HeaderField> in = fields(":status", "200", "x-all", all.toString(), "content-type", "application/grpc",
                "long", "v".repeat(5000), "", "");
        for (boolean h : new boolean[] {false, true}) {
            assertEquals(in, new HpackDecoder(4096, 1 << 20).decode(new HpackEncoder(h).encode(in)));
        }
    }

    @Test
    void huffmanPaddingOtherThanEosPrefixOrLongerThanSevenBitsIsACompressionError() {
        // "a" is 00011: padded with 1s it is 0x1f; with 0s 0x18; 0x1f 0xff is 11 bits of padding
        assertThrows(Http2Exception.class, () -> Huffman.decode(hex("18"), 0, 1));
        assertThrows(Http2Exception.class, () -> Huffman.decode(hex("1fff"), 0, 2));
        assertThrows(Http2Exception.class, () -> Huffman.decode(hex("ffff ffff"), 0, 4)); // holds EOS
    }

    @Test
    void tableSizeUpdatesAreHonouredAndCheckedAgainstOurLimit() throws Exception {
        HpackDecoder d = new HpackDecoder(4096, 65536);
        d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(55, d.tableSize());
        d.decode(hex("20")); // size update to 0 empties the table
        assertEquals(0, d.tableSize());
        assertThrows(Http2Exception.class, () -> d.decode(hex("3fe2 1f"))); // 4097 > 4096
        HpackDecoder e = new HpackDecoder(4096, 65536);
        assertThrows(Http2Exception.class, () -> e.decode(hex("82 20"))); // update after a field
    }

    @Test
    void aListOverTheLimitIsAStreamErrorThatKeepsTheTableInStep() throws Exception {
        HpackDecoder d = new HpackDecoder(4096, 60);
        Http2Exception e = assertThrows(HpackDecoder.HeaderListTooLarge.class,
                () -> d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 82")));
        assertEquals(Http2Error.PROTOCOL_ERROR, e.error());
        assertEquals(55, d.tableSize());
        assertEquals(fields("custom-key", "custom-header"), d.decode(hex("be")));
    }

    @Test
    void badIndexesAndCutStringsAreCompressionErrors() {
        for (String bad : new String[] {"80", "c0", "bf", "ff80808080808080", "400a63", "0f", "41", "4185"}) {
            Http2Exception e = assertThrows(Http2Exception.class, () -> new HpackDecoder(4096, 65536).decode(hex(bad)), bad);
            assertEquals(Http2Error.COMPRESSION_ERROR, e.error(), bad);
        }
    }
}
