package dev.mailferry.core.spi;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;

/**
 * Writes mailboxes into a kind of target system (another IMAP server, Office 365...). Registered as an OSGi service
 * with the property {@code connector.id}, like {@link SourceConnector}.
 *
 * <p>Contract: a message is reported as accepted only once the target has durably taken it (IMAP: the tagged OK of
 * APPEND; Graph: the 201 response). The engine records a message as copied only on that report, and relies on
 * {@link TargetFolderWriter#appendedSince(String)} to find out, after a crash, which in-flight messages the target had
 * already accepted.
 */
public interface TargetConnector {

    /** Stable identifier, equal to the {@code connector.id} service property. */
    String id();

    String displayName();

    /**
     * Logs in to the target mailbox; fails with {@link ConnectorException.Kind#NOT_FOUND} when the mailbox does not
     * exist and {@link ConnectorException.Kind#AUTHENTICATION} when the login is refused.
     */
    TargetSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException;

    ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException;
}
