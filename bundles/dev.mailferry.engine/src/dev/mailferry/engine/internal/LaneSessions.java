package dev.mailferry.engine.internal;

import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The sessions of the lanes after the first. As many as the plan has folders likely to be copied (up to the lanes) are
 * opened in the background as soon as the folders are listed, so that the lanes' logins overlap the planning instead of
 * delaying each lane's start while the first lane already keeps the machine busy. More are opened on demand (a large
 * folder split over lanes); those not taken are closed. Logins start only after the first pair succeeded, so a
 * wrong password costs one failed login per server, not one per lane.
 */
final class LaneSessions implements AutoCloseable {

    /** A source and a target session, closed together. */
    record Sessions(SourceSession source, TargetSession target) implements AutoCloseable {
        @Override
        public void close() {
            try {
                target.close();
            } finally {
                source.close();
            }
        }
    }

    /** Opens a source and a target session for one lane. */
    @FunctionalInterface
    interface Opener {
        Sessions open() throws ConnectorException, StoreException, InterruptedException;
    }

    private final Opener opener;
    private final List<CompletableFuture<Sessions>> opening = new ArrayList<>();
    private int taken;

    LaneSessions(Opener opener, int lanes, String email, long folders) {
        this.opener = opener;
        long spare = Math.min(lanes, folders) - 1;
        for (int i = 1; i <= spare; i++) {
            opening.add(onOwnThread("mailferry-connect-lane-" + i + "-" + email, opener::open));
        }
    }

    /** The next lane's sessions: one opened in advance, or a new pair. */
    Sessions take() throws ConnectorException, StoreException, InterruptedException {
        CompletableFuture<Sessions> next;
        synchronized (this) {
            next = taken < opening.size() ? opening.get(taken++) : null;
        }
        if (next == null) {
            return opener.open();
        }
        try {
            return next.get();
        } catch (ExecutionException e) {
            throw Failures.rethrow(e.getCause());
        }
    }

    /** Closes the sessions no lane took, waiting for those still logging in (a pass leaves no session open). */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Sessions>> unused = opening.subList(taken, opening.size());
        taken = opening.size();
        for (CompletableFuture<Sessions> sessions : unused) {
            try {
                sessions.get().close();
            } catch (ExecutionException e) {
                // not opened, so nothing to close; no lane needed it, so its failure is no failure of the pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sessions.thenAccept(Sessions::close);
            }
        }
    }

    /** Runs {@code task} on a daemon thread of its own; the future completes with its result or its failure. */
    static <T> CompletableFuture<T> onOwnThread(String threadName, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
