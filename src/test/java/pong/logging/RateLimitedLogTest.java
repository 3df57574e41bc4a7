package pong.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    private static final String NAME = "pong.logging.RateLimitedLogTest.sink";

    @Test
    void eachReasonFromOneSourceIsCountedAndReportedUnderItsOwnText() {
        List<String> lines = new ArrayList<>();
        Handler h = capture(lines);
        Logger.getLogger(NAME).addHandler(h);
        try {
            AtomicLong now = new AtomicLong();
            RateLimitedLog log = new RateLimitedLog(System.getLogger(NAME), System.Logger.Level.WARNING, Duration.ofMinutes(1), now::get);
            log.record("10.0.0.1", "tunnel handshake failed", "(certificate_unknown) Received fatal alert");
            log.record("10.0.0.1", "tunnel handshake failed", "(handshake_failure) something else");
            for (int i = 0; i < 5; i++) log.record("10.0.0.1", "rejected tunnel: unknown client id");
            assertEquals(List.of("10.0.0.1: tunnel handshake failed: (certificate_unknown) Received fatal alert",
                    "10.0.0.1: rejected tunnel: unknown client id"), lines);
            now.set(Duration.ofSeconds(61).toNanos());
            log.flush();
            assertEquals(List.of("10.0.0.1: tunnel handshake failed (1 more times within 60 s)",
                    "10.0.0.1: rejected tunnel: unknown client id (4 more times within 60 s)"), lines.subList(2, lines.size()));
        } finally {
            Logger.getLogger(NAME).removeHandler(h);
        }
    }

    private static Handler capture(List<String> lines) {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void repeatsFromOneSourceWithinAMinuteBecomeOneLineWithACount() {
        List<String> lines = new ArrayList<>();
        Logger jul = Logger.getLogger(NAME);
        Handler h = capture(lines);
        jul.addHandler(h);
        try {
            AtomicLong now = new AtomicLong();
            RateLimitedLog log = new RateLimitedLog(System.getLogger(NAME), System.Logger.Level.WARNING, Duration.ofMinutes(1), now::get);
            for (int i = 0; i < 100; i++) log.record("10.0.0.1", "unknown client id");
            log.record("10.0.0.2", "unknown client id");
            assertEquals(2, lines.size(), lines.toString());
            now.set(Duration.ofSeconds(61).toNanos());
            log.flush();
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(2).contains("10.0.0.1") && lines.get(2).contains("99 more"), lines.get(2));
        } finally {
            jul.removeHandler(h);
        }
    }
}
