package pong.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waiting for, and stopping by pid, a server program (nginx, haproxy) a test started in the foreground. */
public final class Daemons {
    private Daemons() {
    }

    /**
     * Waits until the process accepts connections on this loopback port. If it dies or 20 s pass, it is
     * stopped and the failure carries its log.
     */
    public static void awaitListening(Process p, int port, String name, Callable<String> log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
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

    /** SIGTERM to the process's pid; SIGKILL if it has not ended 10 s later. */
    public static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
