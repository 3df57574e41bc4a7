package pong.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import pong.observe.Front;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.transport.Endpoint;
import pong.tunnel.Stream;
import pong.tunnel.Tunnel;

/**
 * Local's tunnels: {@code tunnels} slots ({@link TunnelConnector}) per endpoint of {@code remote=}. A new
 * stream goes to the healthy tunnel with the fewest open streams: with {@link Policy#FAILOVER} among the
 * first endpoint (in the configured order) that has one, with {@link Policy#SPREAD} among all.
 *
 * <p>Health is per tunnel: a slot is up while its tunnel is open and answers pings (the tunnel closes
 * itself when they go unanswered). Every request nudges the slots that have no tunnel to connect in the
 * background (each slot backs off on its own when its endpoint cannot be reached), so a request never
 * waits for a tunnel that is still connecting while another one is up. Only when none is up does a
 * request connect itself, trying the slots in order, and it fails at once when every slot is backing off.
 *
 * <p>When a remote drains a tunnel (docs/extensions.md), the streams it had not accepted are replayed on
 * another healthy tunnel, else on a new tunnel of the same slot; the fronts never notice.
 *
 * <p>Threading: any thread; the pool holds no lock of its own (each slot serializes its connecting).
 */
public final class TunnelPool implements StreamOpener, AutoCloseable {
    /** Which endpoints new streams go to. */
    public enum Policy {
        /** The first endpoint in order that has a healthy tunnel; back to an earlier one once it recovers. */
        FAILOVER,
        /** Every endpoint with a healthy tunnel. */
        SPREAD
    }

    /**
     * @param endpoints          remote= in order (at least one)
     * @param policy             remote.policy
     * @param tunnelsPerEndpoint tunnels= (at least 1)
     */
    public record Options(List<Endpoint> endpoints, Policy policy, int tunnelsPerEndpoint) {
        public Options {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) throw new IllegalArgumentException("no endpoint");
            if (tunnelsPerEndpoint < 1) throw new IllegalArgumentException("tunnels must be at least 1");
        }

        /** One tunnel to one endpoint: what local did before pools. */
        public static Options single(Endpoint endpoint) {
            return new Options(List.of(endpoint), Policy.FAILOVER, 1);
        }
    }

    private static final System.Logger LOG = System.getLogger(TunnelPool.class.getName());
    /** Tunnels tried for one replayed stream (each may start draining or die just as it is picked). */
    private static final int ADOPT_ATTEMPTS = 3;

    private final Options options;
    /** Slots grouped by endpoint, in the configured order. */
    private final List<List<TunnelConnector>> byEndpoint = new ArrayList<>();
    private final List<TunnelConnector> slots = new ArrayList<>();
    /** Where the search for the least loaded tunnel starts, turned on each pick so ties do not all land on the first. */
    private final AtomicInteger turn = new AtomicInteger();

    /** @param slot makes the slot for one tunnel to an endpoint */
    public TunnelPool(Options options, Function<Endpoint, TunnelConnector> slot) {
        this.options = options;
        for (Endpoint e : options.endpoints()) {
            List<TunnelConnector> group = new ArrayList<>();
            for (int i = 0; i < options.tunnelsPerEndpoint(); i++) group.add(slot.apply(e));
            byEndpoint.add(List.copyOf(group));
            slots.addAll(group);
        }
        for (TunnelConnector c : slots) c.onDrained((from, moved) -> replay(c, from, moved));
    }

    /**
     * A remote drained one of our tunnels: the streams it never accepted are opened again, with what
     * they sent, on another healthy tunnel (by the policy), else on a new tunnel of the same slot
     * (behind a balancer, most likely another server). A stream that cannot move is reset.
     */
    private void replay(TunnelConnector slot, Tunnel from, List<Stream> moved) {
        slot.ensureConnecting();
        int replayed = 0;
        for (Stream s : moved) {
            if (adoptElsewhere(slot, from, s)) {
                replayed++;
            } else {
                s.reset(ErrorCode.ERR, "remote drained the tunnel before accepting the stream, and it could not be replayed");
            }
        }
        LOG.log(Level.INFO, "{0}: {1} of {2} streams replayed on other tunnels", from, replayed, moved.size());
    }

    private boolean adoptElsewhere(TunnelConnector slot, Tunnel from, Stream s) {
        for (int attempt = 0; attempt < ADOPT_ATTEMPTS && s.canMove(); attempt++) {
            TunnelConnector c = pick(from);
            Tunnel t = c == null ? null : c.current();
            try {
                if (t == null || !t.isUsable()) t = slot.usableTunnel();
                if (t.adopt(s)) return true;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "replaying {0} from {1}: {2}", s, from, e.getMessage());
            }
        }
        return false;
    }

    @Override
    public Stream open(FrameType type, Address target, Front front, String app) throws IOException {
        for (TunnelConnector c : slots) c.ensureConnecting();
        TunnelConnector pick = pick(null);
        if (pick != null) {
            try {
                return pick.open(type, target, front, app);
            } catch (IOException e) {
                if (pick.isUp()) throw e;
                // its tunnel died under us: like nothing being up
            }
        }
        return openInOrder(type, target, front, app);
    }

    /** Nothing is up: the first slot, in order, that is not backing off connects for this request. */
    private Stream openInOrder(FrameType type, Address target, Front front, String app) throws IOException {
        IOException last = null;
        for (TunnelConnector c : slots) {
            if (c.isDown()) continue;
            try {
                return c.open(type, target, front, app);
            } catch (IOException e) {
                last = e;
            }
        }
        if (last != null) throw last;
        throw new PongException(ErrorCode.ERR, "no remote reachable (retrying): " + options.endpoints());
    }

    /** The up slot whose tunnel has the fewest open streams, by the policy; null when none is up. */
    TunnelConnector pick(Tunnel avoid) {
        if (options.policy() == Policy.SPREAD) return leastLoaded(slots, avoid);
        for (List<TunnelConnector> group : byEndpoint) {
            TunnelConnector c = leastLoaded(group, avoid);
            if (c != null) return c;
        }
        return null;
    }

    private TunnelConnector leastLoaded(List<TunnelConnector> group, Tunnel avoid) {
        int n = group.size();
        int start = Math.floorMod(turn.getAndIncrement(), n);
        TunnelConnector best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            TunnelConnector c = group.get((start + i) % n);
            if (!c.isUp() || (avoid != null && c.current() == avoid)) continue;
            int load = c.openStreams();
            if (load < bestLoad) {
                best = c;
                bestLoad = load;
            }
        }
        return best;
    }

    public Options options() {
        return options;
    }

    /** Every slot, endpoint by endpoint in the configured order. */
    public List<TunnelConnector> slots() {
        return List.copyOf(slots);
    }

    /** The tunnel new streams would go to now (for tests and diagnostics), or null when none is up. */
    public Tunnel current() {
        TunnelConnector c = pick(null);
        if (c != null) return c.current();
        for (TunnelConnector s : slots) if (s.current() != null) return s.current();
        return null;
    }

    /** True while every slot is backing off: requests fail at once. */
    public boolean isDown() {
        for (TunnelConnector c : slots) if (!c.isDown()) return false;
        return true;
    }

    /** Tunnels opened by all slots since start. */
    public long tunnelsOpened() {
        return sum(TunnelConnector::tunnelsOpened);
    }

    /** Tunnels open now. */
    public int tunnelsUp() {
        return (int) sum(c -> c.current() != null ? 1 : 0);
    }

    /** Streams open on all tunnels now. */
    public int openStreams() {
        return (int) sum(TunnelConnector::openStreams);
    }

    /** Bytes received from remotes and not yet taken by apps, over all tunnels. */
    public long bufferedBytes() {
        return sum(c -> {
            Tunnel t = c.current();
            return t == null ? 0 : t.bufferedBytes();
        });
    }

    private long sum(ToLongFunction<TunnelConnector> each) {
        long n = 0;
        for (TunnelConnector c : slots) n += each.applyAsLong(c);
        return n;
    }

    @Override
    public void close() {
        for (TunnelConnector c : slots) c.close();
    }
}
