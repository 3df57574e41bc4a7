package pong.testing;

import java.util.function.BooleanSupplier;

/** Waits for a condition that becomes true asynchronously (a stream closing on the far side); bounded. */
public final class Eventually {
    private Eventually() {
    }

    /** True once the condition holds; false if it still does not after the bound (a safety net, not a timing claim). */
    public static boolean holds(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
