package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceSession;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Reads mailboxes from any IMAP server. Settings: {@link ImapSettings}. */
@Component(service = SourceConnector.class, property = "connector.id=" + ImapSettings.CONNECTOR_ID)
public final class ImapSourceConnector implements SourceConnector {

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
        return ImapSettings.sourceSettings();
    }

    @Override
    public void checkEndpoint(Endpoint endpoint) throws ConnectorException {
        ImapEndpoint.parse(endpoint);
    }

    @Override
    public SourceSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        return new ImapSourceSession(ImapConnection.open(ImapEndpoint.parse(endpoint), credentials));
    }

    @Override
    public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        return ConnectionTests.run(ImapEndpoint.parse(endpoint), credentials);
    }
}
