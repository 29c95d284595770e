package dev.mailferry.core.spi;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import java.util.List;

/**
 * Reads mailboxes from a kind of source system. Implementations are OSGi services (Declarative Services) registered
 * with the property {@code connector.id}; the engine and the UI find them in the service registry, so a connector
 * bundle installed from the update site is usable at once.
 *
 * <p>Contract for every implementation:
 * <ul>
 * <li>A source connector never changes anything on the source: no flag changes (read with BODY.PEEK or the
 * equivalent), no deletes, no moves, no folder creation.</li>
 * <li>Methods that do network I/O declare {@link ConnectorException}; its message names the server and folder and
 * never contains a password or token.</li>
 * <li>The service object is thread safe; the sessions it opens are used by one thread at a time.</li>
 * </ul>
 */
public interface SourceConnector {

    /** Stable identifier stored in project files, e.g. {@code "imap"}. Equals the {@code connector.id} property. */
    String id();

    /** Name for people, e.g. "IMAP server". */
    String displayName();

    /**
     * The endpoint settings this connector reads, in the order a form shows them; each with its type, default and help
     * (see {@link ConnectorSetting}). The command line accepts exactly these keys for a source of this connector and
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
     * Logs in to one mailbox. Fails with {@link ConnectorException.Kind#AUTHENTICATION} for a refused login, with
     * {@link ConnectorException.Kind#UNTRUSTED_CERTIFICATE} when TLS verification fails and the endpoint does not
     * explicitly trust the presented certificate.
     */
    SourceSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException;

    /** Connects, logs in, lists folders, and describes what it found. Changes nothing. */
    ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException;
}
