package pong.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the scratch folders the test harness makes, so that a test run leaves nothing in /tmp. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes {@code dir} and everything under it; what cannot be deleted is left (a test's result never depends on it). */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind: only a scratch file
                }
            });
        } catch (IOException e) {
            // left behind: only a scratch folder
        }
    }
}
