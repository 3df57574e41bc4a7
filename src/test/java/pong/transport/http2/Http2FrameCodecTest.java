package pong.transport.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame reader and writer against RFC 9113 section 4 and 6, byte for byte. */
class Http2FrameCodecTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Http2FrameWriter w = new Http2FrameWriter(buf);

    private Http2FrameReader reader() {
        return new Http2FrameReader(new ByteArrayInputStream(buf.toByteArray()), 16_384, 65_536);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void everyFrameTypeIsWrittenByteExact() throws IOException {
        w.data(1, new byte[] {1, 2, 3}, 0, 3, true);
        w.rstStream(3, Http2Error.CANCEL);
        w.settings(List.of(new Http2Frame.Setting(Http2Frame.Setting.INITIAL_WINDOW_SIZE, 0x7fffffffL)));
        w.settingsAck();
        w.ping(true, 0x0102030405060708L);
        w.goAway(5, Http2Error.ENHANCE_YOUR_CALM, new byte[] {'x'});
        w.windowUpdate(0, 0x10000);
        w.headers(7, new byte[] {(byte) 0x82}, false, 16_384);
        assertArrayEquals(hex("000003 00 01 00000001 010203"
                + "000004 03 00 00000003 00000008"
                + "000006 04 00 00000000 0004 7fffffff"
                + "000000 04 01 00000000"
                + "000008 06 01 00000000 0102030405060708"
                + "000009 07 00 00000000 00000005 0000000b 78"
                + "000004 08 00 00000000 00010000"
                + "000001 01 04 00000007 82"), buf.toByteArray());
    }

    @Test
    void everyFrameTypeReadsBackAsWritten() throws IOException {
        w.data(1, new byte[] {1, 2, 3}, 0, 3, true);
        w.rstStream(3, Http2Error.CANCEL);
        w.settings(List.of(new Http2Frame.Setting(Http2Frame.Setting.MAX_FRAME_SIZE, 20_000)));
        w.settingsAck();
        w.ping(false, -2);
        w.goAway(5, Http2Error.NO_ERROR, new byte[0]);
        w.windowUpdate(9, 77);
        w.frame(Http2Frame.TYPE_PRIORITY, 0, 11, new byte[5], 0, 5);
        w.frame(0xfa, 0xff, 13, new byte[3], 0, 3);
        Http2FrameReader r = reader();
        Http2Frame.Data d = assertInstanceOf(Http2Frame.Data.class, r.read());
        assertArrayEquals(new byte[] {1, 2, 3}, d.data());
        assertTrue(d.endStream());
        assertEquals(new Http2Frame.RstStream(3, Http2Error.CANCEL), r.read());
        assertEquals(List.of(new Http2Frame.Setting(5, 20_000)), assertInstanceOf(Http2Frame.Settings.class, r.read()).values());
        assertTrue(assertInstanceOf(Http2Frame.Settings.class, r.read()).ack());
        assertEquals(new Http2Frame.Ping(false, -2), r.read());
        assertEquals(5, assertInstanceOf(Http2Frame.GoAway.class, r.read()).lastStream());
        assertEquals(new Http2Frame.WindowUpdate(9, 77), r.read());
        assertEquals(new Http2Frame.Priority(11), r.read());
        assertEquals(new Http2Frame.Unknown(13, 0xfa), r.read());
        assertNull(r.read());
    }

    @Test
    void paddingIsStrippedButCountedForFlowControl() throws IOException {
        // DATA, PADDED, pad length 4: "hi" + 4 zero bytes
        buf.writeBytes(hex("000007 00 09 00000001 04 6869 00000000"));
        Http2Frame.Data d = assertInstanceOf(Http2Frame.Data.class, reader().read());
        assertArrayEquals("hi".getBytes(), d.data());
        assertEquals(7, d.flowLength());
        assertTrue(d.endStream());
    }

    @Test
    void headersWithPaddingPriorityAndContinuationsJoinIntoOneBlock() throws IOException {
        // HEADERS PADDED|PRIORITY (no END_HEADERS): pad 2, 5 priority bytes, fragment 82 86, padding
        buf.writeBytes(hex("00000a 01 29 00000003 02 80000001 10 8286 0000"));
        buf.writeBytes(hex("000001 09 00 00000003 84"));
        buf.writeBytes(hex("000001 09 04 00000003 41"));
        Http2Frame.Headers h = assertInstanceOf(Http2Frame.Headers.class, reader().read());
        assertArrayEquals(hex("82868441"), h.block());
        assertTrue(h.endStream());
        assertEquals(3, h.stream());
    }

    @Test
    void aHeaderBlockInterruptedByAnotherFrameIsAProtocolError() throws IOException {
        buf.writeBytes(hex("000001 01 00 00000003 82"));
        w.ping(false, 1);
        assertEquals(Http2Error.PROTOCOL_ERROR, assertThrows(Http2Exception.class, () -> reader().read()).error());
    }

    @Test
    void continuationWithoutEndIsCutAfterTheCountLimit() throws IOException {
        buf.writeBytes(hex("000001 01 00 00000003 82"));
        for (int i = 0; i < Http2FrameReader.MAX_CONTINUATIONS + 1; i++) buf.writeBytes(hex("000000 09 00 00000003"));
        assertEquals(Http2Error.ENHANCE_YOUR_CALM, assertThrows(Http2Exception.class, () -> reader().read()).error());
    }

    @Test
    void continuationPastTheBlockLimitIsCutBeforeItIsRead() throws IOException {
        buf.writeBytes(hex("000001 01 00 00000003 82"));
        byte[] big = new byte[16_384];
        for (int i = 0; i < 5; i++) w.frame(Http2Frame.TYPE_CONTINUATION, 0, 3, big, 0, big.length);
        assertEquals(Http2Error.ENHANCE_YOUR_CALM, assertThrows(Http2Exception.class, () -> reader().read()).error());
    }

    @Test
    void aFrameOverTheMaximumSizeIsRejectedBeforeItsPayload() throws IOException {
        buf.writeBytes(hex("ffffff 00 00 00000001"));
        assertEquals(Http2Error.FRAME_SIZE_ERROR, assertThrows(Http2Exception.class, () -> reader().read()).error());
    }

    @Test
    void writerSplitsALargeHeaderBlockIntoContinuations() throws IOException {
        byte[] block = new byte[40_000];
        for (int i = 0; i < block.length; i++) block[i] = (byte) i;
        w.headers(5, block, true, 16_384);
        assertEquals(40_000 + 3 * 9, buf.size());
        Http2Frame.Headers h = assertInstanceOf(Http2Frame.Headers.class, reader().read());
        assertArrayEquals(block, h.block());
        assertTrue(h.endStream());
    }

    @Test
    void malformedFramesAreErrorsWithTheirRfcCodes() throws IOException {
        String[][] cases = {
            {"000000 00 00 00000000", "PROTOCOL_ERROR"}, // DATA on stream 0
            {"000001 00 08 00000001 01", "PROTOCOL_ERROR"}, // padding fills the frame
            {"000004 02 00 00000001 00000000", "FRAME_SIZE_ERROR"}, // PRIORITY of 4
            {"000003 03 00 00000001 000000", "FRAME_SIZE_ERROR"}, // RST_STREAM of 3
            {"000004 03 00 00000000 00000000", "PROTOCOL_ERROR"}, // RST_STREAM on 0
            {"000005 04 00 00000000 0000000000", "FRAME_SIZE_ERROR"}, // SETTINGS of 5
            {"000006 04 01 00000000 000100000000", "FRAME_SIZE_ERROR"}, // ACK with payload
            {"000006 04 00 00000001 000100000000", "PROTOCOL_ERROR"}, // SETTINGS on a stream
            {"000006 04 00 00000000 000200000002", "PROTOCOL_ERROR"}, // ENABLE_PUSH 2
            {"000006 04 00 00000000 000480000000", "FLOW_CONTROL_ERROR"}, // window 2^31
            {"000006 04 00 00000000 000500003fff", "PROTOCOL_ERROR"}, // max frame 16383
            {"000007 06 00 00000000 00000000000000", "FRAME_SIZE_ERROR"}, // PING of 7
            {"000008 06 00 00000003 0000000000000000", "PROTOCOL_ERROR"}, // PING on a stream
            {"000007 07 00 00000000 00000000000000", "FRAME_SIZE_ERROR"}, // GOAWAY of 7
            {"000004 08 00 00000001 00000000", "PROTOCOL_ERROR"}, // WINDOW_UPDATE of 0
            {"000001 09 04 00000001 82", "PROTOCOL_ERROR"}, // lone CONTINUATION
        };
        for (String[] c : cases) {
            byte[] frame = hex(c[0]);
            Http2Exception e = assertThrows(Http2Exception.class,
                    () -> new Http2FrameReader(new ByteArrayInputStream(frame), 16_384, 65_536).read(), c[0]);
            assertEquals(c[1], e.error().name(), c[0]);
        }
    }

    @Test
    void aZeroIncrementOnAStreamIsAStreamErrorAndOnTheConnectionAConnectionError() {
        Http2Exception s = assertThrows(Http2Exception.class,
                () -> new Http2FrameReader(new ByteArrayInputStream(hex("000004 08 00 00000001 00000000")), 16_384, 65_536).read());
        assertEquals(1, s.stream());
        Http2Exception c = assertThrows(Http2Exception.class,
                () -> new Http2FrameReader(new ByteArrayInputStream(hex("000004 08 00 00000000 00000000")), 16_384, 65_536).read());
        assertTrue(c.isConnectionError());
    }

    @Test
    void anEndInsideAFrameIsAnEofNotACleanEnd() {
        assertThrows(EOFException.class,
                () -> new Http2FrameReader(new ByteArrayInputStream(hex("000004 08 00")), 16_384, 65_536).read());
        assertThrows(EOFException.class,
                () -> new Http2FrameReader(new ByteArrayInputStream(hex("000004 08 00 00000000 0000")), 16_384, 65_536).read());
    }
}
