package pong.observe;

/**
 * One stream as observers see it when it opens.
 *
 * @param tunnel   the tunnel that carries it
 * @param id       the stream id on that tunnel
 * @param front    where it came from
 * @param target   the destination as asked (host:port, the name unresolved)
 * @param app      local: the app's socket address; remote: empty
 * @param startNanos System.nanoTime() when it opened
 */
public record StreamInfo(TunnelInfo tunnel, int id, Front front, String target, String app, long startNanos) {
}
