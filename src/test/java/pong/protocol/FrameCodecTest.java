package pong.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import pong.testing.TestData;

/** The frame codec against the spec's layout and the wire bytes recorded from pong-go in NOTES.md. */
class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", "").replace("|", ""));
    }

    private static Frame decode(byte[] wire) throws IOException {
        return new FrameReader(new ByteArrayInputStream(wire)).read();
    }

    @Test
    void connectFrameMatchesTheBytesPongGoSends() throws IOException {
        byte[] wire = hex("000e 00000001 01 | 01 7f000001 4650");
        Frame f = new Frame(1, FrameType.CONNECT, new Address("127.0.0.1", 18000).encode());
        assertArrayEquals(wire, FrameWriter.encode(f));
        Frame back = decode(wire);
        assertEquals(1, back.streamId());
        assertEquals(FrameType.CONNECT, back.frameType());
        assertEquals(new Address("127.0.0.1", 18000), Address.decode(back.payload()));
    }

    @Test
    void secondConnectOnTheSameConnectionUsesTheNextOddId() {
        assertArrayEquals(hex("000e 00000003 01 | 01 7f000001 4650"),
                FrameWriter.encode(new Frame(3, FrameType.CONNECT, new Address("127.0.0.1", 18000).encode())));
    }

    @Test
    void closeAndRstMatchTheBytesPongGoSends() {
        assertArrayEquals(hex("0007 00000001 08"), FrameWriter.encode(new Frame(1, FrameType.CLOSE)));
        assertArrayEquals(hex("0008 00000001 09 05"), FrameWriter.encode(Frame.rst(1, ErrorCode.ERR_DST_REFUSE, null)));
    }

    @Test
    void fullSizePongGoDataFrameHasLength1fa7() throws IOException {
        byte[] payload = TestData.bytes(1, 8096);
        byte[] wire = FrameWriter.encode(new Frame(1, FrameType.DATA, payload));
        assertArrayEquals(hex("1fa7 00000001 00"), Arrays.copyOf(wire, 7));
        assertArrayEquals(payload, decode(wire).payload());
    }

    @Test
    void dataFrameOfAnHttpGetCarries86Bytes() throws IOException {
        byte[] get = new byte[86];
        System.arraycopy("GET /".getBytes(StandardCharsets.US_ASCII), 0, get, 0, 5);
        byte[] wire = FrameWriter.encode(new Frame(1, FrameType.DATA, get));
        assertArrayEquals(hex("005d 00000001 00 474554202f"), Arrays.copyOf(wire, 12));
    }

    @Test
    void connectionHeaderIsVersionZeroThenTheUuidBigEndian() throws IOException {
        UUID id = UUID.fromString("6f1c3a52-4c1d-4e43-9a36-2d9b0a1f5e77");
        byte[] wire = hex("00 6f1c3a524c1d4e439a362d9b0a1f5e77");
        assertArrayEquals(wire, ConnectionHeader.of(id).encode());
        assertEquals(new ConnectionHeader(0, id), ConnectionHeader.read(new ByteArrayInputStream(wire)));
    }

    @Test
    void framesRoundTripAtTheLengthBounds() throws IOException {
        for (int n : new int[] {0, 1, 7, 8096, Frame.MAX_PAYLOAD}) {
            byte[] payload = TestData.bytes(n, n);
            Frame back = decode(FrameWriter.encode(new Frame(0x7fffffff, FrameType.DATA, payload)));
            assertEquals(0x7fffffff, back.streamId());
            assertEquals(FrameType.DATA, back.frameType());
            assertArrayEquals(payload, back.payload());
        }
    }

    @Test
    void writerAndStaticEncodeProduceTheSameBytesBackToBack() throws IOException {
        Frame a = new Frame(5, FrameType.DATA, TestData.bytes(3, 300));
        Frame b = Frame.rst(5, ErrorCode.ERR_REPEAT_ID, "text");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        w.write(a);
        w.write(b);
        w.flush();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(FrameWriter.encode(a));
        expected.writeBytes(FrameWriter.encode(b));
        assertArrayEquals(expected.toByteArray(), out.toByteArray());
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(a.payload(), r.read().payload());
        Frame rst = r.read();
        assertEquals(ErrorCode.ERR_REPEAT_ID.code, rst.payload()[0]);
        assertNull(r.read(), "clean end between frames");
    }

    @Test
    void aFrameWrittenFromPartOfAnArrayAndReadHeaderFirstIsTheSameFrame() throws IOException {
        byte[] data = TestData.bytes(3, 5000);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(wire);
        w.write(9, FrameType.DATA.code, data, 100, 4000);
        w.write(new Frame(11, FrameType.FINISH));
        w.write(13, FrameType.DATA.code, data, 0, 7);
        assertArrayEquals(FrameWriter.encode(new Frame(9, FrameType.DATA, Arrays.copyOfRange(data, 100, 4100))),
                Arrays.copyOf(wire.toByteArray(), Frame.HEADER_LENGTH + 4000));

        FrameReader r = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        assertTrue(r.readHeader());
        assertEquals(9, r.streamId());
        assertEquals(FrameType.DATA.code, r.type());
        byte[] into = new byte[4096 + 10];
        r.readPayload(into, 10);
        assertArrayEquals(Arrays.copyOfRange(data, 100, 4100), Arrays.copyOfRange(into, 10, 4010));
        assertTrue(r.readHeader());
        assertEquals(0, r.payloadLength());
        r.skipPayload();
        assertTrue(r.readHeader());
        r.skipPayload(); // a frame nobody wants is passed over whole
        assertFalse(r.readHeader());
    }

    @Test
    void unknownTypeByteIsKeptRaw() throws IOException {
        Frame f = decode(hex("0007 00000009 7f"));
        assertNull(f.frameType());
        assertEquals(0x7f, f.type());
    }

    @Test
    void lengthBelowTheHeaderIsAProtocolError() {
        for (String len : new String[] {"0000", "0001", "0006"}) {
            assertThrows(ProtocolException.class, () -> decode(hex(len + "00000001 00")), len);
        }
    }

    @Test
    void lengthAboveTheLargestFrameIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> decode(hex("ffe4 00000001 00"))); // 65508: one past 7 + 65500
        assertThrows(ProtocolException.class, () -> decode(hex("ffff 00000001 00")));
    }

    @Test
    void connectionEndingInsideAFrameIsNotACleanEnd() {
        assertThrows(EOFException.class, () -> decode(hex("00")));
        assertThrows(EOFException.class, () -> decode(hex("000a 00000001 00 01")));
    }

    @Test
    void payloadAboveTheLimitCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, FrameType.DATA, new byte[Frame.MAX_PAYLOAD + 1]));
    }

    @Test
    void rstWithoutTextCarriesOnlyTheCodeByte() {
        assertArrayEquals(new byte[] {2}, Frame.rst(1, ErrorCode.ERR_RULE, null).payload());
        assertArrayEquals(new byte[] {2}, Frame.rst(1, ErrorCode.ERR_RULE, "").payload());
    }
}
