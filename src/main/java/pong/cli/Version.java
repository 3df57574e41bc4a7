package pong.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** pong's version, as the build wrote it into pong/version.properties from pom.xml. */
public final class Version {
    private static final String VALUE = read();

    private Version() {
    }

    public static String value() {
        return VALUE;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/pong/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
