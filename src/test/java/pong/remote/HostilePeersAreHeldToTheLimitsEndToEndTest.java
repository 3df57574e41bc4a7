package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.testing.BlackHole;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.testing.Transfers;
import pong.tunnel.TunnelSettings;

/**
 * A client id that speaks raw frames and breaks the extension's rules (docs/extensions.md) is stopped
 * at the documented bound, and the honest client of the same remote is still served.
 */
@Timeout(60)
class HostilePeersAreHeldToTheLimitsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Opens a raw tunnel and exchanges announcements with remote. */
    static RawTunnel announced(ProxyPair pair, int window) throws Exception {
        return announced(pair, window, pair.clientId);
    }

    static RawTunnel announced(ProxyPair pair, int window, UUID client) throws Exception {
        return RawTunnel.announced(pair.remote.port(), client, window);
    }

    @Test
    void dataPastTheCreditAndTheAllowanceGetsRstAndTheTunnelCarriesOn() throws Exception {
        try (BlackHole blackHole = BlackHole.start();
             Origin echo = Origin.echo(); Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("dial.timeout", "30s"), Map.of());
             RawTunnel raw = announced(pair, 64 * 1024)) {
            // The dial hangs, so nothing takes the stream's bytes: all of them stay in remote.
            raw.connectFrame(1, blackHole.address());
            int credit = TunnelSettings.DEFAULT_WINDOW;
            int allowance = TunnelSettings.DEFAULTS.streamBuffer();
            byte[] chunk = new byte[16 * 1024];
            for (int sent = 0; sent < credit + allowance + 4 * chunk.length; sent += chunk.length) {
                raw.send(1, FrameType.DATA, chunk);
            }
            assertEquals(ErrorCode.ERR, raw.readRst(1, WAIT), "the stream past its credit is reset");
            // the same tunnel still serves a stream that keeps to its credit
            raw.connectFrame(3, new Address("127.0.0.1", echo.port()));
            raw.send(3, FrameType.WINDOW, ByteBuffer.allocate(4).putInt(64 * 1024).array());
            byte[] msg = TestData.bytes(5, 1000);
            raw.send(3, FrameType.DATA, msg);
            assertArrayEquals(msg, raw.readStreamData(3, msg.length, WAIT));
            assertArrayEquals(TestData.sha256(4, 200_000), Socks5Client.download(pair.socksPort(), download.port(), 200_000, 4));
        }
    }

    private static final UUID HOSTILE = UUID.fromString("0b5e55ed-0000-4000-8000-000000000001");
    private static final UUID HONEST = UUID.fromString("0b5e55ed-0000-4000-8000-000000000002");

    @Test
    void aClientAtClientMaxStreamsGetsRst1WhileAnotherClientIsServed() throws Exception {
        try (BlackHole blackHole = BlackHole.start(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("client.max.streams", "3", "dial.timeout", "30s",
                     "clients", HOSTILE + "," + HONEST), Map.of("client.id", HONEST.toString()));
             RawTunnel first = RawTunnel.open(pair.remote.port(), true, HOSTILE);
             RawTunnel second = RawTunnel.open(pair.remote.port(), true, HOSTILE)) {
            Address hole = blackHole.address();
            first.connectFrame(1, hole);
            first.connectFrame(3, hole);
            second.connectFrame(1, hole);
            // the fourth stream of the client, on either of its tunnels, is one too many
            second.connectFrame(3, hole);
            assertEquals(ErrorCode.ERR, second.readRst(3, WAIT));
            assertEquals(1, pair.remote.streamsRefused());
            for (int i = 0; i < 4; i++) {
                byte[] msg = TestData.bytes(30 + i, 1000);
                assertArrayEquals(msg, Socks5Client.echo(pair.socksPort(), echo.port(), msg), "the other client is served");
            }
        }
    }

    @Test
    void aClientsTunnelsTogetherBufferNoMoreThanClientBufferMaxAndAnotherClientIsServed() throws Exception {
        long clientMax = 1024 * 1024;
        List<RawTunnel> tunnels = new ArrayList<>();
        try (BlackHole blackHole = BlackHole.start(); Origin sink = Origin.sink();
             ProxyPair pair = ProxyPair.start(Map.of("remote.buffer.max", "4M", "client.buffer.max", "1M", "dial.timeout", "30s",
                     "clients", HOSTILE + "," + HONEST), Map.of("client.id", HONEST.toString()))) {
            Address hole = blackHole.address();
            // 4 tunnels x 16 streams x 64 KiB of announced credit = 4 MiB offered; all of it would stay in remote
            byte[] chunk = new byte[16 * 1024];
            int refused = 0;
            for (int t = 0; t < 4; t++) {
                RawTunnel raw = announced(pair, 64 * 1024, HOSTILE);
                tunnels.add(raw);
                for (int id = 1; id <= 31; id += 2) {
                    raw.connectFrame(id, hole);
                    for (int k = 0; k < 4; k++) raw.send(id, FrameType.DATA, chunk);
                }
            }
            for (RawTunnel raw : tunnels) {
                Frame f;
                try {
                    while ((f = raw.read(Duration.ofMillis(500))) != null) if (f.type() == FrameType.RST.code) refused++;
                } catch (SocketTimeoutException quiet) {
                    // no more frames
                }
            }
            assertTrue(refused > 0, "some of the hostile client's streams were refused");
            assertTrue(pair.remote.bufferedBytes() <= clientMax, "remote buffers " + pair.remote.bufferedBytes());
            for (int i = 0; i < 3; i++) Transfers.assertUpload(pair.socksPort(), sink.port(), 2L * 1024 * 1024, 40 + i);
        } finally {
            for (RawTunnel raw : tunnels) raw.close();
        }
    }

    @Test
    void tunnelsThatNeverReadQueueNoMoreThanTheClientsBudgetInRemotesWriters() throws Exception {
        int tunnelCount = 4;
        int streams = 40;
        long clientMax = 1024 * 1024;
        List<RawTunnel> tunnels = new ArrayList<>();
        try (Origin download = Origin.download(); Origin echo = Origin.echo();
             ProxyPair pair = ProxyPair.start(Map.of("remote.buffer.max", "8M", "client.buffer.max", "1M",
                     "clients", HOSTILE + "," + HONEST), Map.of("client.id", HONEST.toString()))) {
            for (int t = 0; t < tunnelCount; t++) {
                RawTunnel raw = announced(pair, 64 * 1024, HOSTILE);
                raw.socket().setReceiveBufferSize(4096);
                tunnels.add(raw);
                for (int i = 0; i < streams; i++) {
                    int id = 2 * i + 1;
                    raw.connectFrame(id, new Address("127.0.0.1", download.port()));
                    raw.send(id, FrameType.WINDOW, ByteBuffer.allocate(4).putInt(64 * 1024 * 1024).array());
                    raw.send(id, FrameType.DATA, ByteBuffer.allocate(16).putLong(100L * 1024 * 1024).putLong(i).array());
                }
            }
            // the downloads push until the writers' queues (and the kernel's buffers) are full; nobody reads
            long last = -1;
            for (int i = 0; i < 50 && pair.remote.bufferedBytes() != last; i++) {
                last = pair.remote.bufferedBytes();
                Thread.sleep(200);
            }
            long bound = clientMax + (long) tunnelCount * streams * TunnelSettings.MAX_DATA_PAYLOAD;
            assertTrue(pair.remote.bufferedBytes() <= bound, "remote holds " + pair.remote.bufferedBytes() + ", bound " + bound);
            byte[] msg = TestData.bytes(50, 100_000);
            assertArrayEquals(msg, Socks5Client.echo(pair.socksPort(), echo.port(), msg), "the other client is served");
            // closed before the pair: closing a TLS socket whose writer is blocked on a peer that never reads would wait
            for (RawTunnel raw : tunnels) raw.close();
        } finally {
            for (RawTunnel raw : tunnels) raw.close();
        }
    }

    @Test
    void aPingLongerThanEightBytesClosesTheTunnelWithoutAPong() throws Exception {
        try (Origin download = Origin.download(); ProxyPair pair = ProxyPair.start();
             RawTunnel raw = announced(pair, 64 * 1024)) {
            raw.send(Frame.CONNECTION_STREAM, FrameType.PING, new byte[8]);
            raw.readUntil(Frame.CONNECTION_STREAM, FrameType.PONG, WAIT);
            raw.send(Frame.CONNECTION_STREAM, FrameType.PING, new byte[60_000]);
            Frame f;
            while ((f = raw.read(WAIT)) != null) {
                assertTrue(f.type() != FrameType.PONG.code, "remote answered a 60,000-byte ping");
            }
            assertArrayEquals(TestData.sha256(3, 200_000), Socks5Client.download(pair.socksPort(), download.port(), 200_000, 3));
            assertEquals(0, ResourceProbe.awaitZero(() -> pair.remote.activeTunnels() - 1, 10_000), "only the honest client's tunnel is left");
        }
    }
}
