package pong.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pong.testing.Curl;
import pong.testing.PongJar;
import pong.testing.WebOrigin;

/**
 * A first deployment as the README tells it: init in an empty folder, remote.properties alone copied
 * to another empty folder (the server), both halves started with java -jar, check says OK, curl works
 * through the proxy. The only edits are the ones a loopback test needs: remote listens on 127.0.0.1 instead of
 * every interface, may dial the loopback origin, and local takes a free port.
 */
@Timeout(300)
class FromAnEmptyFolderEndToEndTest {
    @TempDir
    Path client;
    @TempDir
    Path server;

    @Test
    void initThenCopyingOnlyRemotePropertiesToTheServerIsEnoughForCheckAndCurlToWork() throws Exception {
        int remotePort = PongJar.freePort();
        int localPort = PongJar.freePort();
        PongJar.Result init = PongJar.run(client, "init", "--host", "127.0.0.1", "--port", String.valueOf(remotePort));
        assertEquals(0, init.exit(), init.output());

        Files.copy(client.resolve("remote.properties"), server.resolve("remote.properties"));
        try (var files = Files.list(server)) {
            assertEquals(List.of(server.resolve("remote.properties")), files.toList(), "the server holds one file");
        }
        edit(server.resolve("remote.properties"), "listen=tls://0.0.0.0:", "listen=tls://127.0.0.1:");
        edit(server.resolve("remote.properties"), "dst.deny=private,:25", "dst.deny=:25");
        edit(client.resolve("local.properties"), "listen=127.0.0.1:1080", "listen=127.0.0.1:" + localPort);

        try (WebOrigin origin = WebOrigin.http(7);
             PongJar.Running remote = PongJar.start(server, server.resolve("remote.log"), "remote.properties")) {
            remote.awaitLog("remote listening on");
            try (PongJar.Running local = PongJar.start(client, client.resolve("local.log"), "local.properties")) {
                local.awaitLog("local listening on");
                String url = "http://127.0.0.1:" + origin.port() + "/bytes/5000";

                PongJar.Result check = PongJar.run(client, "check", "local.properties", "--url", url);
                assertEquals(0, check.exit(), check.output());
                assertTrue(check.output().contains("its key matches tls.pin"), check.output());
                assertTrue(check.output().lines().allMatch(l -> l.startsWith("OK ")), check.output());

                Curl.Result socks = Curl.run("--noproxy", "", "-x", "socks5h://127.0.0.1:" + localPort, url);
                assertEquals(0, socks.exit(), socks.stderr());
                assertArrayEquals(origin.body(5000), socks.body());
                Curl.Result http = Curl.run("--noproxy", "", "-x", "http://127.0.0.1:" + localPort, url);
                assertEquals(0, http.exit(), http.stderr());
                assertArrayEquals(origin.body(5000), http.body());

                assertEquals(0, local.stop(), local.log());
            }
            // check reached remote only as local does: no connection without a header, no stream cut
            assertTrue(!remote.log().contains("WARNING") && !remote.log().contains("streams cut"), remote.log());
            assertEquals(0, remote.stop(), remote.log());
        }
    }

    private static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has '" + from + "':\n" + text);
        Files.writeString(file, text.replace(from, to));
    }
}
