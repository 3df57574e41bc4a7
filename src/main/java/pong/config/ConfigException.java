package pong.config;

/** A configuration problem: names the file and the key so the user can fix it. The program exits with code 2. */
public class ConfigException extends Exception {
    public ConfigException(String file, String key, String problem) {
        super(file + ": " + (key == null ? "" : "key '" + key + "': ") + problem);
    }
}
