package pong.cli;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import pong.config.Config;
import pong.config.ConfigException;
import pong.config.LocalConfig;
import pong.config.RemoteConfig;
import pong.local.LocalServer;
import pong.logging.LogLevel;
import pong.remote.RemoteServer;
import pong.transport.TlsWarmup;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs the half a properties file names until SIGTERM/SIGINT. Every way start-up can fail ends with a
 * message naming the file, key or address involved and the exit code of {@link ExitCodes}.
 *
 * <p>Threading: runs on the main thread, which then waits; a signal stops the half on a "shutdown" thread.
 */
public final class RunCommand {
    private static final Logger LOG = System.getLogger("pong");
    /** Small records each way: enough calls for C2 to compile the record path (20,000 and 8 MiB each way: 1.2-1.7 s in all here). */
    private static final int WARMUP_RECORDS = 20_000;
    private static final long WARMUP_BULK_BYTES = 8L << 20;

    private RunCommand() {
    }

    /** Starts the half and waits for a signal; returns only when start-up failed (a stop exits the JVM with 0). */
    public static int run(Path file) throws InterruptedException {
        AtomicReference<Runnable> shutdown = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT are handled before the JVM starts shutting down, so that the graceful stop can
        // still log (JUL closes its handlers in its own shutdown hook) and the exit status is 0, not 128+signal.
        // Installed before the half starts: a signal right after the listener opened must not kill it with 143.
        SignalHandler graceful = sig -> Thread.ofPlatform().name("shutdown").start(() -> {
            try {
                Runnable stop = shutdown.get();
                if (stop != null) stop.run();
            } catch (RuntimeException e) {
                System.err.println("pong: error during shutdown: " + e);
            }
            stopped.countDown();
            System.exit(ExitCodes.OK);
        });
        Signal.handle(new Signal("TERM"), graceful);
        Signal.handle(new Signal("INT"), graceful);
        String badLevel = LogLevel.applyConfigured(null);
        if (badLevel != null) {
            System.err.println("pong: " + badLevel);
            return ExitCodes.CONFIG;
        }
        try {
            Object config = Config.parse(file);
            LogLevel.applyConfigured(config instanceof LocalConfig l ? l.monitoring().logLevel()
                    : ((RemoteConfig) config).monitoring().logLevel());
            LOG.log(Level.INFO, "pong {0} on Java {1} ({2})", Version.value(), Runtime.version(), System.getProperty("java.home"));
            if (config instanceof LocalConfig lc) {
                warn(Preflight.local(file, lc));
                if (lc.tlsWarmup()) warmUp();
                LocalServer local = new LocalServer(lc);
                start(file, "listen", lc.listen().host() + ":" + lc.listen().port(), local::start);
                shutdown.set(() -> local.shutdown(lc.limits().shutdownGrace()));
            } else {
                RemoteConfig rc = (RemoteConfig) config;
                warn(Preflight.remote(file, rc, Instant.now()));
                if (rc.tlsWarmup()) warmUp();
                RemoteServer remote = new RemoteServer(rc);
                start(file, "listen", rc.listen().toString(), remote::start);
                shutdown.set(() -> remote.shutdown(rc.limits().shutdownGrace()));
            }
        } catch (ConfigException e) {
            System.err.println("pong: config error: " + e.getMessage());
            return ExitCodes.CONFIG;
        } catch (StartException e) {
            System.err.println("pong: cannot start: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("pong: cannot start (" + file + "): " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        stopped.await();
        return ExitCodes.OK;
    }

    private interface Starter {
        Object start() throws IOException, GeneralSecurityException;
    }

    /** A listener that cannot bind names its address and the key that gave it. */
    private static void start(Path file, String key, String address, Starter starter) throws IOException, GeneralSecurityException, StartException {
        try {
            starter.start();
        } catch (BindException e) {
            throw new StartException("cannot listen on " + address + " (key '" + key + "' in " + file + "): " + e.getMessage());
        }
    }

    /**
     * Compiles the TLS record path before the listener opens (tls.warmup): about a second here, after which
     * a fresh half moves its first bytes at about twice the rate it would have. A failure costs only
     * the speed-up, so it is logged and the start goes on.
     */
    private static void warmUp() {
        long t0 = System.nanoTime();
        try {
            TlsWarmup.run(WARMUP_RECORDS, WARMUP_BULK_BYTES);
            LOG.log(Level.INFO, "TLS path warmed up in {0} ms (tls.warmup=false skips this)", (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "TLS warm-up failed, starting without it: {0}", e.toString());
        }
    }

    private static void warn(List<String> warnings) {
        for (String w : warnings) LOG.log(Level.WARNING, w);
    }

    private static final class StartException extends Exception {
        StartException(String message) {
            super(message);
        }
    }
}
