package dev.mailferry.engine.internal;

import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Opens a lane's sessions: a source and a target session at once. A connection that cannot be made is its endpoint's
 * fault ({@link EndpointUnreachable}); any answer from an endpoint, a refused login too, is told to the
 * {@link MailboxSync.EndpointWatch}.
 */
final class SessionOpener implements LaneSessions.Opener {

    private final SourceSide source;
    private final TargetSide target;
    private final String email;
    private volatile MailboxSync.EndpointWatch endpointWatch = isSource -> {
    };

    SessionOpener(SourceSide source, TargetSide target, String email) {
        this.source = source;
        this.target = target;
        this.email = email;
    }

    /** Sets who is told that an endpoint answered. */
    void watch(MailboxSync.EndpointWatch watch) {
        this.endpointWatch = watch;
    }

    /**
     * Opens the source and the target session at the same time: each is a connection and a login of a few round trips.
     * When both fail, the source's failure is the one reported, as when they were opened one after the other.
     */
    @Override
    public LaneSessions.Sessions open() throws ConnectorException, StoreException, InterruptedException {
        CompletableFuture<TargetSession> targetSession = LaneSessions.onOwnThread("mailferry-connect-" + email,
                this::openTarget);
        SourceSession sourceSession;
        try {
            sourceSession = openSource();
        } catch (ConnectorException | RuntimeException | Error e) {
            targetSession.thenAccept(TargetSession::close); // a target that does open is not left logged in
            throw e;
        }
        try {
            return new LaneSessions.Sessions(sourceSession, targetSession.get());
        } catch (ExecutionException e) {
            sourceSession.close();
            throw Failures.rethrow(e.getCause());
        } catch (InterruptedException e) {
            sourceSession.close();
            targetSession.thenAccept(TargetSession::close);
            throw e;
        }
    }

    private SourceSession openSource() throws ConnectorException {
        try {
            SourceSession session = source.open();
            endpointWatch.reached(true);
            return session;
        } catch (ConnectorException e) {
            throw openFailure(true, "Source: ", e);
        }
    }

    private TargetSession openTarget() throws ConnectorException {
        try {
            TargetSession session = target.open();
            endpointWatch.reached(false);
            return session;
        } catch (ConnectorException e) {
            throw openFailure(false, "Target: ", e);
        }
    }

    /** A connection that could not be opened is the endpoint's fault; any other answer (a refused login) shows it up. */
    private ConnectorException openFailure(boolean isSource, String side, ConnectorException e) {
        if (e.kind() == ConnectorException.Kind.CONNECTION) {
            return new EndpointUnreachable(isSource, side + e.getMessage(), e);
        }
        endpointWatch.reached(isSource);
        return e.prefixed(side);
    }
}
