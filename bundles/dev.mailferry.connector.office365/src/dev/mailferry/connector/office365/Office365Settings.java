package dev.mailferry.connector.office365;

import dev.mailferry.core.spi.ConnectorSetting;
import java.util.List;

/**
 * The setting keys of a target {@link dev.mailferry.core.model.Endpoint} whose connector id is {@value #CONNECTOR_ID}:
 * an Entra ID application (tenant, client id) allowed to open the tenant's Exchange Online mailboxes app-only, and the
 * hosts of the cloud it lives in. {@link #targetSettings()} describes them for the command line and forms.
 *
 * <h2>The client secret</h2>
 * The application's client secret is the endpoint's secret: the engine keeps it in its secret store and passes it as
 * {@link dev.mailferry.core.model.Credentials#password()}, with the mailbox's user principal name as the user name.
 *
 * <h2>Hosts</h2>
 * {@link #CLOUD} chooses the login, Graph and IMAP hosts of Microsoft's global cloud, US Government (GCC High, DoD) or
 * China (21Vianet); {@link #LOGIN_URL}, {@link #GRAPH_URL}, {@link #IMAP_HOST} and {@link #IMAP_PORT} override any of
 * them, e.g. for a proxy or a local stand-in.
 */
public final class Office365Settings {

    /** The {@code connector.id} of the Office 365 target service. */
    public static final String CONNECTOR_ID = "office365";

    /** The Entra ID tenant: its id (a GUID) or one of its domains, e.g. {@code contoso.onmicrosoft.com}. Required. */
    public static final String TENANT = "tenant";
    /** The application (client) id of the app registration, a GUID. Required. */
    public static final String CLIENT_ID = "client.id";
    /** The app's client secret; described as a SECRET setting, never stored as one (see the class comment). */
    public static final String CLIENT_SECRET = "client.secret";
    /**
     * The app's certificate credential, preferred to a client secret: a PEM file with the certificate and its
     * unencrypted PKCS#8 private key, or a PKCS#12 file (.p12, .pfx) whose password is then the endpoint's secret.
     */
    public static final String CERTIFICATE_FILE = "certificate.file";

    /** Microsoft's cloud: {@link #CLOUD_GLOBAL} (default), {@link #CLOUD_GCC_HIGH}, {@link #CLOUD_DOD}, {@link #CLOUD_CHINA}. */
    public static final String CLOUD = "cloud";
    public static final String CLOUD_GLOBAL = "global";
    public static final String CLOUD_GCC_HIGH = "usgov-gcchigh";
    public static final String CLOUD_DOD = "usgov-dod";
    public static final String CLOUD_CHINA = "china";

    /** The login (token) service, e.g. {@code https://login.microsoftonline.com}; default: the cloud's. */
    public static final String LOGIN_URL = "login.url";
    /** Microsoft Graph, e.g. {@code https://graph.microsoft.com}; default: the cloud's. */
    public static final String GRAPH_URL = "graph.url";
    /** Exchange Online's IMAP host, e.g. {@code outlook.office365.com}; default: the cloud's. */
    public static final String IMAP_HOST = "imap.host";
    /** Exchange Online's IMAP port (implicit TLS); default 993. */
    public static final String IMAP_PORT = "imap.port";

    /**
     * SHA-256 fingerprint of a certificate to trust for the login, Graph and IMAP hosts although the JDK does not (a
     * TLS-inspecting proxy, a local stand-in). Certificates are otherwise verified against the JDK trust store.
     */
    public static final String TLS_TRUST = "tls.trust";

    /** Seconds to wait for a connection; default 30. */
    public static final String CONNECT_TIMEOUT = "timeout.connect";
    /** Seconds to wait for any answer; default 300. */
    public static final String READ_TIMEOUT = "timeout.read";
    /**
     * How the mail is written: {@link #MODE_IMAP} (default: IMAP APPEND, original bytes kept) or {@link #MODE_GRAPH}
     * (Microsoft Graph only, for tenants that disable IMAP: each message rebuilt as a Graph item, see the README).
     */
    public static final String MODE = "mode";
    public static final String MODE_IMAP = "imap";
    public static final String MODE_GRAPH = "graph";

    /** How many IMAP APPENDs may await Exchange's answer at once; default 64. */
    public static final String APPEND_PIPELINE = "append.pipeline";

    private Office365Settings() {
    }

    /** The settings of an Office 365 target, in the order a form shows them. */
    public static List<ConnectorSetting> targetSettings() {
        return List.of(
                ConnectorSetting.text(TENANT, "Tenant", "Entra ID tenant id (GUID) or domain, e.g. contoso.onmicrosoft.com.")
                        .asRequired(),
                ConnectorSetting.text(CLIENT_ID, "Application (client) id",
                        "The app registration's application id (a GUID); it needs IMAP.AccessAsApp and FullAccess on the mailboxes.")
                        .asRequired(),
                ConnectorSetting.file(CERTIFICATE_FILE, "Certificate file",
                        "The app's certificate (preferred to a secret): PEM with its unencrypted private key, or PKCS#12 whose password is the secret."),
                ConnectorSetting.secret(CLIENT_SECRET, "Client secret",
                        "The app's client secret, or the PKCS#12 certificate's password; kept in the secret store, never in the project."),
                ConnectorSetting.choice(MODE, "Mode",
                        "imap: the mail goes by IMAP APPEND and keeps its original bytes (default); graph: Microsoft Graph"
                                + " only, for tenants that disable IMAP (rebuilt items: original MIME and S/MIME signatures are lost).",
                        MODE_IMAP, MODE_GRAPH).withDefault(MODE_IMAP),
                ConnectorSetting.choice(CLOUD, "Cloud", "Microsoft's cloud the tenant lives in.", CLOUD_GLOBAL,
                        CLOUD_GCC_HIGH, CLOUD_DOD, CLOUD_CHINA).withDefault(CLOUD_GLOBAL),
                ConnectorSetting.text(LOGIN_URL, "Login URL", "Token service; default: the cloud's (https://login.microsoftonline.com)."),
                ConnectorSetting.text(GRAPH_URL, "Graph URL", "Microsoft Graph; default: the cloud's (https://graph.microsoft.com)."),
                ConnectorSetting.text(IMAP_HOST, "IMAP host", "Exchange Online's IMAP host; default: the cloud's (outlook.office365.com)."),
                ConnectorSetting.port(IMAP_PORT, "IMAP port", "Exchange Online's IMAP port (TLS).").withDefault("993"),
                ConnectorSetting.sha256(TLS_TRUST, "Trusted certificate",
                        "SHA-256 fingerprint of a certificate to trust for these hosts although the JDK does not."),
                ConnectorSetting.integer(CONNECT_TIMEOUT, "Connect timeout", 1, 3600,
                        "Seconds to wait for a connection.").withDefault("30"),
                ConnectorSetting.integer(READ_TIMEOUT, "Read timeout", 1, 86400,
                        "Seconds to wait for any answer.").withDefault("300"),
                ConnectorSetting.integer(APPEND_PIPELINE, "APPEND pipeline", 1, 1000,
                        "How many IMAP APPENDs may await Exchange's answer at once.").withDefault("64"));
    }
}
