package dev.mailferry.demo;

import java.util.function.LongSupplier;

/**
 * A rate limit as a token bucket: {@code ratePerSecond} tokens a second, at most one second's worth saved up (the
 * burst). Kept as the time the next token is due, in whole nanoseconds (the "generic cell rate" form), so waits are
 * exact. Not thread-safe: its owner decides under one lock, so that two buckets are checked and taken together.
 */
final class TokenBucket {

    private final long interval;
    private final long burstTolerance;
    private final LongSupplier nanoClock;
    /** When the bucket would be empty again if nothing more were taken: the "theoretical arrival time". */
    private long emptyAt;

    TokenBucket(double ratePerSecond, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.interval = Math.max(1, Math.round(1e9 / ratePerSecond));
        this.burstTolerance = (long) ((Math.max(1, ratePerSecond) - 1) * interval);
        this.nanoClock = nanoClock;
        this.emptyAt = nanoClock.getAsLong();
    }

    /** Nanoseconds until one token is there; 0 when one is there now. */
    long nanosUntilAvailable() {
        return Math.max(0, emptyAt - burstTolerance - nanoClock.getAsLong());
    }

    /** Takes one token; call only after {@link #nanosUntilAvailable()} returned 0. */
    void take() {
        if (nanosUntilAvailable() > 0) {
            throw new IllegalStateException("no token available");
        }
        emptyAt = Math.max(emptyAt, nanoClock.getAsLong()) + interval;
    }
}
