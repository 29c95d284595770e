package dev.mailferry.connector.imap;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorSetting;
import java.util.ArrayList;
import java.util.List;

/**
 * The setting keys of an {@link dev.mailferry.core.model.Endpoint} whose connector id is {@value #CONNECTOR_ID}, for
 * both the IMAP source and the IMAP target. All values are plain strings; none is a secret. {@link #sourceSettings()}
 * and {@link #targetSettings()} describe them (types, defaults, help) for the command line and forms.
 *
 * <h2>Passwords</h2>
 * The password always arrives as the {@link Credentials#password()} given to {@code open}/{@code testConnection}:
 * <ul>
 * <li>without {@link #ADMIN_USER}: {@code Credentials(mailboxUser, mailboxPassword)};</li>
 * <li>with {@link #ADMIN_USER} set: {@code Credentials(mailboxUser, adminPassword)} &mdash; the user name names the
 * mailbox to open, the secret is the admin's password, which the engine keeps once per endpoint in its secret store
 * ({@link #adminCredentials} builds this).</li>
 * </ul>
 *
 * <h2>User root</h2>
 * {@link #USER_ROOT} is per mailbox (the CSV's optional UserRoot column): the engine passes it by opening the mailbox
 * with {@code endpoint.with(ImapSettings.USER_ROOT, entry.userRoot())}.
 */
public final class ImapSettings {

    /** The {@code connector.id} of the IMAP source and target services. */
    public static final String CONNECTOR_ID = "imap";

    /** Host name or address of the IMAP server. Required. */
    public static final String HOST = "host";
    /** TCP port; default 993 for {@link #SECURITY_SSL}, otherwise 143. */
    public static final String PORT = "port";

    /** Transport security: {@link #SECURITY_SSL} (default), {@link #SECURITY_STARTTLS} or {@link #SECURITY_NONE}. */
    public static final String SECURITY = "security";
    public static final String SECURITY_NONE = "none";
    public static final String SECURITY_SSL = "ssl";
    public static final String SECURITY_STARTTLS = "starttls";

    /**
     * Authentication: {@link #AUTH_PLAIN} (SASL {@code AUTHENTICATE PLAIN}, the default; falls back to the
     * {@code LOGIN} command when the server offers no AUTH=PLAIN and no authorization identity is needed) or
     * {@link #AUTH_LOGIN} (the IMAP {@code LOGIN} command).
     */
    public static final String AUTH = "auth";
    public static final String AUTH_PLAIN = "plain";
    public static final String AUTH_LOGIN = "login";
    /**
     * SASL XOAUTH2 with an OAuth 2.0 access token as the credentials' password. Not offered to users (a token expires
     * within the hour): connectors that fetch tokens themselves, such as Office 365's, open IMAP sessions with it.
     */
    public static final String AUTH_XOAUTH2 = "xoauth2";

    /** Login name of an administrator allowed to open every mailbox; empty for per-mailbox passwords. */
    public static final String ADMIN_USER = "admin.user";
    /**
     * How the admin opens a mailbox: {@link #ADMIN_MODE_MASTER} (default; logs in as
     * {@code mailbox + separator + admin}, Dovecot's master users) or {@link #ADMIN_MODE_AUTHZID} (SASL PLAIN with
     * authorization identity = mailbox, authentication identity = admin; needs {@code auth=plain}).
     */
    public static final String ADMIN_MODE = "admin.mode";
    public static final String ADMIN_MODE_MASTER = "master";
    public static final String ADMIN_MODE_AUTHZID = "authzid";
    /** Separator of a master login, default {@code *} (Dovecot's {@code auth_master_user_separator}). */
    public static final String ADMIN_SEPARATOR = "admin.separator";
    /**
     * The admin's password, described as a {@link ConnectorSetting.Type#SECRET} setting so that forms ask for it; never
     * an endpoint setting: the engine keeps it in its secret store and passes it as the credentials' password.
     */
    public static final String ADMIN_PASSWORD = "admin.password";

    /**
     * SHA-256 fingerprint (hex, colons and case ignored) of a server certificate the user has explicitly trusted, e.g.
     * a self-signed one. Certificates are otherwise verified against the JDK trust store and the host name; a failure
     * is a {@code ConnectorException} of kind {@code UNTRUSTED_CERTIFICATE} carrying the presented fingerprint.
     */
    public static final String TLS_TRUST = "tls.trust";

    /** Seconds to wait for the TCP/TLS connection; default 30. */
    public static final String CONNECT_TIMEOUT = "timeout.connect";
    /** Seconds to wait for any answer of the server; default 300 (a large APPEND or FETCH takes a while). */
    public static final String READ_TIMEOUT = "timeout.read";

    /**
     * Source only: the folder below which this user's folders live (Exchange's UserRoot), written with '/' between
     * levels whatever the server's delimiter, e.g. {@code Users/alice}. Folders outside it are not listed and paths
     * are reported relative to it.
     */
    public static final String USER_ROOT = "user.root";

    /** Target only: how many APPENDs may await the server's answer at once (LITERAL+ pipelining); default 64. */
    public static final String APPEND_PIPELINE = "append.pipeline";

    private ImapSettings() {
    }

    /** The settings of an IMAP source, in the order a form shows them. */
    public static List<ConnectorSetting> sourceSettings() {
        return common(false);
    }

    /** The settings of an IMAP target, in the order a form shows them ({@link #USER_ROOT} does not apply). */
    public static List<ConnectorSetting> targetSettings() {
        return common(true);
    }

    /** {@link #USER_ROOT} is left out of both: the engine sets it per mailbox from the CSV. */
    private static List<ConnectorSetting> common(boolean target) {
        List<ConnectorSetting> settings = new ArrayList<>(List.of(
                ConnectorSetting.text(HOST, "Host", "Host name or address of the IMAP server.").asRequired(),
                ConnectorSetting.port(PORT, "Port", "TCP port; default 993 with ssl, else 143."),
                ConnectorSetting.choice(SECURITY, "Security", "Transport security: TLS from the start, STARTTLS, or none.",
                        SECURITY_SSL, SECURITY_STARTTLS, SECURITY_NONE).withDefault(SECURITY_SSL),
                ConnectorSetting.choice(AUTH, "Authentication",
                        "plain: SASL AUTHENTICATE PLAIN (LOGIN when the server lacks it); login: the IMAP LOGIN command.",
                        AUTH_PLAIN, AUTH_LOGIN).withDefault(AUTH_PLAIN),
                ConnectorSetting.text(ADMIN_USER, "Admin user",
                        "Admin login that opens every mailbox (e.g. a Dovecot master user); empty for per-mailbox passwords."),
                ConnectorSetting.secret(ADMIN_PASSWORD, "Admin password",
                        "Password of the admin user; kept in the secret store, never in the project."),
                ConnectorSetting.choice(ADMIN_MODE, "Admin login mode",
                        "master: log in as mailbox + separator + admin; authzid: SASL PLAIN with the mailbox as authorization identity.",
                        ADMIN_MODE_MASTER, ADMIN_MODE_AUTHZID).withDefault(ADMIN_MODE_MASTER),
                ConnectorSetting.text(ADMIN_SEPARATOR, "Master user separator",
                        "Between mailbox and admin in a master login (Dovecot's auth_master_user_separator).").withDefault("*"),
                ConnectorSetting.sha256(TLS_TRUST, "Trusted certificate",
                        "SHA-256 fingerprint of a server certificate to trust although the JDK does not (e.g. self-signed)."),
                ConnectorSetting.integer(CONNECT_TIMEOUT, "Connect timeout", 1, 3600,
                        "Seconds to wait for the TCP and TLS connection.").withDefault("30"),
                ConnectorSetting.integer(READ_TIMEOUT, "Read timeout", 1, 86400,
                        "Seconds to wait for any answer of the server.").withDefault("300")));
        if (target) {
            settings.add(ConnectorSetting.integer(APPEND_PIPELINE, "APPEND pipeline", 1, 1000,
                    "How many APPENDs may await the server's answer at once.").withDefault("64"));
        }
        return List.copyOf(settings);
    }

    /** Credentials to open {@code mailboxUser} with the endpoint's admin password (see the class comment). */
    public static Credentials adminCredentials(String mailboxUser, Secret adminPassword) {
        return new Credentials(mailboxUser, adminPassword);
    }
}
