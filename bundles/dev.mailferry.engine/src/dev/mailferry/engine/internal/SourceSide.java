package dev.mailferry.engine.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceSession;
import java.util.Objects;

/** Where a pass reads a mailbox from: the source connector, the mailbox's endpoint and its credentials. */
public record SourceSide(SourceConnector connector, Endpoint endpoint, Credentials credentials) {

    public SourceSide {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** Connects and logs in. */
    SourceSession open() throws ConnectorException {
        return connector.open(endpoint, credentials);
    }
}
