package pong.transport.http2;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * HPACK encoder that never touches the dynamic table (RFC 7541): a field equal to a static entry is sent
 * indexed, any other as a literal without indexing (with the static name index where there is one), strings
 * Huffman-coded when that is shorter. Having no table state, it needs no table size updates, whatever
 * SETTINGS_HEADER_TABLE_SIZE the peer announces, and blocks may be encoded in any order.
 *
 * <p>Threading: stateless; any thread.
 */
public final class HpackEncoder {
    private final boolean huffman;

    public HpackEncoder(boolean huffman) {
        this.huffman = huffman;
    }

    public byte[] encode(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (HeaderField f : fields) {
            int index = HpackStaticTable.indexOf(f);
            if (index != 0) {
                integer(out, 0x80, 7, index);
                continue;
            }
            int nameIndex = HpackStaticTable.indexOfName(f.name());
            integer(out, 0x00, 4, nameIndex);
            if (nameIndex == 0) string(out, f.name());
            string(out, f.value());
        }
        return out.toByteArray();
    }

    private void string(ByteArrayOutputStream out, String s) {
        int coded = huffman ? Huffman.encodedLength(s) : Integer.MAX_VALUE;
        if (coded < s.length()) {
            integer(out, 0x80, 7, coded);
            Huffman.encode(s, out);
        } else {
            integer(out, 0x00, 7, s.length());
            for (int i = 0; i < s.length(); i++) out.write(s.charAt(i));
        }
    }

    /** RFC 7541 section 5.1: value in a prefix of n bits, the high bits of the first octet taken from flags. */
    static void integer(ByteArrayOutputStream out, int flags, int n, int value) {
        int max = (1 << n) - 1;
        if (value < max) {
            out.write(flags | value);
            return;
        }
        out.write(flags | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
