package pong.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Whole transfers through a SOCKS5 proxy, checked byte-exact; the building blocks of end-to-end tests. */
public final class Transfers {
    private Transfers() {
    }

    /** Downloads n seeded bytes from an {@link Origin#download()} origin and checks them. */
    public static void download(int socksPort, Origin origin, long n, long seed) throws IOException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", origin.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(n);
            out.writeLong(seed);
            out.flush();
            assertArrayEquals(TestData.sha256(seed, n), TestData.sha256(s.getInputStream()), "download of " + n + " bytes");
        }
    }

    /** Uploads n seeded bytes to an {@link Origin#sink()} origin and checks the digest it answers. */
    public static void upload(int socksPort, Origin sink, long n, long seed) throws IOException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", sink.port())) {
            OutputStream out = s.getOutputStream();
            TestData.stream(seed, n).transferTo(out);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertArrayEquals(TestData.sha256(seed, n), in.readAllBytes(), "upload of " + n + " bytes");
        }
    }

    /** One echo round trip of the given bytes on a fresh stream, half-closing after the request. */
    public static void echo(int socksPort, Origin echo, byte[] msg) throws IOException {
        try (Socket s = Socks5Client.connect(socksPort, "127.0.0.1", echo.port())) {
            s.getOutputStream().write(msg);
            s.shutdownOutput();
            assertArrayEquals(msg, s.getInputStream().readAllBytes(), "echo of " + msg.length + " bytes");
        }
    }
}
