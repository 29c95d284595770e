package dev.mailferry.connector.office365.internal;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.MailFolderCollectionResponse;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.PinningTlsSocketFactory;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * What Microsoft Graph says about the tenant's mailboxes, through the Graph SDK with this connector's own app-only
 * tokens: whether a user exists and has an Exchange Online mailbox. One client per app, secret and endpoint.
 */
final class GraphDirectory {

    /** Graph's answer for a user without an Exchange Online mailbox (unlicensed, inactive, soft-deleted, on-premises). */
    static final String NO_MAILBOX = "MailboxNotEnabledForRESTAPI";

    /** A token failure carried through the SDK, which lets its token provider throw nothing checked. */
    private static final class TokenFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ConnectorException failure;

        TokenFailure(ConnectorException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private final Office365Endpoint endpoint;
    private final GraphServiceClient graph;
    private final PinningTlsSocketFactory tls;
    private final String host;
    private final int pageSize;
    private final AppTokens tokens;
    private final Secret clientSecret;
    private final OkHttpClient http;

    GraphDirectory(Office365Endpoint endpoint, AppTokens tokens, Secret clientSecret) throws ConnectorException {
        this(endpoint, tokens, clientSecret, 100);
    }

    /** @param pageSize folders asked for per page when listing ($top; Graph's default is 10) */
    GraphDirectory(Office365Endpoint endpoint, AppTokens tokens, Secret clientSecret, int pageSize)
            throws ConnectorException {
        this.endpoint = endpoint;
        this.pageSize = pageSize;
        this.tokens = tokens;
        this.clientSecret = clientSecret;
        this.host = URI.create(endpoint.graphUrl()).getHost();
        try {
            this.tls = new PinningTlsSocketFactory(endpoint.trustedFingerprint());
        } catch (GeneralSecurityException e) {
            throw new ConnectorException(Kind.CONFIGURATION, "TLS is not available in this Java runtime: " + e.getMessage(), e);
        }
        AllowedHostsValidator hosts = new AllowedHostsValidator(host);
        AccessTokenProvider provider = new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                if (!hosts.isUrlHostValid(uri)) {
                    return ""; // a token goes to Graph's own host only
                }
                try {
                    return tokens.acquire(endpoint, clientSecret, endpoint.graphScope()).value();
                } catch (ConnectorException e) {
                    throw new TokenFailure(e);
                }
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        OkHttpClient.Builder http = GraphClientFactory.create(new RequestOption[] {
            // Graph's 429/503 with Retry-After: up to 5 retries, waiting what it asks (the SDK caps a wait at 180 s)
            new RetryHandlerOption(null, 5, 3) })
                .connectTimeout(Duration.ofSeconds(endpoint.connectTimeoutSeconds()))
                .readTimeout(Duration.ofSeconds(endpoint.readTimeoutSeconds()))
                .addInterceptor(new MailboxConcurrency())
                .sslSocketFactory(tls, tls.trustManager());
        if (endpoint.trustedFingerprint() != null) {
            javax.net.ssl.HostnameVerifier usual = new OkHttpClient().hostnameVerifier();
            http.hostnameVerifier((name, session) -> tls.isPinned(session) || usual.verify(name, session));
        }
        this.http = http.build();
        this.graph = new GraphServiceClient(new BaseGraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(provider),
                endpoint.graphUrl() + "/v1.0", this.http));
    }

    /**
     * The HTTP client under the SDK (pinned TLS, timeouts, the retry handler that waits out 429/503), for the requests
     * whose bodies the Graph-only mode writes itself: streamed message JSON and upload-session chunks.
     */
    OkHttpClient http() {
        return http;
    }

    /** Graph's v1.0 base URL, e.g. {@code https://graph.microsoft.com/v1.0}. */
    String baseUrl() {
        return endpoint.graphUrl() + "/v1.0";
    }

    /** A Graph token for this app, cached and renewed by {@link AppTokens}. */
    String accessToken() throws ConnectorException {
        return tokens.acquire(endpoint, clientSecret, endpoint.graphScope()).value();
    }

    /** A failure to reach Graph, as {@link ConnectorException}: an untrusted certificate is said as such. */
    ConnectorException unreachable(String doing, Exception e) {
        return failure(doing, new RuntimeException(e.getMessage(), e));
    }

    /**
     * Null when {@code userPrincipalName} is a user of the tenant with an Exchange Online mailbox; else why not, in
     * words for the administrator, with Graph's error code.
     */
    String whyNoMailbox(String userPrincipalName) throws ConnectorException {
        try {
            graph.users().byUserId(userPrincipalName).get(request -> request.queryParameters.select =
                    new String[] { "id", "userPrincipalName" });
        } catch (ODataError e) {
            return switch (code(e)) {
                case "Request_ResourceNotFound" -> "no user " + userPrincipalName + " in tenant " + endpoint.tenant()
                        + " (create it, or check the address; Graph: Request_ResourceNotFound)";
                case "Authorization_RequestDenied" -> throw permissionMissing("User.Read.All", e);
                default -> throw failure("look up user " + userPrincipalName, e);
            };
        } catch (TokenFailure e) {
            throw e.failure;
        } catch (RuntimeException e) {
            throw failure("look up user " + userPrincipalName, e);
        }
        try {
            graph.users().byUserId(userPrincipalName).mailFolders().byMailFolderId("inbox").get();
            return null;
        } catch (ODataError e) {
            return switch (code(e)) {
                case NO_MAILBOX -> "the user has no Exchange Online mailbox: not licensed for Exchange Online, or the"
                        + " mailbox is inactive, soft-deleted or on-premises (Graph: " + NO_MAILBOX + ")";
                case "ErrorAccessDenied" -> throw permissionMissing("Mail.ReadWrite", e);
                default -> throw failure("open the mailbox of " + userPrincipalName, e);
            };
        } catch (TokenFailure e) {
            throw e.failure;
        } catch (RuntimeException e) {
            throw failure("open the mailbox of " + userPrincipalName, e);
        }
    }

    /**
     * Makes sure the mail folder {@code path} exists in the mailbox, creating what is missing level by level through
     * Graph: a folder created so is a normal mail folder (class IPF.Note) that Outlook and phones show, where one made
     * by IMAP CREATE may not be. Idempotent; a folder another session created meanwhile ("ErrorFolderExists") is taken.
     *
     * @return the Graph id of the folder
     */
    String ensureFolder(String userPrincipalName, FolderPath path) throws ConnectorException {
        String doing = "create folder '" + path + "' of " + userPrincipalName;
        return onMail(doing, () -> {
            String parentId = null;
            for (String name : path.segments()) {
                String id = childId(userPrincipalName, parentId, name);
                if (id == null) {
                    MailFolder folder = new MailFolder();
                    folder.setDisplayName(name);
                    try {
                        MailFolder made = parentId == null
                                ? graph.users().byUserId(userPrincipalName).mailFolders().post(folder)
                                : graph.users().byUserId(userPrincipalName).mailFolders().byMailFolderId(parentId)
                                        .childFolders().post(folder);
                        id = made.getId();
                    } catch (ODataError e) {
                        if (!"ErrorFolderExists".equals(code(e))) {
                            throw e;
                        }
                        id = childId(userPrincipalName, parentId, name);
                    }
                    if (id == null) {
                        throw new ConnectorException(Kind.PROTOCOL, "Microsoft Graph at " + host + " did not " + doing
                                + ": no folder '" + name + "' after creating it");
                    }
                }
                parentId = id;
            }
            return parentId;
        });
    }

    /** A series of Graph requests on a mailbox's mail. */
    @FunctionalInterface
    private interface MailCall<T> {
        T run() throws ConnectorException;
    }

    /** Runs {@code call}, turning Graph's and the token's failures into one that says what was being done. */
    private <T> T onMail(String doing, MailCall<T> call) throws ConnectorException {
        try {
            return call.run();
        } catch (ODataError e) {
            if ("ErrorAccessDenied".equals(code(e))) {
                throw permissionMissing("Mail.ReadWrite", e);
            }
            throw failure(doing, e);
        } catch (TokenFailure e) {
            throw e.failure;
        } catch (RuntimeException e) {
            throw failure(doing, e);
        }
    }

    /**
     * The number of items of every mail folder of the mailbox ({@code totalItemCount}), by path of display names ("Inbox"
     * for the inbox): the folder tree walked level by level, a request per folder that has children (and per page).
     */
    Map<FolderPath, Long> messageCounts(String userPrincipalName) throws ConnectorException {
        return onMail("count the messages in the folders of " + userPrincipalName, () -> {
            Map<FolderPath, Long> counts = new HashMap<>();
            ArrayDeque<Map.Entry<String, FolderPath>> parents = new ArrayDeque<>();
            parents.add(Map.entry("", FolderPath.ROOT));
            while (!parents.isEmpty()) {
                var parent = parents.poll();
                for (MailFolder folder : children(userPrincipalName, parent.getKey().isEmpty() ? null
                        : parent.getKey())) {
                    var path = parent.getValue().child(folder.getDisplayName());
                    counts.put(path, folder.getTotalItemCount() == null ? 0L : folder.getTotalItemCount());
                    if (folder.getChildFolderCount() != null && folder.getChildFolderCount() > 0) {
                        parents.add(Map.entry(folder.getId(), path));
                    }
                }
            }
            return counts;
        });
    }

    /** Every child folder of {@code parentId} (null: the top of the mailbox), page after page. */
    private List<MailFolder> children(String userPrincipalName, String parentId) {
        String[] select = { "id", "displayName", "childFolderCount", "totalItemCount" };
        var folders = graph.users().byUserId(userPrincipalName).mailFolders();
        MailFolderCollectionResponse page = parentId == null
                ? folders.get(request -> {
                    request.queryParameters.top = pageSize;
                    request.queryParameters.select = select;
                })
                : folders.byMailFolderId(parentId).childFolders().get(request -> {
                    request.queryParameters.top = pageSize;
                    request.queryParameters.select = select;
                });
        List<MailFolder> all = new ArrayList<>();
        while (page != null) {
            all.addAll(page.getValue());
            String next = page.getOdataNextLink();
            page = next == null ? null : parentId == null ? folders.withUrl(next).get()
                    : folders.byMailFolderId(parentId).childFolders().withUrl(next).get();
        }
        return all;
    }

    /** The id of the child folder {@code name} of {@code parentId} (null: the top of the mailbox), or null. */
    private String childId(String userPrincipalName, String parentId, String name) {
        var folders = graph.users().byUserId(userPrincipalName).mailFolders();
        MailFolderCollectionResponse page = parentId == null
                ? folders.get(request -> request.queryParameters.top = pageSize)
                : folders.byMailFolderId(parentId).childFolders().get(request -> request.queryParameters.top = pageSize);
        while (page != null) {
            for (MailFolder folder : page.getValue()) {
                // Exchange compares folder names without case (its "Inbox" is IMAP's INBOX)
                if (name.equalsIgnoreCase(folder.getDisplayName())) {
                    return folder.getId();
                }
            }
            String next = page.getOdataNextLink();
            if (next == null) {
                return null;
            }
            page = parentId == null ? folders.withUrl(next).get()
                    : folders.byMailFolderId(parentId).childFolders().withUrl(next).get();
        }
        return null;
    }

    /**
     * The object id of this app's enterprise application (service principal) in the tenant, which Exchange's
     * New-ServicePrincipal needs; null when Graph lists none. Needs Application.Read.All.
     */
    String servicePrincipalObjectId() throws ConnectorException {
        try {
            var found = graph.servicePrincipals().get(request -> {
                request.queryParameters.filter = "appId eq '" + endpoint.clientId() + "'";
                request.queryParameters.select = new String[] { "id", "appId" };
            });
            return found == null || found.getValue() == null || found.getValue().isEmpty() ? null
                    : found.getValue().get(0).getId();
        } catch (ODataError e) {
            if ("Authorization_RequestDenied".equals(code(e))) {
                throw permissionMissing("Application.Read.All", e);
            }
            throw failure("look up the enterprise application of " + endpoint.clientId(), e);
        } catch (TokenFailure e) {
            throw e.failure;
        } catch (RuntimeException e) {
            throw failure("look up the enterprise application of " + endpoint.clientId(), e);
        }
    }

    private static String code(ODataError e) {
        return e.getError() == null || e.getError().getCode() == null ? "" : e.getError().getCode();
    }

    private ConnectorException permissionMissing(String permission, ODataError e) {
        return new ConnectorException(Kind.AUTHENTICATION, "Microsoft Graph refuses application " + endpoint.clientId()
                + ": it lacks the application permission " + permission + " (grant it with admin consent). Graph: "
                + code(e) + " - " + message(e));
    }

    private ConnectorException failure(String doing, RuntimeException e) {
        if (tls.certificateRejected()) {
            return ConnectorException.untrustedCertificate("The certificate of Microsoft Graph at " + host
                    + " is not trusted (SHA-256 " + tls.presentedFingerprint() + "). Trust it explicitly only if you"
                    + " know it is the service's own.", tls.presentedCertificate());
        }
        if (e instanceof ApiException api) {
            String detail = api instanceof ODataError odata ? code(odata) + " - " + message(odata) : api.getMessage();
            if (api.getResponseStatusCode() == 429 || api.getResponseStatusCode() == 503) {
                // still throttled after the SDK's retries: the engine waits as Graph asked and goes on
                java.util.Set<String> retryAfter = api.getResponseHeaders() == null ? null
                        : api.getResponseHeaders().get("Retry-After");
                return ConnectorException.throttled("Microsoft Graph at " + host + " asks to slow down (" + doing
                        + "): HTTP " + api.getResponseStatusCode() + " " + detail, GraphMailbox.retryAfter(
                                retryAfter == null || retryAfter.isEmpty() ? null : retryAfter.iterator().next()));
            }
            Kind kind = api.getResponseStatusCode() == 429 || api.getResponseStatusCode() >= 500 ? Kind.CONNECTION
                    : Kind.PROTOCOL;
            return new ConnectorException(kind, "Microsoft Graph at " + host + " could not " + doing + ": HTTP "
                    + api.getResponseStatusCode() + " " + detail);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new ConnectorException(Kind.CONNECTION, "Cannot reach Microsoft Graph at " + host + " to " + doing + ": "
                + root.getClass().getSimpleName() + " " + root.getMessage());
    }

    private static String message(ODataError e) {
        return e.getError() == null || e.getError().getMessage() == null ? "" : e.getError().getMessage();
    }
}
