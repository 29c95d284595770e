package dev.mailferry.engine.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetSession;
import java.util.Objects;

/** Where a pass writes a mailbox to: the target connector, the mailbox's endpoint and its credentials. */
public record TargetSide(TargetConnector connector, Endpoint endpoint, Credentials credentials) {

    public TargetSide {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** Connects and logs in. */
    TargetSession open() throws ConnectorException {
        return connector.open(endpoint, credentials);
    }
}
