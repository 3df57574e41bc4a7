package pong.access;

import java.time.Duration;

/**
 * What remote shares between client ids, and how much of it one client, one tunnel or one UDP relay
 * may take (docs/limits.md gives the defaults and the reasons).
 *
 * @param bufferMax             remote.buffer.max: bytes all tunnels together may buffer (unread, owed, credit granted)
 * @param clientBufferMax       client.buffer.max: the part of it one client id's tunnels may hold together
 * @param clientMaxStreams      client.max.streams: streams (relays included) one client id may have open at once, over all its tunnels
 * @param clientMaxPendingDials client.max.pending.dials: dials one client id may have in progress at once
 * @param dialQueueTimeout      dial.queue.timeout: how long a stream may wait for a dial slot before it gets rst 1
 * @param maxRelays             tunnel.max.relays: UDP relay streams one tunnel may have open at once
 * @param udpIdleTimeout        udp.idle.timeout: a relay with no datagram either way for this long is reset (rst 6)
 */
public record Shares(long bufferMax, long clientBufferMax, int clientMaxStreams, int clientMaxPendingDials,
                     Duration dialQueueTimeout, int maxRelays, Duration udpIdleTimeout) {
    public static final int DEFAULT_CLIENT_MAX_STREAMS = 4096;
    public static final int DEFAULT_MAX_RELAYS = 64;
    public static final Duration DEFAULT_DIAL_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** remote.buffer.max when not given: a quarter of the largest heap this JVM may use. */
    public static long defaultBufferMax() {
        return Runtime.getRuntime().maxMemory() / 4;
    }
}
