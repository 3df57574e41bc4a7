package pong.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every thread of this JVM, virtual ones included, written to a file under target/ for a failure
 * message: a hang seen once in CI is only worth something with the stacks of the moment.
 */
public final class ThreadDumps {
    private ThreadDumps() {
    }

    /** Writes the dump and returns where it went, or why it could not be written. */
    public static String write(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "thread-dumps"));
            Path file = dir.resolve(name + "-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return "threads dumped to " + file;
        } catch (IOException | RuntimeException e) {
            return "no thread dump: " + e;
        }
    }
}
