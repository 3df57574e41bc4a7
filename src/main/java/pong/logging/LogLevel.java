package pong.logging;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log level of pong's own loggers (everything under {@code pong}), from log.level or
 * {@code -Dpong.log.level}: error, warning, info (the default), debug, trace. The JDK's own loggers
 * stay at INFO. Users never write a java.util.logging properties file.
 */
public final class LogLevel {
    /** The system property that sets the level; it wins over log.level in the file. */
    public static final String PROPERTY = "pong.log.level";
    public static final String NAMES = "error, warning, info, debug, trace";

    /** Held so that java.util.logging (which keeps loggers weakly) cannot forget the level set on it. */
    private static final Logger PONG = Logger.getLogger("pong");

    private LogLevel() {
    }

    /** The JUL level for a name, or null when the name is not one of {@link #NAMES}. */
    public static Level parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning", "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> null;
        };
    }

    /** Sets pong's loggers to {@code level}; the console handler lets through whatever they pass. */
    public static void apply(Level level) {
        PONG.setLevel(level);
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (h.getLevel().intValue() > level.intValue()) h.setLevel(level);
        }
    }

    /**
     * Applies {@code -Dpong.log.level} if set, else {@code fromFile} if not null.
     *
     * @return an error text when the property holds an unknown name, else null
     */
    public static String applyConfigured(String fromFile) {
        String property = System.getProperty(PROPERTY);
        if (property != null) {
            Level l = parse(property);
            if (l == null) return "-D" + PROPERTY + "=" + property + " is not a log level (" + NAMES + ")";
            apply(l);
            return null;
        }
        if (fromFile != null) apply(parse(fromFile));
        return null;
    }
}
