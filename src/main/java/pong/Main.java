package pong;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;
import pong.config.Config;
import pong.config.ConfigException;
import pong.config.LocalConfig;
import pong.config.ModeConfig;
import pong.config.RemoteConfig;
import pong.local.LocalServer;
import pong.remote.RemoteServer;

/** {@code java -jar pong.jar FILE.properties}: runs the half the file's {@code mode} names. */
public final class Main {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s %5$s%6$s%n");
        }
        if (args.length != 1) {
            System.err.println("usage: java -jar pong.jar FILE.properties   (the file says mode=local or mode=remote)");
            System.exit(EXIT_CONFIG);
        }
        Runnable shutdown;
        try {
            ModeConfig config = Config.parse(Path.of(args[0]));
            switch (config) {
                case LocalConfig lc -> {
                    LocalServer local = new LocalServer(lc).start();
                    shutdown = () -> local.shutdown(lc.limits().shutdownGrace());
                }
                case RemoteConfig rc -> {
                    RemoteServer remote = new RemoteServer(rc).start();
                    shutdown = () -> remote.shutdown(rc.limits().shutdownGrace());
                }
            }
        } catch (ConfigException e) {
            System.err.println("pong: config error: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("pong: cannot start: " + e.getMessage());
            System.exit(EXIT_START);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT are handled before the JVM starts shutting down, so that the graceful stop can
        // still log (JUL closes its handlers in its own shutdown hook) and the exit status is 0, not 128+signal.
        sun.misc.SignalHandler graceful = sig -> Thread.ofPlatform().name("shutdown").start(() -> {
            try {
                shutdown.run();
            } catch (RuntimeException e) {
                System.err.println("pong: error during shutdown: " + e);
            }
            stopped.countDown();
            System.exit(0);
        });
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), graceful);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), graceful);
        stopped.await();
    }
}
