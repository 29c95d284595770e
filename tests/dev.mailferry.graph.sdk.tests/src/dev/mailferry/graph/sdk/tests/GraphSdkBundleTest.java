package dev.mailferry.graph.sdk.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.MailFolderCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;

import dev.mailferry.graph.sdk.tests.FakeGraphServer.Answer;
import okhttp3.OkHttpClient;

/**
 * The Graph SDK embedded in dev.mailferry.graph.sdk, used from another bundle through its exported packages only, the
 * way the Office 365 connector uses it: a client with our own token provider and the base URL of a local server.
 */
class GraphSdkBundleTest {

    private static final String UPN = "alice@contoso.com";

    private FakeGraphServer graph;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraphServer();
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    /** Our own token code behind kiota's AccessTokenProvider: a token only for the hosts we talk to. */
    static final class StaticTokenProvider implements AccessTokenProvider {
        private final AllowedHostsValidator hosts;
        private final String token;

        StaticTokenProvider(String token, String... hosts) {
            this.token = token;
            this.hosts = new AllowedHostsValidator(hosts);
        }

        @Override
        public String getAuthorizationToken(URI uri, Map<String, Object> additionalAuthenticationContext) {
            return hosts.isUrlHostValid(uri) ? token : "";
        }

        @Override
        public AllowedHostsValidator getAllowedHostsValidator() {
            return hosts;
        }
    }

    /** How the connector builds its client; clientOptions configure the default middleware (retry, redirect...). */
    private GraphServiceClient client(RequestOption... clientOptions) {
        OkHttpClient http = GraphClientFactory.create(clientOptions).build();
        BaseBearerTokenAuthenticationProvider auth =
                new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider("test-token", "127.0.0.1"));
        return new GraphServiceClient(new BaseGraphRequestAdapter(auth, graph.baseUrl(), http));
    }

    private static String folder(String id, String name, int children) {
        return "{\"id\":\"" + id + "\",\"displayName\":\"" + name + "\",\"parentFolderId\":\"root\","
                + "\"childFolderCount\":" + children + ",\"unreadItemCount\":0,\"totalItemCount\":3}";
    }

    @Test
    void theSdkComesFromTheLibraryBundle() {
        Bundle sdk = FrameworkUtil.getBundle(GraphServiceClient.class);
        assertNotNull(sdk, "GraphServiceClient not loaded by a bundle");
        assertEquals("dev.mailferry.graph.sdk", sdk.getSymbolicName());
        assertEquals(sdk, FrameworkUtil.getBundle(OkHttpClient.class));
        assertEquals(sdk, FrameworkUtil.getBundle(RetryHandlerOption.class));
        assertEquals(Bundle.ACTIVE, FrameworkUtil.getBundle(getClass()).getState());
    }

    @Test
    void getsAUserByUpnWithTheBearerToken() {
        graph.on("GET /users/" + UPN, Answer.ok("{\"@odata.context\":\"" + graph.baseUrl() + "/$metadata#users/$entity\","
                + "\"id\":\"7f1e\",\"userPrincipalName\":\"" + UPN + "\",\"displayName\":\"Alice Example\","
                + "\"mail\":\"" + UPN + "\",\"businessPhones\":[]}"));

        User user = client().users().byUserId(UPN).get();

        assertEquals("7f1e", user.getId());
        assertEquals("Alice Example", user.getDisplayName());
        assertEquals(UPN, user.getUserPrincipalName());
        FakeGraphServer.Seen request = graph.seen("GET", "/users/" + UPN).get(0);
        assertEquals("Bearer test-token", request.header("Authorization"));
        assertEquals("/v1.0/users/alice%40contoso.com", request.rawPath());
    }

    @Test
    void listsMailFoldersAcrossPagesByTheNextLink() throws Exception {
        String folders = "/users/" + UPN + "/mailFolders";
        graph.on("GET " + folders, Answer.ok("{\"value\":[" + folder("AAMk-inbox", "Inbox", 0) + ","
                + folder("AAMk-archive", "Archive", 2) + "],\"@odata.nextLink\":\"" + graph.baseUrl() + folders
                + "?%24top=2&%24skiptoken=page2\"}"));
        graph.on("GET " + folders + "?$top=2&$skiptoken=page2",
                Answer.ok("{\"value\":[" + folder("AAMk-sent", "Sent Items", 0) + "]}"));

        GraphServiceClient client = client();
        MailFolderCollectionResponse first =
                client.users().byUserId(UPN).mailFolders().get(config -> config.queryParameters.top = 2);
        assertEquals(2, first.getValue().size());
        assertNotNull(first.getOdataNextLink());

        List<String> names = new ArrayList<>();
        PageIterator<MailFolder, MailFolderCollectionResponse> pages =
                new PageIterator.Builder<MailFolder, MailFolderCollectionResponse>()
                        .client(client)
                        .collectionPage(first)
                        .collectionPageFactory(MailFolderCollectionResponse::createFromDiscriminatorValue)
                        .processPageItemCallback(f -> names.add(f.getDisplayName() + "/" + f.getChildFolderCount()))
                        .build();
        pages.iterate();

        assertEquals(List.of("Inbox/0", "Archive/2", "Sent Items/0"), names);
        List<FakeGraphServer.Seen> requests = graph.seen("GET", folders);
        assertEquals(2, requests.size());
        assertEquals("$top=2", requests.get(0).query());
        assertEquals("$top=2&$skiptoken=page2", requests.get(1).query());
        assertEquals("Bearer test-token", requests.get(1).header("Authorization"));

        // the same by hand: withUrl(nextLink)
        MailFolderCollectionResponse second =
                client.users().byUserId(UPN).mailFolders().withUrl(first.getOdataNextLink()).get();
        assertEquals("Sent Items", second.getValue().get(0).getDisplayName());
        assertNull(second.getOdataNextLink());
    }

    @Test
    void listsChildFoldersAndGetsAWellKnownFolder() {
        String children = "/users/" + UPN + "/mailFolders/AAMk-archive/childFolders";
        graph.on("GET " + children, Answer.ok("{\"value\":[" + folder("AAMk-2023", "2023", 0) + ","
                + folder("AAMk-2024", "2024", 1) + "]}"));
        graph.on("GET /users/" + UPN + "/mailFolders/inbox", Answer.ok(folder("AAMk-inbox", "Inbox", 0)));

        GraphServiceClient client = client();
        MailFolderCollectionResponse page =
                client.users().byUserId(UPN).mailFolders().byMailFolderId("AAMk-archive").childFolders().get();
        MailFolder inbox = client.users().byUserId(UPN).mailFolders().byMailFolderId("inbox").get();

        assertEquals(List.of("2023", "2024"), page.getValue().stream().map(MailFolder::getDisplayName).toList());
        assertEquals(1, page.getValue().get(1).getChildFolderCount());
        assertEquals("AAMk-inbox", inbox.getId());
        assertEquals("Inbox", inbox.getDisplayName());
    }

    @Test
    void createsFoldersWithTheirDisplayNameAsJson() {
        graph.on("POST /users/" + UPN + "/mailFolders", new Answer(201, folder("AAMk-new", "Projects", 0), Map.of()));
        graph.on("POST /users/" + UPN + "/mailFolders/AAMk-new/childFolders",
                new Answer(201, folder("AAMk-child", "Ä & \\\"B\\\"", 0), Map.of()));

        GraphServiceClient client = client();
        MailFolder top = new MailFolder();
        top.setDisplayName("Projects");
        MailFolder created = client.users().byUserId(UPN).mailFolders().post(top);
        MailFolder child = new MailFolder();
        child.setDisplayName("Ä & \"B\"");
        child.setIsHidden(false);
        MailFolder createdChild =
                client.users().byUserId(UPN).mailFolders().byMailFolderId(created.getId()).childFolders().post(child);

        assertEquals("AAMk-new", created.getId());
        assertEquals("Ä & \"B\"", createdChild.getDisplayName());
        FakeGraphServer.Seen post = graph.seen("POST", "/users/" + UPN + "/mailFolders").get(0);
        assertEquals("{\"displayName\":\"Projects\"}", post.body());
        FakeGraphServer.Seen childPost = graph.seen("POST", "/users/" + UPN + "/mailFolders/AAMk-new/childFolders").get(0);
        assertEquals("{\"displayName\":\"Ä & \\\"B\\\"\",\"isHidden\":false}", childPost.body());
        assertTrue(childPost.header("Content-Type").startsWith("application/json"), childPost.header("Content-Type"));
        assertEquals("Bearer test-token", childPost.header("Authorization"));
    }

    @Test
    void aGraphErrorIsAnODataErrorWithItsCode() {
        graph.on("GET /users/" + UPN + "/mailFolders/inbox", new Answer(404,
                FakeGraphServer.error("MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted,"
                        + " or is hosted on-premise."), Map.of()));

        ODataError e = assertThrows(ODataError.class,
                () -> client().users().byUserId(UPN).mailFolders().byMailFolderId("inbox").get());

        assertEquals(404, e.getResponseStatusCode());
        assertEquals("MailboxNotEnabledForRESTAPI", e.getError().getCode());
        assertTrue(e.getError().getMessage().startsWith("The mailbox is either inactive"), e.getError().getMessage());
        assertTrue(e instanceof ApiException);
    }

    @Test
    void a429IsRetriedAfterRetryAfterByDefault() {
        String path = "/users/" + UPN;
        graph.on("GET " + path,
                new Answer(429, FakeGraphServer.error("TooManyRequests", "Too many requests"), Map.of("Retry-After", "1")),
                Answer.ok("{\"id\":\"7f1e\",\"displayName\":\"Alice Example\"}"));

        long start = System.nanoTime();
        User user = client().users().byUserId(UPN).get();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("Alice Example", user.getDisplayName());
        List<FakeGraphServer.Seen> requests = graph.seen("GET", path);
        assertEquals(2, requests.size());
        assertNull(requests.get(0).header("Retry-Attempt"));
        assertEquals("1", requests.get(1).header("Retry-Attempt"));
        assertTrue(millis >= 950, "retried after " + millis + " ms, Retry-After said 1 s");
    }

    @Test
    void retriesAreLimitedPerRequestOrPerClient() {
        String path = "/users/" + UPN;
        graph.on("GET " + path,
                new Answer(429, FakeGraphServer.error("TooManyRequests", "Too many requests"), Map.of("Retry-After", "0")));

        // per request: no retry at all, the 429 surfaces with its headers
        ODataError once = assertThrows(ODataError.class, () -> client().users().byUserId(UPN)
                .get(config -> config.options.add(new RetryHandlerOption(null, 0, 0))));
        assertEquals(429, once.getResponseStatusCode());
        assertEquals("TooManyRequests", once.getError().getCode());
        assertEquals(Set.of("0"), once.getResponseHeaders().get("Retry-After"));
        assertEquals(1, graph.seen("GET", path).size());

        // per client: one retry for every request made with it
        graph.seen.clear();
        GraphServiceClient oneRetry = client(new RetryHandlerOption(null, 1, 0));
        assertThrows(ODataError.class, () -> oneRetry.users().byUserId(UPN).get());
        assertEquals(2, graph.seen("GET", path).size());

        // by default: three retries (four requests)
        graph.seen.clear();
        assertThrows(ODataError.class, () -> client().users().byUserId(UPN).get());
        assertEquals(4, graph.seen("GET", path).size());
    }
}
