package pong;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's Main-Class, compiled for Java 8 (its own compiler run in pom.xml) so that any old java can
 * load it: under a Java older than pong needs it says so and exits 2 (a problem with what the user runs
 * pong with, like a configuration error) instead of failing with UnsupportedClassVersionError; otherwise
 * it hands over to {@code pong.Main}. It must use nothing newer than Java 8.
 */
public final class Launcher {
    static final int NEEDED = 21;
    private static final int EXIT_CONFIG = 2;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        int running = feature(System.getProperty("java.specification.version", "0"));
        if (running < NEEDED) {
            System.err.println("pong needs Java " + NEEDED + " or newer; this is Java " + running
                    + " (java.home=" + System.getProperty("java.home") + ")");
            System.exit(EXIT_CONFIG);
            return;
        }
        Method main = Class.forName("pong.Main").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" is Java 8, "17" is Java 17. */
    static int feature(String specVersion) {
        String s = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
        int dot = s.indexOf('.');
        if (dot >= 0) s = s.substring(0, dot);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
