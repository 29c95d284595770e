package dev.mailferry.engine.internal;

/**
 * Bounds the bytes of message bodies held between the source reader and the target writer. A message larger than the
 * whole budget is admitted alone, once nothing else is held, so the budget never deadlocks.
 */
final class ByteBudget {

    private final long capacity;
    private long used;
    private boolean aborted;

    ByteBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Waits for room; false when the budget was aborted (the writer failed) and nothing was acquired. */
    synchronized boolean acquire(long bytes) throws InterruptedException {
        while (!aborted && used > 0 && used + bytes > capacity) {
            wait();
        }
        if (aborted) {
            return false;
        }
        used += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    long capacity() {
        return capacity;
    }
}
