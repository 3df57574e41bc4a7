package pong.transport.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated header blocks: the decoder either decodes or throws {@link Http2Exception}, never
 * anything else, and its table and lists stay within their limits. Seeded: a failure names its input.
 */
class HpackFuzzTest {
    private static final int TABLE = 512;
    private static final int LIST = 2048;
    private static final String[] SEEDS = {
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
        "3fe1 1f 1008 7061 7373 776f 7264 0673 6563 7265 74",
    };

    @Test
    void randomAndMutatedBlocksDecodeOrFailWithACompressionErrorOnly() {
        SplittableRandom r = new SplittableRandom(0x5eed);
        List<byte[]> seeds = new ArrayList<>();
        for (String s : SEEDS) seeds.add(HexFormat.of().parseHex(s.replace(" ", "")));
        int decoded = 0;
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            // one decoder per sequence of blocks, so table state carries from one block to the next
            HpackDecoder d = new HpackDecoder(TABLE, LIST);
            for (int k = 0; k < 4; k++) {
                byte[] block = input(r, seeds);
                try {
                    List<HeaderField> fields = d.decode(block);
                    long size = 0;
                    for (HeaderField f : fields) size += f.size();
                    if (size > LIST) fail("list of " + size);
                    decoded++;
                } catch (Http2Exception e) {
                    errors++;
                } catch (RuntimeException e) {
                    fail("input " + i + "/" + k + " " + HexFormat.of().formatHex(block) + " threw " + e, e);
                }
                if (d.tableSize() > TABLE) fail("table of " + d.tableSize());
            }
        }
        assertTrue(decoded > 1_000 && errors > 1_000, decoded + " decoded, " + errors + " errors: the inputs miss one side");
    }

    @Test
    void huffmanRoundTripsRandomOctetStrings() throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            char[] c = new char[r.nextInt(0, 40)];
            for (int k = 0; k < c.length; k++) c[k] = (char) (r.nextBoolean() ? r.nextInt(256) : r.nextInt('a', 'z' + 1));
            String s = new String(c);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Huffman.encode(s, out);
            byte[] b = out.toByteArray();
            assertEquals(s, Huffman.decode(b, 0, b.length));
        }
    }

    private static byte[] input(SplittableRandom r, List<byte[]> seeds) {
        switch (r.nextInt(3)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(0, 64)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> {
                byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
                for (int n = r.nextInt(1, 4); n > 0; n--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return r.nextInt(4) == 0 ? Arrays.copyOf(b, r.nextInt(b.length)) : b;
            }
            default -> {
                // valid blocks of random literals, some with incremental indexing, so eviction gets exercised
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int n = r.nextInt(1, 6); n > 0; n--) {
                    HpackEncoder.integer(out, 0x40, 6, 0);
                    int nl = r.nextInt(1, 20);
                    int vl = r.nextInt(0, 300);
                    HpackEncoder.integer(out, 0, 7, nl);
                    for (int k = 0; k < nl; k++) out.write('a' + r.nextInt(26));
                    HpackEncoder.integer(out, 0, 7, vl);
                    for (int k = 0; k < vl; k++) out.write(r.nextInt(256));
                    if (r.nextBoolean()) out.write(0x80 | r.nextInt(62, 70));
                }
                return out.toByteArray();
            }
        }
    }
}
