package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.Fingerprints;
import java.util.Locale;

/** An IMAP endpoint's settings, parsed and checked once, plus the login derived from them and the credentials. */
record ImapEndpoint(String host, int port, Security security, Auth auth, String adminUser, AdminMode adminMode,
        String adminSeparator, String trustedFingerprint, int connectTimeoutMillis, int readTimeoutMillis,
        FolderPath userRoot, int appendPipeline) {

    enum Security {
        NONE, SSL, STARTTLS
    }

    enum Auth {
        /** SASL PLAIN, or the LOGIN command where the server has no AUTH=PLAIN. */
        PLAIN,
        /** The LOGIN command. */
        LOGIN,
        /** SASL XOAUTH2: the credentials' password is an OAuth 2.0 access token. */
        XOAUTH2
    }

    enum AdminMode {
        MASTER, AUTHZID
    }

    static ImapEndpoint parse(Endpoint endpoint) throws ConnectorException {
        try {
            String host = endpoint.get(ImapSettings.HOST, null);
            if (host == null) {
                throw configuration("The IMAP endpoint has no host ('" + ImapSettings.HOST + "').");
            }
            Security security = switch (endpoint.get(ImapSettings.SECURITY, ImapSettings.SECURITY_SSL)
                    .toLowerCase(Locale.ROOT)) {
                case ImapSettings.SECURITY_SSL -> Security.SSL;
                case ImapSettings.SECURITY_STARTTLS -> Security.STARTTLS;
                case ImapSettings.SECURITY_NONE -> Security.NONE;
                default -> throw configuration("Setting '" + ImapSettings.SECURITY + "' must be ssl, starttls or none, not '"
                        + endpoint.get(ImapSettings.SECURITY) + "'.");
            };
            int port = endpoint.getInt(ImapSettings.PORT, security == Security.SSL ? 993 : 143);
            if (port < 1 || port > 65535) {
                throw configuration("Setting '" + ImapSettings.PORT + "' must lie between 1 and 65535, not " + port + ".");
            }
            Auth auth = switch (endpoint.get(ImapSettings.AUTH, ImapSettings.AUTH_PLAIN).toLowerCase(Locale.ROOT)) {
                case ImapSettings.AUTH_PLAIN -> Auth.PLAIN;
                case ImapSettings.AUTH_LOGIN -> Auth.LOGIN;
                case ImapSettings.AUTH_XOAUTH2 -> Auth.XOAUTH2;
                default -> throw configuration("Setting '" + ImapSettings.AUTH + "' must be plain or login, not '"
                        + endpoint.get(ImapSettings.AUTH) + "'.");
            };
            String adminUser = endpoint.get(ImapSettings.ADMIN_USER, null);
            AdminMode adminMode = switch (endpoint.get(ImapSettings.ADMIN_MODE, ImapSettings.ADMIN_MODE_MASTER)
                    .toLowerCase(Locale.ROOT)) {
                case ImapSettings.ADMIN_MODE_MASTER -> AdminMode.MASTER;
                case ImapSettings.ADMIN_MODE_AUTHZID -> AdminMode.AUTHZID;
                default -> throw configuration("Setting '" + ImapSettings.ADMIN_MODE + "' must be master or authzid, not '"
                        + endpoint.get(ImapSettings.ADMIN_MODE) + "'.");
            };
            if (adminUser != null && auth == Auth.XOAUTH2) {
                throw configuration("An admin login and '" + ImapSettings.AUTH + "=xoauth2' exclude each other: the"
                        + " token already says who may open which mailbox.");
            }
            if (adminUser != null && adminMode == AdminMode.AUTHZID && auth != Auth.PLAIN) {
                throw configuration("An authorization identity needs SASL PLAIN: set '" + ImapSettings.AUTH
                        + "=plain' or use '" + ImapSettings.ADMIN_MODE + "=master'.");
            }
            String separator = endpoint.get(ImapSettings.ADMIN_SEPARATOR, "*");
            String trust = Fingerprints.parseSetting(ImapSettings.TLS_TRUST, endpoint.get(ImapSettings.TLS_TRUST, null));
            int connectTimeout = endpoint.getInt(ImapSettings.CONNECT_TIMEOUT, 30);
            int readTimeout = endpoint.getInt(ImapSettings.READ_TIMEOUT, 300);
            String root = endpoint.get(ImapSettings.USER_ROOT, null);
            FolderPath userRoot = root == null ? FolderPath.ROOT : FolderPath.parse(root, '/');
            int pipeline = Math.max(1, endpoint.getInt(ImapSettings.APPEND_PIPELINE, 64));
            return new ImapEndpoint(host, port, security, auth, adminUser, adminMode, separator, trust,
                    Math.max(1, connectTimeout) * 1000, Math.max(1, readTimeout) * 1000, userRoot, pipeline);
        } catch (IllegalArgumentException e) {
            throw configuration(e.getMessage());
        }
    }

    /** For messages: {@code imap.example.com:993}. */
    String address() {
        return host + ":" + port;
    }

    /** The name that logs in, for messages: {@code alice} or {@code alice (as admin 'admin')}. */
    String describeLogin(Credentials credentials) {
        return adminUser == null ? "'" + credentials.userName() + "'"
                : "'" + credentials.userName() + "' (through admin '" + adminUser + "')";
    }

    /** The authentication identity sent to the server. */
    String authenticationUser(Credentials credentials) {
        if (adminUser == null) {
            return credentials.userName();
        }
        return adminMode == AdminMode.MASTER ? credentials.userName() + adminSeparator + adminUser : adminUser;
    }

    /** The authorization identity for SASL PLAIN, empty when the authentication identity is the mailbox itself. */
    String authorizationUser(Credentials credentials) {
        return adminUser != null && adminMode == AdminMode.AUTHZID ? credentials.userName() : "";
    }

    private static ConnectorException configuration(String message) {
        return new ConnectorException(Kind.CONFIGURATION, message);
    }
}
