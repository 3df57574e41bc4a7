package pong.transport.http2;

/**
 * One header field. Names and values are octet strings: each char is one byte 0..255 (ISO-8859-1), so any
 * value a peer sends survives unchanged. HPACK counts a field as its two lengths plus 32 (RFC 7541 section 4.1).
 */
public record HeaderField(String name, String value) {
    public HeaderField {
        if (name == null || value == null) throw new NullPointerException("header name and value");
    }

    /** The HPACK size: name and value octets + 32. */
    public int size() {
        return name.length() + value.length() + 32;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
