package pong.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/deploy/*.properties name every key of the README's configuration reference, and no other. */
class ExamplePropertiesListEveryKeyTest {
    private static final Pattern EXAMPLE_KEY = Pattern.compile("(?m)^#?([a-z][a-z0-9]*(?:\\.[a-z0-9]+)*)=");
    private static final Pattern TABLE_KEY = Pattern.compile("`([a-z][a-z0-9]*(?:\\.[a-z0-9]+)*)`");

    @Test
    void theRemoteExampleHasEveryRemoteKey() throws Exception {
        assertEquals(readmeKeys("### remote.properties"), exampleKeys("remote.properties"));
    }

    @Test
    void theLocalExampleHasEveryLocalKey() throws Exception {
        assertEquals(readmeKeys("### local.properties"), exampleKeys("local.properties"));
    }

    private static Set<String> exampleKeys(String name) throws Exception {
        Set<String> keys = new TreeSet<>();
        Matcher m = EXAMPLE_KEY.matcher(Files.readString(Path.of("docs", "deploy", name)));
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    /** The keys in the first column of the table under the heading. */
    private static Set<String> readmeKeys(String heading) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf(heading);
        int end = readme.indexOf("\n#", start + heading.length());
        Set<String> keys = new TreeSet<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (!line.startsWith("| `")) continue;
            Matcher m = TABLE_KEY.matcher(line.substring(1, line.indexOf('|', 1)));
            while (m.find()) keys.add(m.group(1));
        }
        return keys;
    }
}
