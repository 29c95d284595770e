package dev.mailferry.connector.office365.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.MailboxCheck;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Writes mailboxes into Exchange Online. The mail goes by IMAP APPEND (original MIME bytes, flags and INTERNALDATE
 * kept) to Exchange Online's IMAP host, logged in app-only with SASL XOAUTH2 as each mailbox: the IMAP target connector
 * does the writing, this connector supplies the endpoint and a fresh token for every session it opens. Settings:
 * {@link Office365Settings}; the credentials are the mailbox's user principal name and the app's client secret.
 */
@Component(service = TargetConnector.class, property = "connector.id=" + Office365Settings.CONNECTOR_ID)
public final class Office365TargetConnector implements TargetConnector {

    /** Exchange Online's IMAP needs this application permission for app-only logins. */
    static final String IMAP_PERMISSION = "IMAP.AccessAsApp";
    /** The Graph-only mode writes mail with this application permission. */
    static final String GRAPH_WRITE_PERMISSION = "Mail.ReadWrite";

    private final AppTokens tokens = new AppTokens();
    private final Map<String, GraphDirectory> directories = new ConcurrentHashMap<>();

    /** The IMAP target that writes the mail. */
    @Reference(target = "(connector.id=" + ImapSettings.CONNECTOR_ID + ")")
    private TargetConnector imap;

    @Override
    public String id() {
        return Office365Settings.CONNECTOR_ID;
    }

    @Override
    public String displayName() {
        return "Office 365 (Exchange Online)";
    }

    @Override
    public List<ConnectorSetting> settings() {
        return Office365Settings.targetSettings();
    }

    @Override
    public void checkEndpoint(Endpoint endpoint) throws ConnectorException {
        Office365Endpoint.parse(endpoint);
    }

    /** With a certificate file, the secret (a PKCS#12 password) may be empty; a client secret may not. */
    @Override
    public boolean needsSecret(Endpoint endpoint) {
        String certificate = endpoint.get(Office365Settings.CERTIFICATE_FILE, null);
        return certificate == null;
    }

    /** The Exchange Online PowerShell that registers the app's service principal and grants it the mailboxes. */
    @Override
    public Optional<String> adminSetupScript(Endpoint endpoint, Secret secret, List<String> mailboxes)
            throws ConnectorException {
        Office365Endpoint office = Office365Endpoint.parse(endpoint);
        String objectId;
        String why;
        try {
            objectId = directory(office, secret).servicePrincipalObjectId();
            why = objectId == null ? "Graph lists no enterprise application for this app id" : null;
        } catch (ConnectorException e) {
            objectId = null;
            why = e.getMessage();
        }
        return Optional.of(ExchangeSetupScript.write(office, mailboxes, objectId, why));
    }

    /**
     * Opens the mailbox {@code credentials.userName()} (its user principal name) with a token MSAL holds or renews; a
     * session opened after the previous token expired simply gets the new one.
     */
    @Override
    public TargetSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        Office365Endpoint office = Office365Endpoint.parse(endpoint);
        if (office.graphOnly()) {
            GraphDirectory graph = directory(office, credentials.password());
            String why = graph.whyNoMailbox(credentials.userName());
            if (why != null) {
                throw new ConnectorException(Kind.NOT_FOUND, "Cannot write to " + credentials.userName() + ": " + why);
            }
            return new GraphTargetSession(graph, credentials.userName());
        }
        AppTokens.AccessToken token = tokens.forImap(office, credentials.password());
        TargetSession session;
        try {
            session = imap.open(office.imapEndpoint(), new Credentials(credentials.userName(), Secret.of(token.value())));
        } catch (ConnectorException e) {
            throw explainLogin(e, office, token, credentials.userName());
        }
        try {
            return new ExchangeTargetSession(session, directory(office, credentials.password()), credentials.userName());
        } catch (ConnectorException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Before any copy: the user exists in the tenant and has an Exchange Online mailbox (Graph), and the app may log
     * in to it over IMAP.
     */
    @Override
    public MailboxCheck checkMailbox(Endpoint endpoint, Credentials credentials) {
        String mailbox = credentials.userName();
        try {
            Office365Endpoint office = Office365Endpoint.parse(endpoint);
            String why = directory(office, credentials.password()).whyNoMailbox(mailbox);
            if (why != null) {
                return new MailboxCheck(mailbox, false, why);
            }
            if (office.graphOnly()) {
                // reading the inbox (above) needs only Mail.Read; writing needs Mail.ReadWrite: say so before any copy
                List<String> roles = TokenClaims.roles(tokens.acquire(office, credentials.password(), office.graphScope())
                        .value());
                if (!roles.isEmpty() && !roles.contains(GRAPH_WRITE_PERMISSION)) {
                    return new MailboxCheck(mailbox, false, "the app's Graph token lacks the application permission "
                            + GRAPH_WRITE_PERMISSION + " (it has " + String.join(", ", roles) + "): grant it, with admin"
                            + " consent, to application " + office.clientId());
                }
                return new MailboxCheck(mailbox, true, "user found, Exchange Online mailbox, " + GRAPH_WRITE_PERMISSION
                        + " (Graph-only mode: no IMAP)");
            }
            open(endpoint, credentials).close();
            return new MailboxCheck(mailbox, true, "user found, Exchange Online mailbox, IMAP login as the app works");
        } catch (ConnectorException e) {
            return new MailboxCheck(mailbox, false, e.getMessage());
        }
    }

    private GraphDirectory directory(Office365Endpoint office, Secret clientSecret) throws ConnectorException {
        String key = office + "\n" + AppTokens.sha256(clientSecret.reveal());
        GraphDirectory existing = directories.get(key);
        if (existing != null) {
            return existing;
        }
        GraphDirectory created = new GraphDirectory(office, tokens, clientSecret);
        GraphDirectory raced = directories.putIfAbsent(key, created);
        return raced != null ? raced : created;
    }

    /**
     * Gets the IMAP and the Graph token, says which permissions they carry, and logs in to the mailbox over IMAP.
     */
    @Override
    public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
        Office365Endpoint office = Office365Endpoint.parse(endpoint);
        if (office.graphOnly()) {
            return testGraphOnly(office, credentials);
        }
        AppTokens.AccessToken token = tokens.forImap(office, credentials.password());
        List<String> roles = TokenClaims.roles(token.value());
        List<String> graphRoles = TokenClaims.roles(tokens.acquire(office, credentials.password(), office.graphScope())
                .value());
        ConnectionTestResult imapResult;
        try {
            imapResult = imap.testConnection(office.imapEndpoint(),
                    new Credentials(credentials.userName(), Secret.of(token.value())));
        } catch (ConnectorException e) {
            throw explainLogin(e, office, token, credentials.userName());
        }
        return new ConnectionTestResult("Exchange Online IMAP " + imapResult.server() + "; token from "
                + office.loginHost() + " for application " + office.clientId() + " with permissions "
                + (roles.isEmpty() ? "(none listed)" : String.join(", ", roles)) + " (Exchange) and "
                + (graphRoles.isEmpty() ? "(none listed)" : String.join(", ", graphRoles)) + " (Graph), valid until "
                + token.expiresOn(),
                imapResult.security(), imapResult.capabilities(), imapResult.namespaces(), imapResult.folderCount());
    }

    /** Graph-only mode: the Graph token, its permissions, and the mailbox's folders listed through Graph. */
    private ConnectionTestResult testGraphOnly(Office365Endpoint office, Credentials credentials)
            throws ConnectorException {
        AppTokens.AccessToken token = tokens.acquire(office, credentials.password(), office.graphScope());
        List<String> roles = TokenClaims.roles(token.value());
        int folders;
        try (TargetSession session = new GraphTargetSession(directory(office, credentials.password()),
                credentials.userName())) {
            folders = session.listFolders().size();
        }
        return new ConnectionTestResult("Microsoft Graph at " + java.net.URI.create(office.graphUrl()).getHost()
                + " (Graph-only mode, no IMAP); token from " + office.loginHost() + " for application "
                + office.clientId() + " with permissions " + (roles.isEmpty() ? "(none listed)" : String.join(", ", roles))
                + ", valid until " + token.expiresOn(), "TLS", List.of(), List.of(), folders);
    }

    /**
     * Exchange answers a refused app-only login with a bare "AUTHENTICATE failed": say what usually causes it, using
     * what the token tells.
     */
    private static ConnectorException explainLogin(ConnectorException e, Office365Endpoint office,
            AppTokens.AccessToken token, String mailbox) {
        if (e.kind() != Kind.AUTHENTICATION) {
            return e;
        }
        List<String> roles = TokenClaims.roles(token.value());
        String hint = !roles.isEmpty() && !roles.contains(IMAP_PERMISSION)
                ? " The token lacks the application permission " + IMAP_PERMISSION + " (it has " + String.join(", ", roles)
                        + "): grant it, with admin consent, to application " + office.clientId() + "."
                : " Check that the mailbox exists and is licensed, that the application's service principal is"
                        + " registered in Exchange Online (New-ServicePrincipal) and has FullAccess on " + mailbox
                        + " (Add-MailboxPermission), and that IMAP is enabled for the mailbox.";
        return new ConnectorException(Kind.AUTHENTICATION, e.getMessage() + hint);
    }
}
