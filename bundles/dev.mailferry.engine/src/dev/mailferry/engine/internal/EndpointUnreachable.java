package dev.mailferry.engine.internal;

import dev.mailferry.core.spi.ConnectorException;

/**
 * A connection to the source or the target could not be opened (the server is down, unreachable, or does not answer):
 * a fault of the endpoint, shared by every mailbox of the pass, not of one mailbox.
 */
public final class EndpointUnreachable extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final boolean source;

    public EndpointUnreachable(boolean source, String message, Throwable cause) {
        super(Kind.CONNECTION, message, cause);
        this.source = source;
    }

    /** True for the source endpoint, false for the target. */
    public boolean source() {
        return source;
    }
}
