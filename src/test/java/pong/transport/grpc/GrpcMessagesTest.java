package pong.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The gRPC wire form of docs/extensions.md, byte for byte. */
class GrpcMessagesTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] written(int maxChunk, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new GrpcMessages.Writer(out, maxChunk).write(data);
        return out.toByteArray();
    }

    private static byte[] read(byte[] wire, int max) throws IOException {
        return new GrpcMessages.Reader(new ByteArrayInputStream(wire), max).readAllBytes();
    }

    @Test
    void aChunkIsPrefixFlagLengthTagVarintBytes() throws IOException {
        assertArrayEquals(hex("00 00000007 0a 05 68656c6c6f"), written(100, "hello".getBytes()));
        byte[] b200 = new byte[200];
        Arrays.fill(b200, (byte) 0x61);
        byte[] w = written(1000, b200);
        assertArrayEquals(hex("00 000000cb 0a c801"), Arrays.copyOf(w, 8));
        assertEquals(8 + 200, w.length);
        byte[] big = written(16_384, new byte[16_384]);
        assertArrayEquals(hex("00 00004004 0a 808001"), Arrays.copyOf(big, 9));
    }

    @Test
    void longWritesAreSplitIntoMessagesOfAtMostMaxChunk() throws IOException {
        byte[] w = written(3, "abcdefg".getBytes());
        assertArrayEquals(hex("00 00000005 0a 03 616263" + "00 00000005 0a 03 646566" + "00 00000003 0a 01 67"), w);
    }

    @Test
    void randomBytesSurviveTheRoundTripInAnyChunking() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 50; i++) {
            byte[] data = new byte[r.nextInt(0, 100_000)];
            r.nextBytes(data);
            assertArrayEquals(data, read(written(r.nextInt(1, 40_000), data), 1 << 20));
        }
    }

    @Test
    void unknownFieldsAreSkippedAndTheLastField1Counts() throws IOException {
        // field 2 varint 300, field 3 fixed32, field 4 fixed64, field 1 "x", field 5 bytes "zz", field 1 "ok"
        byte[] body = hex("10 ac02 1d 01020304 21 0102030405060708 0a 01 78 2a 02 7a7a 0a 02 6f6b");
        byte[] wire = new byte[5 + body.length];
        wire[4] = (byte) body.length;
        System.arraycopy(body, 0, wire, 5, body.length);
        assertArrayEquals("ok".getBytes(), read(wire, 1000));
        assertArrayEquals(new byte[0], read(hex("00 00000000" + "00 00000002 0a 00"), 1000)); // empty messages carry nothing
    }

    @Test
    void compressedOversizedAndMalformedMessagesAreErrors() {
        assertThrows(IOException.class, () -> read(hex("01 00000003 0a 01 78"), 1000)); // compressed
        assertThrows(IOException.class, () -> read(hex("00 000003e9"), 1000)); // 1001 > 1000
        assertThrows(IOException.class, () -> read(hex("00 00000003 0a 05 78"), 1000)); // field runs past
        assertThrows(IOException.class, () -> read(hex("00 00000002 0b 00"), 1000)); // wire type 3
        assertThrows(IOException.class, () -> read(hex("00 00000002 02 00"), 1000)); // field 0
        assertThrows(IOException.class, () -> read(hex("00 0000000b 0a ffffffffffffffffff01"), 1000)); // length 2^64-1
        assertThrows(EOFException.class, () -> read(hex("00 0000"), 1000));
        assertThrows(EOFException.class, () -> read(hex("00 00000007 0a 05 68"), 1000));
    }
}
