package pong;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;
import pong.config.Config;
import pong.config.ConfigException;
import pong.config.LocalConfig;
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
        AutoCloseable server;
        try {
            Object config = Config.parse(Path.of(args[0]));
            server = config instanceof LocalConfig lc ? new LocalServer(lc).start() : new RemoteServer((RemoteConfig) config).start();
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
