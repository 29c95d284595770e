package dev.mailferry.engine.internal;

/** Carries a store failure out of an append listener (whose methods cannot throw checked exceptions). */
final class RecordingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordingFailed(StoreException cause) {
        super(cause.getMessage(), cause);
    }
}
