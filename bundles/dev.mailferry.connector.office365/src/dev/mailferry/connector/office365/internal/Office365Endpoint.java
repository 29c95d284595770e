package dev.mailferry.connector.office365.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.Fingerprints;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** An Office 365 endpoint's settings, parsed and checked once. */
record Office365Endpoint(String tenant, String clientId, java.nio.file.Path certificateFile, MicrosoftCloud cloud,
        String loginUrl, String graphUrl,
        String imapHost, int imapPort, String trustedFingerprint, int connectTimeoutSeconds, int readTimeoutSeconds,
        int appendPipeline, boolean graphOnly) {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

    static Office365Endpoint parse(Endpoint endpoint) throws ConnectorException {
        try {
            String tenant = endpoint.get(Office365Settings.TENANT, null);
            if (tenant == null) {
                throw configuration("The Office 365 target has no tenant ('" + Office365Settings.TENANT + "').");
            }
            if (!GUID.matcher(tenant).matches() && !DOMAIN.matcher(tenant).matches()) {
                throw configuration("Setting '" + Office365Settings.TENANT + "' must be the tenant's id (a GUID) or one"
                        + " of its domains, not '" + tenant + "'.");
            }
            String clientId = endpoint.get(Office365Settings.CLIENT_ID, null);
            if (clientId == null) {
                throw configuration("The Office 365 target has no application id ('" + Office365Settings.CLIENT_ID
                        + "').");
            }
            if (!GUID.matcher(clientId).matches()) {
                throw configuration("Setting '" + Office365Settings.CLIENT_ID + "' must be the application's id (a"
                        + " GUID), not '" + clientId + "'.");
            }
            MicrosoftCloud cloud = MicrosoftCloud.of(endpoint.get(Office365Settings.CLOUD, Office365Settings.CLOUD_GLOBAL));
            String loginUrl = httpsUrl(endpoint, Office365Settings.LOGIN_URL, cloud.loginUrl);
            String graphUrl = httpsUrl(endpoint, Office365Settings.GRAPH_URL, cloud.graphUrl);
            String imapHost = endpoint.get(Office365Settings.IMAP_HOST, cloud.exchangeHost);
            int imapPort = endpoint.getInt(Office365Settings.IMAP_PORT, 993);
            if (imapPort < 1 || imapPort > 65535) {
                throw configuration("Setting '" + Office365Settings.IMAP_PORT + "' must lie between 1 and 65535, not "
                        + imapPort + ".");
            }
            String trust = Fingerprints.parseSetting(Office365Settings.TLS_TRUST,
                    endpoint.get(Office365Settings.TLS_TRUST, null));
            String certificate = endpoint.get(Office365Settings.CERTIFICATE_FILE, null);
            String mode = endpoint.get(Office365Settings.MODE, Office365Settings.MODE_IMAP).toLowerCase(Locale.ROOT);
            if (!mode.equals(Office365Settings.MODE_IMAP) && !mode.equals(Office365Settings.MODE_GRAPH)) {
                throw configuration("Setting '" + Office365Settings.MODE + "' must be '" + Office365Settings.MODE_IMAP
                        + "' or '" + Office365Settings.MODE_GRAPH + "', not '" + mode + "'.");
            }
            return new Office365Endpoint(tenant.toLowerCase(Locale.ROOT), clientId.toLowerCase(Locale.ROOT),
                    certificate == null ? null : java.nio.file.Path.of(certificate), cloud,
                    loginUrl, graphUrl, imapHost, imapPort, trust,
                    Math.max(1, endpoint.getInt(Office365Settings.CONNECT_TIMEOUT, 30)),
                    Math.max(1, endpoint.getInt(Office365Settings.READ_TIMEOUT, 300)),
                    Math.max(1, endpoint.getInt(Office365Settings.APPEND_PIPELINE, 64)),
                    mode.equals(Office365Settings.MODE_GRAPH));
        } catch (IllegalArgumentException e) {
            throw configuration(e.getMessage());
        }
    }

    /** The login service's authority for this tenant, as MSAL wants it: {@code https://login.../tenant/}. */
    String authority() {
        return loginUrl + "/" + tenant + "/";
    }

    /** The scope of the IMAP token: the audience is Exchange Online of the cloud, wherever its IMAP host is. */
    String imapScope() {
        return cloud.imapScope();
    }

    /** The scope of the Graph token: Graph of the cloud, wherever its URL points. */
    String graphScope() {
        return cloud.graphScope();
    }

    /** For messages: {@code outlook.office365.com:993}. */
    String imapAddress() {
        return imapHost + ":" + imapPort;
    }

    /** For messages: {@code login.microsoftonline.com}. */
    String loginHost() {
        return URI.create(loginUrl).getAuthority();
    }

    /**
     * The IMAP target endpoint that carries the mail: implicit TLS, SASL XOAUTH2 with the access token as the
     * password, the same trust and timeouts.
     */
    Endpoint imapEndpoint() {
        Map<String, String> settings = new java.util.TreeMap<>(Map.of(ImapSettings.HOST, imapHost,
                ImapSettings.PORT, Integer.toString(imapPort), ImapSettings.SECURITY, ImapSettings.SECURITY_SSL,
                ImapSettings.AUTH, ImapSettings.AUTH_XOAUTH2,
                ImapSettings.CONNECT_TIMEOUT, Integer.toString(connectTimeoutSeconds),
                ImapSettings.READ_TIMEOUT, Integer.toString(readTimeoutSeconds),
                ImapSettings.APPEND_PIPELINE, Integer.toString(appendPipeline)));
        if (trustedFingerprint != null) {
            settings.put(ImapSettings.TLS_TRUST, trustedFingerprint);
        }
        return new Endpoint(ImapSettings.CONNECTOR_ID, settings);
    }

    private static String httpsUrl(Endpoint endpoint, String key, String defaultValue) throws ConnectorException {
        String value = endpoint.get(key, defaultValue);
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                    || uri.getQuery() != null || uri.getUserInfo() != null) {
                throw configuration("Setting '" + key + "' must be an https URL of a host (and port), such as "
                        + defaultValue + ", not '" + value + "'.");
            }
            return "https://" + uri.getAuthority();
        } catch (URISyntaxException e) {
            throw configuration("Setting '" + key + "' is not a URL: '" + value + "'.");
        }
    }

    private static ConnectorException configuration(String message) {
        return new ConnectorException(Kind.CONFIGURATION, message);
    }
}
