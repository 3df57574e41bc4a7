package pong.logging;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import pong.observe.StreamEnd;
import pong.observe.StreamInfo;
import pong.observe.TunnelObserver;

/**
 * One line per stream when it ends: {@code key=value} fields separated by spaces, so that grep, awk
 * and log shippers take them apart without a parser.
 *
 * <pre>
 * remote: access client=6f1c3a52 tunnel=127.0.0.1:53422 stream=5 front=tcp target=example.org:443 dialed=93.184.216.34:443 up=517 down=10240 duration=0.532s end=finish
 * local:  access app=127.0.0.1:53100 front=socks5 target=example.org:443 stream=5 up=517 down=10240 duration=0.532s end=rst4
 * </pre>
 *
 * Values that come from peers (target names) are percent-encoded outside printable ASCII and for
 * {@code %}, {@code "} and space, so a line can never be split or forged by what an app asked for.
 * Lines go to the logger {@code pong.access} at INFO (with the other log lines) or, when a file is
 * given, appended to it with a UTC timestamp and flushed line by line.
 *
 * <p>Threading: any thread; lines to a file are written under this object's lock.
 */
public final class AccessLog implements TunnelObserver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("pong.access");

    private final BufferedWriter file;
    private boolean failed; // guarded by this

    private AccessLog(BufferedWriter file) {
        this.file = file;
    }

    /** Lines go to the logger {@code pong.access} at INFO. */
    public static AccessLog toLogger() {
        return new AccessLog(null);
    }

    /** Lines are appended to {@code path} (created if missing). */
    public static AccessLog toFile(Path path) throws IOException {
        return new AccessLog(Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    @Override
    public void streamEnded(StreamInfo s, StreamEnd e) {
        String line = line(s, e);
        if (file == null) {
            LOG.log(Level.INFO, line);
            return;
        }
        synchronized (this) {
            try {
                file.write(Instant.now().toString());
                file.write(' ');
                file.write(line);
                file.newLine();
                file.flush();
                failed = false;
            } catch (IOException ex) {
                if (!failed) System.getLogger(AccessLog.class.getName()).log(Level.WARNING, "cannot write the access log: {0}", ex.getMessage());
                failed = true;
            }
        }
    }

    /** The line for one stream, without a timestamp. */
    static String line(StreamInfo s, StreamEnd e) {
        StringBuilder b = new StringBuilder(200).append("access ");
        boolean remote = "remote".equals(s.tunnel().side());
        if (remote) {
            b.append("client=").append(s.tunnel().shortClientId())
                    .append(" tunnel=").append(clean(s.tunnel().peer()))
                    .append(" stream=").append(s.id())
                    .append(" front=").append(s.front().label())
                    .append(" target=").append(clean(s.target()))
                    .append(" dialed=").append(e.dialed().isEmpty() ? "-" : clean(e.dialed()));
        } else {
            b.append("app=").append(s.app().isEmpty() ? "-" : clean(s.app()))
                    .append(" front=").append(s.front().label())
                    .append(" target=").append(clean(s.target()))
                    .append(" stream=").append(s.id());
        }
        b.append(" up=").append(e.bytesUp())
                .append(" down=").append(e.bytesDown())
                .append(" duration=").append(String.format(Locale.ROOT, "%.3fs", e.nanos() / 1e9))
                .append(" end=").append(e.describe());
        return b.toString();
    }

    /** Percent-encodes what could split or forge a line: controls, space, quote, percent, and anything outside ASCII. */
    static String clean(String v) {
        StringBuilder b = null;
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean ok = c > 0x20 && c < 0x7f && c != '%' && c != '"';
            if (ok && b == null) continue;
            if (b == null) b = new StringBuilder(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            if (ok) b.append((char) c);
            else b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return b == null ? v : b.toString();
    }

    @Override
    public synchronized void close() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException e) {
            // nothing left to write it to
        }
    }
}
