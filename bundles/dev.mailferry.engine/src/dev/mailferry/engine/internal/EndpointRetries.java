package dev.mailferry.engine.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One retry schedule for an endpoint that could not be reached, shared by the mailboxes of a pass: once a mailbox
 * finds the endpoint unreachable, the others do not each try (and wait) on their own. One of them tries again when
 * the delay is over while the others wait for its outcome; when the attempts are used up, every mailbox that still
 * needs the endpoint fails at once with the same reason, without trying. A refused login is not a fault of the
 * endpoint and does not count here.
 */
public final class EndpointRetries {

    private final boolean source;
    private final int maxAttempts;
    private final Duration firstDelay;
    private boolean down;
    private int failures;
    private long nextTryNanos;
    private boolean probing;
    private EndpointUnreachable lastFailure;
    private boolean gaveUp;

    public EndpointRetries(boolean source, int maxAttempts, Duration firstDelay) {
        this.source = source;
        this.maxAttempts = maxAttempts;
        this.firstDelay = firstDelay;
    }

    /** A turn to use the endpoint; {@link #prober()} says whether its outcome decides for the waiting mailboxes. */
    public record Turn(boolean prober) {
    }

    /**
     * Returns at once while the endpoint is not known to be down; else waits for the next try of the schedule, which
     * one caller makes (the prober) while the others wait for its outcome.
     *
     * @return null when a stop was requested while waiting
     * @throws EndpointUnreachable when the schedule is used up: the endpoint could not be reached in this pass
     */
    public synchronized Turn await(BooleanSupplier stopRequested) throws EndpointUnreachable, InterruptedException {
        while (true) {
            if (gaveUp) {
                throw new EndpointUnreachable(source, lastFailure.getMessage() + " (" + failures + " attempts in "
                        + describe(totalWait()) + ")", lastFailure);
            }
            if (!down) {
                return new Turn(false);
            }
            if (stopRequested.getAsBoolean()) {
                return null;
            }
            long waitNanos = nextTryNanos - System.nanoTime();
            if (!probing && waitNanos <= 0) {
                probing = true;
                return new Turn(true);
            }
            // short waits: a stop request is seen within a fraction of a second
            long millis = probing ? 100 : Math.min(100, Math.max(1, waitNanos / 1_000_000));
            wait(millis);
        }
    }

    /** The endpoint answered (a session opened, or it refused a login): the mailboxes waiting for it go on. */
    public synchronized void reached() {
        if (down || probing) {
            down = false;
            probing = false;
            failures = 0;
            notifyAll();
        }
    }

    /**
     * The endpoint could not be reached. From the prober (or the first mailbox to find it down) this is one failed
     * attempt of the schedule, returned; from mailboxes that were already under way when it went down it adds nothing
     * (null).
     */
    public synchronized Outcome unreachable(EndpointUnreachable failure, Turn turn) {
        if (down && (turn == null || !turn.prober())) {
            return null;
        }
        lastFailure = failure;
        down = true;
        probing = false;
        failures++;
        Duration next = null;
        if (failures >= maxAttempts) {
            gaveUp = true;
        } else {
            next = delay(failures);
            nextTryNanos = System.nanoTime() + next.toNanos();
        }
        notifyAll();
        return new Outcome(failures, maxAttempts, next);
    }

    /**
     * A failed attempt counted by the schedule: the {@code failures}-th of {@code maxAttempts}; {@code nextTry} is the
     * delay before the next, null when the schedule is used up.
     */
    public record Outcome(int failures, int maxAttempts, Duration nextTry) {
    }

    /** The prober's attempt ended without a word about this endpoint (it never got to it): another may probe. */
    public synchronized void turnEnded(Turn turn) {
        if (turn != null && turn.prober() && probing) {
            probing = false;
            notifyAll();
        }
    }

    private Duration delay(int failure) {
        return firstDelay.multipliedBy(1L << (failure - 1));
    }

    private Duration totalWait() {
        Duration total = Duration.ZERO;
        for (int i = 1; i < failures; i++) {
            total = total.plus(delay(i));
        }
        return total;
    }

    private static String describe(Duration d) {
        return d.toMillis() < 10_000 ? d.toMillis() / 100 / 10.0 + " s" : d.toSeconds() + " s";
    }
}
