package pong.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** One line saying what the bench ran on: cores, CPU, memory, JDK, OpenSSH, kernel. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        return String.format(Locale.ROOT, "%d cores (%s), %s memory, JDK %s (%s), %s, Linux %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memory(),
                System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                openSsh(), System.getProperty("os.version"));
    }

    private static String cpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        }
        return "cpu unknown";
    }

    private static String memory() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.0f GiB", kib / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    private static String openSsh() {
        try {
            Process p = new ProcessBuilder("ssh", "-V").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return v.isEmpty() ? "ssh: no version" : v;
        } catch (IOException e) {
            return "no ssh";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ssh: unknown";
        }
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
