package pong.access;

import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * The proxies whose X-Forwarded-For remote believes (listen.trusted.proxies): address ranges (CIDR) and
 * the word {@code private}, written and matched like dst.deny's ranges. Immutable; any thread.
 */
public final class TrustedProxies implements Predicate<InetAddress> {
    public static final TrustedProxies NONE = new TrustedProxies(DenyList.parse(""));

    private final DenyList ranges;

    private TrustedProxies(DenyList ranges) {
        this.ranges = ranges;
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static TrustedProxies parse(String value) {
        for (String e : value.split(",")) {
            String entry = e.trim();
            if (entry.startsWith(":") && !entry.startsWith("::")) {
                throw new IllegalArgumentException("'" + entry + "' is a port; list address ranges (CIDR like 10.0.0.0/8) or 'private'");
            }
        }
        return new TrustedProxies(DenyList.parse(value));
    }

    public boolean isEmpty() {
        return ranges.toString().isBlank();
    }

    @Override
    public boolean test(InetAddress address) {
        return ranges.denies(address);
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
