package pong.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;

/** Whole transfers through a SOCKS5 proxy, checked byte-exact: the building blocks of end-to-end tests. */
public final class Transfers {
    private Transfers() {
    }

    /** Asks a {@link Origin#download()} origin for n seeded bytes through the proxy and checks their SHA-256. */
    public static void assertDownload(int socksPort, int originPort, long n, long seed) throws IOException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", originPort)) {
            requestDownload(s, n, seed);
            assertArrayEquals(TestData.sha256(seed, n), TestData.sha256(s.getInputStream()),
                    "SHA-256 of " + n + " bytes (seed " + seed + ")");
        }
    }

    /** Sends the 16-byte request of a {@link Origin#download()} origin. */
    public static void requestDownload(Socket s, long n, long seed) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeLong(n);
        out.writeLong(seed);
        out.flush();
    }

    /**
     * Through an {@link Origin#echo()} origin: sends n seeded bytes while reading, half-closes its output
     * after the last byte, and checks that exactly the same n bytes come back followed by EOF.
     */
    public static void assertEcho(int socksPort, int originPort, int n, long seed) throws Exception {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", originPort)) {
            assertEcho(s, n, seed);
        }
    }

    public static void assertEcho(Socket s, int n, long seed) throws Exception {
        byte[] sent = TestData.bytes(seed, n);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.getOutputStream().write(sent);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        InputStream in = s.getInputStream();
        byte[] back = in.readNBytes(n);
        int after = in.read();
        writer.join();
        assertArrayEquals(sent, back, "echoed bytes");
        assertEquals(-1, after, "EOF after the echoed bytes");
    }

    /** Sends n seeded bytes to a {@link Origin#sink()} origin through the proxy, half-closes, and checks the SHA-256 it answers. */
    public static void assertUpload(int socksPort, int sinkPort, long n, long seed) throws IOException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", sinkPort)) {
            TestData.stream(seed, n).transferTo(s.getOutputStream());
            s.shutdownOutput();
            assertArrayEquals(TestData.sha256(seed, n), s.getInputStream().readAllBytes(), "SHA-256 of an upload of " + n + " bytes");
        }
    }
}
