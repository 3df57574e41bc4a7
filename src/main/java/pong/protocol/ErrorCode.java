package pong.protocol;

/** The error codes an rst frame carries, with the numbers and texts of the spec (see NOTES.md for the numbering). */
public enum ErrorCode {
    ERR(1, "proxy server error", "proxy server error"),
    ERR_RULE(2, "proxy server rule refuse", "rule refuse (dst.deny)"),
    ERR_NET(3, "network unreachable", "network unreachable"),
    ERR_DST(4, "host unreachable", "host unreachable"),
    ERR_DST_REFUSE(5, "refused by dst", "connection refused by the destination"),
    ERR_TTL_EXPIRED(6, "TTL expired", "idle too long (stream.idle.timeout)"),
    ERR_COMMAND_UNKNOWN(7, "command not supported", "command not supported"),
    ERR_ADDR_TYPE(8, "address type not supported", "address type not supported"),
    ERR_REPEAT_ID(9, "repeat stream id", "repeated stream id"),
    ERR_DIAL_TIMEOUT(10, "dial dst i/o timeout", "dial timed out (dial.timeout)"),
    ERR_DST_RESET(11, "reset by peer", "reset by the destination"),
    ERR_CONN_TIMEOUT(12, "forcibly closed by the remote host", "tunnel connection lost");

    public final byte code;
    /** The spec's text. */
    public final String text;
    /** What a user reads in a log line or an HTTP error page. */
    private final String words;

    ErrorCode(int code, String text, String words) {
        this.code = (byte) code;
        this.text = text;
        this.words = words;
    }

    /** "host unreachable (rst 4)": the code in words a user can act on, with its number. */
    public String explain() {
        return words + " (rst " + code + ")";
    }

    /** The code with this number; any number we do not know means a plain error (NOTES.md). */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) if (c.code == code) return c;
        return ERR;
    }

    /** The SOCKS5 reply code (RFC 1928) for this error: codes 1..8 are SOCKS5's own; a dial timeout reads as host unreachable. */
    public int socksReply() {
        if (code >= 1 && code <= 8) return code;
        return this == ERR_DIAL_TIMEOUT ? ERR_DST.code : ERR.code;
    }

    @Override
    public String toString() {
        return code + " (" + text + ")";
    }
}
