package pong.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import pong.access.DenyList;
import pong.protocol.Address;
import pong.protocol.ErrorCode;
import pong.observe.TunnelObserver;
import pong.protocol.PongException;
import pong.transport.Sockets;

/**
 * Opens remote's connections to destinations: resolves the name, refuses what dst.deny forbids, tries
 * each resolved address within one overall timeout, and turns every failure into the spec's error code.
 * Stateless; called on each stream's own virtual thread.
 */
public final class Dialer {
    private final DenyList deny;
    private final Duration timeout;
    private final TunnelObserver observer;

    public Dialer(DenyList deny, Duration timeout) {
        this(deny, timeout, TunnelObserver.NONE);
    }

    /** @param observer told every dial's result and how long it took */
    public Dialer(DenyList deny, Duration timeout, TunnelObserver observer) {
        this.deny = deny;
        this.timeout = timeout;
        this.observer = observer;
    }

    public Socket dial(Address target) throws PongException {
        long start = System.nanoTime();
        try {
            Socket s = connect(target, start);
            observer.dialed(target, null, System.nanoTime() - start);
            return s;
        } catch (PongException e) {
            observer.dialed(target, e.code(), System.nanoTime() - start);
            throw e;
        }
    }

    private Socket connect(Address target, long start) throws PongException {
        long deadline = start + timeout.toNanos();
        PongException last = null;
        for (InetAddress ip : resolve(target)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                last = new PongException(ErrorCode.ERR_DIAL_TIMEOUT, "dial " + target + " timed out");
                break;
            }
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(ip, target.port()), (int) left);
                return s;
            } catch (IOException e) {
                Sockets.closeQuietly(s);
                last = classify(target, e);
            }
        }
        throw last;
    }

    /**
     * The target's addresses that dst.deny allows, in resolver order; never empty. TCP dials and UDP
     * relays both go through here, so the same rules hold for both.
     */
    public List<InetAddress> resolve(Address target) throws PongException {
        if (deny.deniesPort(target.port())) {
            throw new PongException(ErrorCode.ERR_RULE, "port " + target.port() + " is denied by dst.deny");
        }
        InetAddress[] candidates;
        try {
            candidates = InetAddress.getAllByName(target.host());
        } catch (UnknownHostException e) {
            throw new PongException(ErrorCode.ERR_DST, "cannot resolve " + target.host());
        }
        List<InetAddress> allowed = new ArrayList<>();
        for (InetAddress ip : candidates) if (!deny.denies(ip)) allowed.add(ip);
        if (allowed.isEmpty()) {
            throw candidates.length == 0
                    ? new PongException(ErrorCode.ERR_DST, "no address for " + target.host())
                    : new PongException(ErrorCode.ERR_RULE, target + " (" + candidates[0].getHostAddress() + ") is denied by dst.deny");
        }
        return allowed;
    }

    /** The JDK reports connect failures by exception class: ECONNREFUSED, EHOSTUNREACH, timeouts, and the rest (ENETUNREACH among them). */
    static PongException classify(Address target, IOException e) {
        String what = "dial " + target + ": " + e.getMessage();
        if (e instanceof SocketTimeoutException) return new PongException(ErrorCode.ERR_DIAL_TIMEOUT, what);
        if (e instanceof NoRouteToHostException) return new PongException(ErrorCode.ERR_DST, what);
        if (e instanceof ConnectException) return new PongException(ErrorCode.ERR_DST_REFUSE, what);
        return new PongException(ErrorCode.ERR_NET, what);
    }

}
