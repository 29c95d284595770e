package dev.mailferry.engine.internal;

import dev.mailferry.core.spi.ConnectorException;

/** Failures caught on one thread (a lane, a login, the writer) and thrown on another. */
final class Failures {

    private Failures() {
    }

    /** Throws {@code t} as what it is (declared so that callers can write {@code throw rethrow(t)}). */
    static RuntimeException rethrow(Throwable t) throws ConnectorException, StoreException, InterruptedException {
        if (t instanceof ConnectorException e) {
            throw e;
        }
        if (t instanceof StoreException e) {
            throw e;
        }
        if (t instanceof InterruptedException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
