package pong.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The credentials apps must present (socks.users), shared by every front-end: SOCKS5 username/password,
 * HTTP Proxy-Authorization Basic. When the list is empty no credentials are asked for.
 * Immutable; any thread.
 */
final class ProxyUsers {
    private final Map<String, byte[]> passwords;

    ProxyUsers(Map<String, String> users) {
        this.passwords = Map.copyOf(users.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getBytes(StandardCharsets.UTF_8))));
    }

    /** True when apps must authenticate. */
    boolean required() {
        return !passwords.isEmpty();
    }

    /** Checks a user name and password; the password comparison does not stop at the first differing byte. */
    boolean accepts(String user, String password) {
        if (user == null || password == null) return false;
        byte[] expected = passwords.get(user);
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        return expected != null && MessageDigest.isEqual(expected, given);
    }
}
