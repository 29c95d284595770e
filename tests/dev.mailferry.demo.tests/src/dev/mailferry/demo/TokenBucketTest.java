package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void holdsOneSecondsWorthThenRefillsAtItsRate() {
        TokenBucket bucket = new TokenBucket(4, now::get);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, bucket.nanosUntilAvailable());
            bucket.take();
        }
        assertEquals(250_000_000L, bucket.nanosUntilAvailable(), "a quarter second until the next of 4/s");
        assertThrows(IllegalStateException.class, bucket::take);
        now.addAndGet(100_000_000L);
        assertEquals(150_000_000L, bucket.nanosUntilAvailable());
        now.addAndGet(150_000_000L);
        assertEquals(0, bucket.nanosUntilAvailable());
        bucket.take();
        // a long pause saves up no more than one second's worth
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, bucket.nanosUntilAvailable());
            bucket.take();
        }
        assertEquals(250_000_000L, bucket.nanosUntilAvailable());
    }

    @Test
    void aRateBelowOneASecondStillLetsOneThrough() {
        TokenBucket bucket = new TokenBucket(0.5, now::get);
        assertEquals(0, bucket.nanosUntilAvailable());
        bucket.take();
        assertEquals(2_000_000_000L, bucket.nanosUntilAvailable());
    }

    @Test
    void refusesANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, now::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, now::get));
    }
}
