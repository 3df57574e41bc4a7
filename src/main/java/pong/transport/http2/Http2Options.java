package pong.transport.http2;

/**
 * Limits and windows of one HTTP/2 connection, the same for both roles.
 *
 * <p>Windows: a pong tunnel is one long bulk stream, so the receive windows are large enough to keep a
 * fast long path busy (4 MiB per stream covers 100 ms at 320 Mbit/s) while the connection window (16 MiB)
 * bounds what one connection may hold unread in memory, whatever the number of streams. Both are
 * replenished when the application reads, not when bytes arrive, so a stream nobody reads stops its peer
 * instead of filling memory; WINDOW_UPDATE goes out once half a window is consumed, so a bulk transfer costs
 * one small frame per 2 MiB per stream.
 *
 * @param maxConcurrentStreams streams the peer may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused
 * @param streamWindow receive window of each stream (SETTINGS_INITIAL_WINDOW_SIZE)
 * @param connectionWindow receive window of the connection, raised from 65,535 by a WINDOW_UPDATE at start
 * @param maxFrameSize the largest frame we accept (SETTINGS_MAX_FRAME_SIZE)
 * @param maxHeaderListSize the largest header list we accept (SETTINGS_MAX_HEADER_LIST_SIZE); the compressed
 *     block (all CONTINUATION frames joined) may be twice that
 * @param headerTableSize our HPACK decoder's dynamic table (SETTINGS_HEADER_TABLE_SIZE)
 * @param maxQueuedReplies frames the peer made us owe (SETTINGS and PING acknowledgements, refusals) that may
 *     wait for the writer; past that the peer floods faster than it reads, and gets GOAWAY ENHANCE_YOUR_CALM
 * @param writeQueueBytes DATA bytes queued for the writer before stream writers wait
 */
public record Http2Options(int maxConcurrentStreams, int streamWindow, int connectionWindow, int maxFrameSize,
        int maxHeaderListSize, int headerTableSize, int maxQueuedReplies, int writeQueueBytes) {
    public Http2Options {
        if (maxConcurrentStreams < 1) throw new IllegalArgumentException("maxConcurrentStreams " + maxConcurrentStreams);
        if (streamWindow < 1 || connectionWindow < Http2Frame.DEFAULT_WINDOW) throw new IllegalArgumentException("windows");
        if (maxFrameSize < Http2Frame.MIN_MAX_FRAME_SIZE || maxFrameSize > Http2Frame.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize);
        }
        if (maxHeaderListSize < 1024 || headerTableSize < 0 || maxQueuedReplies < 16 || writeQueueBytes < 1) {
            throw new IllegalArgumentException("limits");
        }
    }

    public static Http2Options defaults() {
        return new Http2Options(1000, 4 << 20, 16 << 20, 65_536, 16_384, 4096, 1024, 256 << 10);
    }

    public Http2Options withMaxConcurrentStreams(int n) {
        return new Http2Options(n, streamWindow, connectionWindow, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxQueuedReplies, writeQueueBytes);
    }

    public Http2Options withWindows(int stream, int connection) {
        return new Http2Options(maxConcurrentStreams, stream, connection, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxQueuedReplies, writeQueueBytes);
    }
}
