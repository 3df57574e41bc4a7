package pong.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Peak resident set size (VmHWM in /proc/PID/status) of processes, in KiB; Linux only. */
final class PeakRss {
    private PeakRss() {
    }

    /** VmHWM of the process, or 0 if it is gone or the field cannot be read. */
    static long kib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** VmHWM summed over the process's descendants (not the process itself). */
    static long descendantsKib(long pid) {
        long total = 0;
        for (ProcessHandle h : descendants(pid)) total += kib(h.pid());
        return total;
    }

    private static List<ProcessHandle> descendants(long pid) {
        List<ProcessHandle> all = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(all::add));
        return all;
    }
}
