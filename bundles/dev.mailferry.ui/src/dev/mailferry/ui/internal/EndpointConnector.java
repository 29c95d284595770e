package dev.mailferry.ui.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.MailboxCheck;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.engine.MigrationEngine;
import java.util.List;

/**
 * A source or a target connector seen the same way, so that one wizard page serves both ends: what the command line's
 * {@code source set} / {@code target set} and {@code test} use of a connector, nothing more.
 */
interface EndpointConnector {

    /** Which end of the migration an endpoint is. */
    enum Role {
        SOURCE("Source", "where the mailboxes come from"), TARGET("Target", "where the mailboxes go");

        private final String title;
        private final String meaning;

        Role(String title, String meaning) {
            this.title = title;
            this.meaning = meaning;
        }

        String title() {
            return title;
        }

        String meaning() {
            return meaning;
        }
    }

    String id();

    String displayName();

    List<ConnectorSetting> settings();

    void checkEndpoint(Endpoint endpoint) throws ConnectorException;

    ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException;

    /**
     * A target's check of one mailbox before any copy ({@code TargetConnector.checkMailbox}); null for a source,
     * which has no such check.
     */
    default MailboxCheck checkMailbox(Endpoint endpoint, Credentials credentials) {
        return null;
    }

    /** Whether opening a mailbox needs a password or secret ({@code TargetConnector.needsSecret}). */
    default boolean needsSecret(Endpoint endpoint) {
        return true;
    }

    /** The installed connectors for {@code role}, in the engine's order. */
    static List<EndpointConnector> installed(MigrationEngine engine, Role role) {
        return role == Role.SOURCE ? engine.sourceConnectors().stream().map(EndpointConnector::of).toList()
                : engine.targetConnectors().stream().map(EndpointConnector::of).toList();
    }

    static EndpointConnector of(SourceConnector connector) {
        return new EndpointConnector() {
            @Override
            public String id() {
                return connector.id();
            }

            @Override
            public String displayName() {
                return connector.displayName();
            }

            @Override
            public List<ConnectorSetting> settings() {
                return connector.settings();
            }

            @Override
            public void checkEndpoint(Endpoint endpoint) throws ConnectorException {
                connector.checkEndpoint(endpoint);
            }

            @Override
            public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
                return connector.testConnection(endpoint, credentials);
            }
        };
    }

    static EndpointConnector of(TargetConnector connector) {
        return new EndpointConnector() {
            @Override
            public String id() {
                return connector.id();
            }

            @Override
            public String displayName() {
                return connector.displayName();
            }

            @Override
            public List<ConnectorSetting> settings() {
                return connector.settings();
            }

            @Override
            public void checkEndpoint(Endpoint endpoint) throws ConnectorException {
                connector.checkEndpoint(endpoint);
            }

            @Override
            public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
                return connector.testConnection(endpoint, credentials);
            }

            @Override
            public MailboxCheck checkMailbox(Endpoint endpoint, Credentials credentials) {
                return connector.checkMailbox(endpoint, credentials);
            }

            @Override
            public boolean needsSecret(Endpoint endpoint) {
                return connector.needsSecret(endpoint);
            }
        };
    }
}
