package pong.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The set frame payload of docs/extensions.md, byte for byte. */
class SettingsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theAnnouncementFrameMatchesTheDocumentedBytes() {
        Frame f = new Frame(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(64 * 1024).encode());
        assertArrayEquals(HEX.parseHex("0014" + "00000000" + "06" + "000100" + "0101" + "00020004" + "00010000"), FrameWriter.encode(f));
    }

    @Test
    void localsAnnouncementAlsoSaysWhetherItWantsConnectConfirmations() {
        Frame f = new Frame(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(64 * 1024, false).encode());
        assertArrayEquals(HEX.parseHex("0019" + "00000000" + "06" + "000100" + "0101" + "00020004" + "00010000" + "00030001" + "00"),
                FrameWriter.encode(f));
    }

    @Test
    void connectConfirmationsAreWantedUnlessDeclined() throws Exception {
        assertFalse(Settings.decode(Settings.announce(1024, false).encode()).wantsConnectConfirm());
        assertTrue(Settings.decode(Settings.announce(1024, true).encode()).wantsConnectConfirm());
        assertTrue(Settings.decode(Settings.announce(1024).encode()).wantsConnectConfirm()); // older announcements: as before
    }

    @Test
    void unknownKeysAreSkippedAndKnownOnesRead() throws Exception {
        Settings s = Settings.decode(HEX.parseHex("7777000301020300010001010002000400000400"));
        assertEquals(1, s.extensionsVersion());
        assertEquals(1024, s.initialWindow(0));
    }

    @Test
    void aPeerWithoutTheExtensionKeyAnnouncesNothing() throws Exception {
        assertEquals(0, Settings.decode(new byte[0]).extensionsVersion());
        assertEquals(77, Settings.decode(new byte[0]).initialWindow(77));
    }

    @Test
    void anEntryRunningPastTheFrameIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> Settings.decode(HEX.parseHex("000100050101")));
        assertThrows(ProtocolException.class, () -> Settings.decode(HEX.parseHex("0001")));
    }
}
