package pong.local;

import java.io.IOException;
import pong.observe.Front;
import pong.protocol.Address;
import pong.protocol.FrameType;
import pong.protocol.PongException;
import pong.tunnel.Stream;

/**
 * What the fronts ask for a stream: "open me a stream to X". Whether one tunnel or a pool of tunnels
 * to several remotes stands behind it is not the front's business.
 *
 * <p>Threading: any thread.
 */
public interface StreamOpener {
    /**
     * Opens a stream to the target and reports it to the observer (the stream carries a watch that reports its end).
     *
     * @param front where the stream came from
     * @param app   the app's socket address, for the access log
     * @throws PongException at once while no remote is reachable
     */
    Stream open(FrameType type, Address target, Front front, String app) throws IOException;

    /** Opens a stream for a front that does not say which it is: reported as front tcp (or udp for a relay). */
    default Stream open(FrameType type, Address target) throws IOException {
        return open(type, target, type == FrameType.RELAY ? Front.UDP : Front.TCP, "");
    }
}
