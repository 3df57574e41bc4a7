package pong.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import pong.protocol.ErrorCode;
import pong.protocol.PongException;
import pong.tunnel.Stream;

/**
 * confirm=true: a front waits for remote's connect result before it answers the app, so the app gets
 * the real SOCKS reply code or HTTP status instead of a success followed by a reset, at the cost of one
 * round trip per connection. Off (the default), fronts answer at once (0 open time). A remote without
 * our extensions cannot confirm: then the answer stays optimistic.
 */
final class Confirmation {
    /** Fronts that answer at once. */
    static final Confirmation OFF = new Confirmation(null);
    /** How long to wait for the remote's announcement on a fresh tunnel before treating it as a legacy peer. */
    private static final long SETTINGS_WAIT_MILLIS = 2000;

    private final Duration wait;

    /** @param wait how long remote may take to report the connect (its dial); null for {@link #OFF} */
    private Confirmation(Duration wait) {
        this.wait = wait;
    }

    static Confirmation of(boolean on, Duration wait) {
        return on ? new Confirmation(wait) : OFF;
    }

    /**
     * Returns when the app may be told it is connected. When remote refused the stream, or did not
     * answer in time (the stream is then reset with rst 10), throws with the code to answer with, the
     * stream's end already reported.
     */
    /** Writes the app's answer that it is connected. */
    interface Answer {
        void send() throws IOException;
    }

    /**
     * Tells the app it is connected. An app gone by then (the write fails) costs its stream a reset and
     * its end is reported: the stream is already open on the tunnel, and remote would otherwise keep its
     * destination connection until the stream idles out.
     */
    static void tell(Stream stream, Answer answer) throws IOException {
        try {
            answer.send();
        } catch (IOException e) {
            stream.reset(ErrorCode.ERR, "the app left before it was told it is connected");
            stream.reportFailed(ErrorCode.ERR);
            throw e;
        }
    }

    void await(Stream stream) throws IOException {
        if (wait == null) return;
        try {
            if (!stream.tunnel().awaitPeerSettings(SETTINGS_WAIT_MILLIS)) return;
            if (stream.awaitConnected(wait.toMillis() + SETTINGS_WAIT_MILLIS)) return;
            stream.reset(ErrorCode.ERR_DIAL_TIMEOUT, "no connect result in time");
            throw new PongException(ErrorCode.ERR_DIAL_TIMEOUT, "remote gave no connect result within "
                    + (wait.toMillis() + SETTINGS_WAIT_MILLIS) + " ms");
        } catch (PongException e) {
            stream.reportFailed(e.code());
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.reset(ErrorCode.ERR, "interrupted");
            stream.reportFailed(ErrorCode.ERR);
            throw new InterruptedIOException();
        }
    }
}
