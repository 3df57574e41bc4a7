package pong.transport.http2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * HPACK decoder (RFC 7541): static and dynamic table, dynamic table size updates, Huffman strings.
 * Malformed input is a COMPRESSION_ERROR (a connection error: the table state can no longer be trusted).
 *
 * <p>Memory bound: the dynamic table holds at most {@link #maxTableSize} octets as HPACK counts them
 * (what we announced as SETTINGS_HEADER_TABLE_SIZE); a decoded list holds at most maxHeaderListSize
 * (SETTINGS_MAX_HEADER_LIST_SIZE). A block whose list is larger is still decoded to the end, so that the
 * table stays in step with the peer's encoder, but its fields are dropped and {@link HeaderListTooLarge}
 * is thrown: a stream error, not a connection error.
 *
 * <p>Threading: one thread (the connection's reader); header blocks must be decoded in the order received.
 */
public final class HpackDecoder {
    /** The block decoded fine but its list was larger than allowed; the table is up to date. */
    public static final class HeaderListTooLarge extends Http2Exception {
        public HeaderListTooLarge(long size, int limit) {
            super(Http2Error.PROTOCOL_ERROR, "header list of " + size + "+ octets, limit " + limit);
        }
    }

    private final int maxTableSize;
    private final int maxHeaderListSize;
    /** Newest first: dynamic index 62 is the head. */
    private final ArrayDeque<HeaderField> table = new ArrayDeque<>();
    private int tableSize;
    /** The limit the encoder last set with a size update, at most maxTableSize. */
    private int tableLimit;

    private byte[] b;
    private int pos;
    private int end;

    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.tableLimit = maxTableSize;
    }

    /** Current dynamic table size in HPACK octets (entries + 32 each). */
    public int tableSize() {
        return tableSize;
    }

    public int tableEntries() {
        return table.size();
    }

    public List<HeaderField> decode(byte[] block) throws Http2Exception {
        return decode(block, 0, block.length);
    }

    public List<HeaderField> decode(byte[] block, int off, int len) throws Http2Exception {
        this.b = block;
        this.pos = off;
        this.end = off + len;
        List<HeaderField> fields = new ArrayList<>();
        long listSize = 0;
        boolean fieldSeen = false;
        try {
            while (pos < end) {
                int first = b[pos] & 0xff;
                HeaderField f;
                if ((first & 0x80) != 0) { // 6.1 indexed field
                    int index = integer(7);
                    f = entry(index);
                } else if ((first & 0xc0) == 0x40) { // 6.2.1 literal with incremental indexing
                    f = literal(6);
                    add(f);
                } else if ((first & 0xe0) == 0x20) { // 6.3 dynamic table size update
                    if (fieldSeen) throw error("table size update after a field");
                    int size = integer(5);
                    if (size > maxTableSize) throw error("table size update to " + size + ", limit " + maxTableSize);
                    tableLimit = size;
                    evict(0);
                    continue;
                } else { // 6.2.2 without indexing (0000), 6.2.3 never indexed (0001)
                    f = literal(4);
                }
                fieldSeen = true;
                listSize += f.size();
                if (listSize <= maxHeaderListSize) fields.add(f);
            }
        } finally {
            this.b = null;
        }
        if (listSize > maxHeaderListSize) throw new HeaderListTooLarge(listSize, maxHeaderListSize);
        return fields;
    }

    private HeaderField literal(int prefix) throws Http2Exception {
        int index = integer(prefix);
        String name = index == 0 ? string() : entry(index).name();
        return new HeaderField(name, string());
    }

    private HeaderField entry(int index) throws Http2Exception {
        if (index == 0) throw error("index 0");
        if (index <= HpackStaticTable.SIZE) return HpackStaticTable.get(index);
        int d = index - HpackStaticTable.SIZE - 1;
        if (d >= table.size()) throw error("index " + index + " beyond the table");
        Iterator<HeaderField> it = table.iterator();
        for (int i = 0; i < d; i++) it.next();
        return it.next();
    }

    /** Adds at the front, evicting from the back (RFC 7541 section 4.4: an entry larger than the table empties it). */
    private void add(HeaderField f) {
        int size = f.size();
        if (size > tableLimit) {
            table.clear();
            tableSize = 0;
            return;
        }
        evict(size);
        table.addFirst(f);
        tableSize += size;
    }

    private void evict(int room) {
        while (tableSize + room > tableLimit && !table.isEmpty()) tableSize -= table.removeLast().size();
    }

    /** RFC 7541 section 5.1; values past 2^31-1 are an error. */
    private int integer(int prefix) throws Http2Exception {
        int max = (1 << prefix) - 1;
        int value = b[pos++] & max;
        if (value < max) return value;
        long v = value;
        for (int shift = 0; ; shift += 7) {
            if (pos >= end) throw error("integer cut off");
            int octet = b[pos++] & 0xff;
            v += (long) (octet & 0x7f) << shift;
            if (v > Integer.MAX_VALUE) throw error("integer too large");
            if ((octet & 0x80) == 0) return (int) v;
        }
    }

    private String string() throws Http2Exception {
        if (pos >= end) throw error("string cut off");
        boolean huffman = (b[pos] & 0x80) != 0;
        int len = integer(7);
        if (len > end - pos) throw error("string of " + len + " octets, " + (end - pos) + " left");
        String s = huffman ? Huffman.decode(b, pos, len) : new String(b, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        return s;
    }

    private static Http2Exception error(String message) {
        return new Http2Exception(Http2Error.COMPRESSION_ERROR, message);
    }
}
