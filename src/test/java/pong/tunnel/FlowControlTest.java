package pong.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The receive-side credit books: the buffer budget holds, and streams that waited for budget get it first. */
class FlowControlTest {
    private static final int WINDOW = 64 * 1024;
    private static final long BUDGET = 8L * WINDOW;

    private static FlowControl flow() {
        return new FlowControl(TunnelSettings.DEFAULTS.withFlow(WINDOW, BUDGET));
    }

    @Test
    void tenThousandStreamsOpenedOneAfterAnotherAllGetAFirstWindowWithinTheDefaultBudget() {
        FlowControl f = new FlowControl(TunnelSettings.DEFAULTS);
        long granted = 0;
        for (int i = 0; i < 10_000; i++) {
            int g = f.firstGrant(f.open(null, false));
            assertTrue(g >= FlowControl.MIN_WINDOW, "stream " + i + " got " + g);
            granted += g;
        }
        assertEquals(granted, f.committed());
        assertTrue(granted <= TunnelSettings.DEFAULT_BUFFER_MAX, "granted " + granted);
    }

    @Test
    void aLoneStreamGetsTheWholeWindow() {
        FlowControl f = flow();
        assertEquals(WINDOW, f.firstGrant(f.open(null, false)));
    }

    @Test
    void whenTheBudgetIsSpentNewStreamsWaitAndAreServedFirstWhenBudgetComesBack() {
        FlowControl f = flow();
        List<FlowControl.Window> w = new ArrayList<>();
        while (f.committed() < BUDGET) {
            FlowControl.Window x = f.open(null, false);
            w.add(x);
            f.firstGrant(x);
        }
        FlowControl.Window waiting = f.open(null, false);
        assertEquals(0, f.firstGrant(waiting), "no budget left");
        FlowControl.Window first = w.get(0);
        f.received(first, WINDOW);
        List<FlowControl.Grant> grants = f.consumed(first, WINDOW, true);
        List<FlowControl.Window> served = grants.stream().map(FlowControl.Grant::window).toList();
        assertTrue(served.contains(waiting), "the waiting stream got credit");
        assertTrue(!served.contains(first) || served.indexOf(first) > served.indexOf(waiting),
                "the waiting stream is served before the one that freed budget");
        assertTrue(f.committed() <= BUDGET);
    }

    @Test
    void randomTrafficNeverCommitsMoreThanTheBudgetToStreamsWeOpened() {
        FlowControl f = flow();
        SplittableRandom r = new SplittableRandom(1);
        List<FlowControl.Window> open = new ArrayList<>();
        Map<FlowControl.Window, long[]> books = new HashMap<>(); // {credit the peer has, bytes unread}
        for (int step = 0; step < 20_000; step++) {
            int op = r.nextInt(4);
            List<FlowControl.Grant> grants = List.of();
            if (op == 0 || open.isEmpty()) {
                FlowControl.Window w = f.open(null, false);
                open.add(w);
                books.put(w, new long[] {f.firstGrant(w), 0});
            } else {
                FlowControl.Window w = open.get(r.nextInt(open.size()));
                long[] b = books.get(w);
                if (op == 1 && b[0] > 0) {
                    int n = (int) Math.min(b[0], 1 + r.nextInt(WINDOW));
                    f.received(w, n);
                    b[0] -= n;
                    b[1] += n;
                } else if (op == 2 && b[1] > 0) {
                    int n = (int) Math.min(b[1], 1 + r.nextInt(WINDOW));
                    b[1] -= n;
                    grants = f.consumed(w, n, true);
                } else if (op == 3) {
                    f.dropped(w);
                    grants = f.closed(w, true);
                    open.remove(w);
                    books.remove(w);
                }
            }
            for (FlowControl.Grant g : grants) {
                assertTrue(g.increment() > 0);
                long[] b = books.get(g.window());
                assertTrue(b != null, "no credit for a stream that ended");
                b[0] += g.increment();
            }
            long outstanding = 0;
            for (long[] b : books.values()) outstanding += b[0] + b[1];
            assertEquals(outstanding, f.committed(), "the books agree at step " + step);
            assertTrue(f.committed() <= BUDGET, "committed " + f.committed() + " at step " + step);
        }
    }

    @Test
    void aPeerThatSendsWhateverCreditItHasNeverRunsDryWhileTheAppReads() {
        for (boolean peerOpened : new boolean[] {true, false}) {
            FlowControl f = new FlowControl(TunnelSettings.DEFAULTS);
            FlowControl.Window w = f.open(null, peerOpened);
            long credit = peerOpened ? TunnelSettings.DEFAULT_WINDOW : f.firstGrant(w);
            int[] chunks = {1024, 2048, 4096, 8192, 16384, 32761, 32761, 7, 32761};
            long moved = 0;
            for (int i = 0; i < 2000; i++) {
                int n = (int) Math.min(chunks[i % chunks.length], credit);
                assertTrue(n > 0, "the sender ran out of credit after " + moved + " bytes (opened by peer: " + peerOpened + ")");
                f.received(w, n);
                credit -= n;
                moved += n;
                for (FlowControl.Grant g : f.consumed(w, n, true)) credit += g.increment();
            }
        }
    }

    @Test
    void manyBusyStreamsTogetherHoldAFewMebibytesOfCreditWhileALoneOneStillGrowsToItsFullWindow() {
        long lone = mostCreditHeld(1);
        assertTrue(lone >= TunnelSettings.DEFAULTS.maxWindow() / 2, "a lone bulk stream's credit reached only " + lone);
        // every receiver holds what its peers' credit lets them send: 16 bulk streams, not 16 full windows
        long sixteen = mostCreditHeld(16);
        assertTrue(sixteen <= 16L * TunnelSettings.DEFAULT_WINDOW + TunnelSettings.DEFAULT_BUFFER_MAX / 16,
                "16 busy streams held " + sixteen + " bytes of credit");
    }

    /** Streams opened by the peer, each sending all the credit it has while the app reads as it arrives: the most credit outstanding at once. */
    private static long mostCreditHeld(int streams) {
        FlowControl f = new FlowControl(TunnelSettings.DEFAULTS);
        Map<FlowControl.Window, Long> credit = new HashMap<>();
        for (int i = 0; i < streams; i++) credit.put(f.open(null, true), (long) TunnelSettings.DEFAULT_WINDOW);
        long held = (long) streams * TunnelSettings.DEFAULT_WINDOW;
        long most = held;
        for (int round = 0; round < 3000; round++) {
            for (FlowControl.Window w : List.copyOf(credit.keySet())) {
                int n = (int) Math.min(32_761, credit.get(w));
                if (n == 0) continue;
                f.received(w, n);
                credit.merge(w, (long) -n, Long::sum);
                held -= n;
                for (FlowControl.Grant g : f.consumed(w, n, true)) {
                    credit.merge(g.window(), (long) g.increment(), Long::sum);
                    held += g.increment();
                }
                most = Math.max(most, held);
            }
        }
        return most;
    }

    @Test
    void bytesSentBeforeTheAnnouncementArrivedAreGrantedBackSoTheSenderIsNotLeftOwing() {
        FlowControl f = new FlowControl(TunnelSettings.DEFAULTS);
        FlowControl.Window w = f.open(null, true);
        // The peer sent 200 KiB before it saw our 64 KiB initial window; its books now say 64 - 200 KiB.
        long early = 200 * 1024;
        f.received(w, (int) early);
        long credit = TunnelSettings.DEFAULT_WINDOW - early;
        for (FlowControl.Grant g : f.consumed(w, (int) early, true)) credit += g.increment();
        assertTrue(credit >= TunnelSettings.DEFAULT_WINDOW, "the sender has a whole window again (credit " + credit + ")");
    }
}
