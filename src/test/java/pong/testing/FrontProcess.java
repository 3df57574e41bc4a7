package pong.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The steps every real front a test runs (nginx, Caddy) shares: a free loopback port, waiting until it listens, stopping it by pid. */
final class FrontProcess {
    private static final long START_SECONDS = 20;

    private FrontProcess() {
    }

    /** A loopback port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Waits until the process accepts connections on port; stops it and fails with its log when it dies or takes too long. */
    static void awaitListening(Process p, int port, String name, Callable<String> log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    stop(p);
                    throw new IllegalStateException(name + " did not start: " + log.call());
                }
                Thread.sleep(50);
            }
        }
    }

    /** SIGTERM to this pid (a graceful stop for nginx and Caddy), SIGKILL if it is not gone within 10 s. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
