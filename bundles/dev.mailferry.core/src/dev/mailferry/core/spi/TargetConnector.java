package dev.mailferry.core.spi;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import java.util.List;
import java.util.Optional;

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
     * The endpoint settings this connector reads, in the order a form shows them; each with its type, default and help
     * (see {@link ConnectorSetting}). The command line accepts exactly these keys for a target of this connector and
     * checks every value with {@link ConnectorSetting#validate(String)} before saving it. The connector's secret, if it
     * takes one, is listed as {@link ConnectorSetting.Type#SECRET} and never stored as a setting. Settings the engine
     * reads for every connector ({@link Endpoint#MAX_CONNECTIONS}) and the per-mailbox ones it sets itself are not
     * listed here.
     *
     * @return the described settings; empty when the connector does not describe them, in which case any key that
     *         does not look like a secret is accepted unchecked
     */
    default List<ConnectorSetting> settings() {
        return List.of();
    }

    /**
     * Checks a whole endpoint the way {@code open} would read it, without touching the network: settings that do not
     * fit together, values a single setting's check cannot judge (an id that must be a GUID). The command line calls it
     * before it saves an endpoint, so that a mistake is reported when it is made, not at the first pass.
     *
     * @throws ConnectorException of kind {@link ConnectorException.Kind#CONFIGURATION} naming the setting
     */
    default void checkEndpoint(Endpoint endpoint) throws ConnectorException {
    }

    /**
     * What the target's administrator must run once before the mailboxes can be written (e.g. the Exchange Online
     * PowerShell that registers an app and grants it access), filled in with the endpoint's settings and the project's
     * target mailboxes, for the user to hand over; empty when the target needs nothing of the kind. Changes nothing; a
     * connector may look ids up with the endpoint's secret, and leaves a placeholder where it cannot.
     *
     * @param secret    the endpoint's secret (an app's client secret), possibly empty
     * @param mailboxes the target user names of the project's mailboxes
     */
    default Optional<String> adminSetupScript(Endpoint endpoint, Secret secret, List<String> mailboxes)
            throws ConnectorException {
        return Optional.empty();
    }

    /**
     * Whether opening a mailbox of this endpoint needs a password or secret (the engine then refuses to log in with a
     * blank one, which would only be refused and might lock the account). False when the endpoint authenticates
     * otherwise, e.g. with a certificate. Default: true.
     */
    default boolean needsSecret(Endpoint endpoint) {
        return true;
    }

    /**
     * Checks one mailbox the way a pass would use it, before any copy (the user exists and has a mailbox, the login
     * works), and changes nothing. The command line runs it for every mailbox of a project, several at a time.
     * Default: opens a session and closes it again.
     */
    default MailboxCheck checkMailbox(Endpoint endpoint, Credentials credentials) {
        try (TargetSession session = open(endpoint, credentials)) {
            return new MailboxCheck(credentials.userName(), true, "logged in");
        } catch (ConnectorException e) {
            return new MailboxCheck(credentials.userName(), false, e.getMessage());
        }
    }

    /**
     * Logs in to the target mailbox; fails with {@link ConnectorException.Kind#NOT_FOUND} when the mailbox does not
     * exist and {@link ConnectorException.Kind#AUTHENTICATION} when the login is refused.
     */
    TargetSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException;

    ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException;
}
