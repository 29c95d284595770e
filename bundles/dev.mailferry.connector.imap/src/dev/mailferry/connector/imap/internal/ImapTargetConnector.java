package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetSession;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Writes mailboxes into any IMAP server. Settings: {@link ImapSettings} ({@code user.root} is ignored). An IMAP server
 * cannot tell "mailbox missing" from "wrong password", so both fail as AUTHENTICATION.
 */
@Component(service = TargetConnector.class, property = "connector.id=" + ImapSettings.CONNECTOR_ID)
public final class ImapTargetConnector implements TargetConnector {

    @Override
    public String id() {
        return ImapSettings.CONNECTOR_ID;
    }

    @Override
    public String displayName() {
        return "IMAP server";
    }

    @Override
    public List<ConnectorSetting> settings() {
        return ImapSettings.targetSettings();
    }

    @Override
    public void checkEndpoint(Endpoint endpoint) throws ConnectorException {
        targetOnly(endpoint);
    }

    @Override
    public TargetSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        return new ImapTargetSession(ImapConnection.open(targetOnly(endpoint), credentials));
    }

    @Override
    public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        return ConnectionTests.run(targetOnly(endpoint), credentials);
    }

    private static ImapEndpoint targetOnly(Endpoint endpoint) throws ConnectorException {
        return ImapEndpoint.parse(endpoint.with(ImapSettings.USER_ROOT, null));
    }
}
