package pong.local;

import java.lang.System.Logger.Level;
import java.time.Duration;
import pong.logging.RateLimitedLog;
import pong.protocol.Address;
import pong.tunnel.PeerReset;

/**
 * Local's INFO line for every stream remote refused, whatever the app's proxy protocol, with the rst
 * code in words and remote's own text: "example.org:25 refused by remote: rule refuse (dst.deny) (rst 2):
 * port 25 is denied by dst.deny". Apps often show only "connection reset"; this line says why. At most
 * one line per destination and code a minute, the repeats counted.
 *
 * <p>Threading: any thread (refusals arrive on tunnel reader threads).
 */
final class RefusalLog {
    private static final System.Logger LOG = System.getLogger(RefusalLog.class.getName());
    /** Remote's text is a peer's input: bounded and kept on one line. */
    private static final int MAX_TEXT = 200;

    private final RateLimitedLog log = RateLimitedLog.sentences(LOG, Level.INFO, Duration.ofMinutes(1));

    void refused(Address target, PeerReset reset) {
        String text = reset.peerText();
        if (text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT) + "...";
        text = text.replaceAll("\\p{Cntrl}", "?");
        log.record(target.toString(), "refused by remote: " + reset.code().explain(), text.isEmpty() ? null : text);
    }

    /** Writes the counts of windows that are over. */
    void flush() {
        log.flush();
    }

    void flushAll() {
        log.flushAll();
    }
}
