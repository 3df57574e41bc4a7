package pong.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.Settings;
import pong.testing.Origin;
import pong.testing.ProxyPair;
import pong.testing.RawTunnel;
import pong.testing.ResourceProbe;
import pong.testing.Socks5Client;
import pong.testing.TestData;
import pong.transport.Sockets;
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
        RawTunnel raw = RawTunnel.open(pair.remote.port(), true, pair.clientId);
        raw.send(Frame.CONNECTION_STREAM, FrameType.SET, Settings.announce(window, false).encode());
        raw.readUntil(Frame.CONNECTION_STREAM, FrameType.SET, WAIT);
        return raw;
    }

    @Test
    void dataPastTheCreditAndTheAllowanceGetsRstAndTheTunnelCarriesOn() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Origin echo = Origin.echo(); Origin download = Origin.download();
             ProxyPair pair = ProxyPair.start(Map.of("dial.timeout", "30s"), Map.of());
             RawTunnel raw = announced(pair, 64 * 1024)) {
            fillAcceptQueue(blackHole, fillers);
            // The dial hangs, so nothing takes the stream's bytes: all of them stay in remote.
            raw.connectFrame(1, new Address("127.0.0.1", blackHole.getLocalPort()));
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
        } finally {
            fillers.forEach(Sockets::closeQuietly);
        }
    }

    /** Connects until a connect hangs: the listener's accept queue is full and further SYNs are dropped. */
    static void fillAcceptQueue(ServerSocket listener, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new AssertionError("the listener's accept queue never filled: connects to it would not hang");
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
