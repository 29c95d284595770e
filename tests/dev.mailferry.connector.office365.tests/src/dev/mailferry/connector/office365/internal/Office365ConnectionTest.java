package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.MailboxCheck;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.Office365StandIn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * "Test connection" of the Office 365 target, found as a DS service bound to the IMAP target, against the Entra ID
 * stand-in and a Dovecot standing in for Exchange Online's IMAP (XOAUTH2 checked by introspection).
 */
class Office365ConnectionTest {

    private static final String MAILBOX = "alice@contoso.com";

    @TempDir
    static Path dir;

    private static Office365StandIn standIn;
    private static DovecotServer exchange;
    private static TargetConnector connector;

    @BeforeAll
    static void start() throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        exchange = DovecotServer.builder(dir.resolve("exchange")).exchangeOnline(standIn).user(MAILBOX, "unused-password")
                .start();
        connector = office365Service();
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.stop();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    static TargetConnector office365Service() throws Exception {
        Bundle own = FrameworkUtil.getBundle(Office365TargetConnector.class);
        own.start();
        BundleContext context = own.getBundleContext();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals("org.apache.felix.scr") || b.getSymbolicName().equals("dev.mailferry.connector.imap")) {
                b.start();
            }
        }
        ServiceTracker<TargetConnector, TargetConnector> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + TargetConnector.class.getName() + ")(connector.id="
                        + Office365Settings.CONNECTOR_ID + "))"), null);
        tracker.open();
        TargetConnector found = tracker.waitForService(20_000);
        assertNotNull(found, "the Office 365 target is registered once the IMAP target is there");
        return found;
    }

    private static Endpoint endpoint(Office365StandIn server) {
        return endpoint(server, exchange);
    }

    static Endpoint endpoint(Office365StandIn server, DovecotServer exchange) {
        return new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                Office365Settings.TENANT, server.tenantId(),
                Office365Settings.CLIENT_ID, server.clientId(),
                Office365Settings.LOGIN_URL, server.loginUrl(),
                Office365Settings.GRAPH_URL, server.graphUrl(),
                Office365Settings.IMAP_HOST, exchange.host(),
                Office365Settings.IMAP_PORT, Integer.toString(exchange.imapsPort()),
                Office365Settings.TLS_TRUST, server.certificateSha256()));
    }

    @Test
    void testConnectionLogsInAsTheMailboxWithAnAppOnlyTokenAndShowsItsPermissions() throws ConnectorException {
        ConnectionTestResult result = connector.testConnection(endpoint(standIn),
                new Credentials(MAILBOX, Secret.of(standIn.clientSecret())));
        assertTrue(result.server().contains(Office365StandIn.IMAP_ACCESS_AS_APP), result.server());
        assertTrue(result.server().contains("Mail.ReadWrite, User.Read.All (Graph)"), result.server());
        assertTrue(result.security().startsWith("SSL/TLS"), result.security());
        assertTrue(result.capabilities().contains("LITERAL+"), result.capabilities().toString());
        assertFalse(result.capabilities().contains("MULTIAPPEND"), "Exchange Online has no MULTIAPPEND");
        assertTrue(result.folderCount() >= 5, "Inbox and Exchange's special folders: " + result.folderCount());
    }

    @Test
    void everyMailboxIsCheckedThroughGraphAndImapBeforeAnyCopy() {
        standIn.addUser("unlicensed@contoso.com", false);
        Secret secret = Secret.of(standIn.clientSecret());
        MailboxCheck ready = connector.checkMailbox(endpoint(standIn), new Credentials(MAILBOX, secret));
        assertTrue(ready.ok(), ready.detail());
        MailboxCheck ghost = connector.checkMailbox(endpoint(standIn), new Credentials("ghost@contoso.com", secret));
        assertFalse(ghost.ok());
        assertTrue(ghost.detail().startsWith("no user ghost@contoso.com in tenant"), ghost.detail());
        assertTrue(ghost.detail().contains("Request_ResourceNotFound"), ghost.detail());
        MailboxCheck unlicensed = connector.checkMailbox(endpoint(standIn),
                new Credentials("unlicensed@contoso.com", secret));
        assertFalse(unlicensed.ok());
        assertTrue(unlicensed.detail().contains("no Exchange Online mailbox"), unlicensed.detail());
        assertTrue(unlicensed.detail().contains("MailboxNotEnabledForRESTAPI"), unlicensed.detail());
    }

    @Test
    void theSetUpScriptNamesTheEnterpriseApplicationWhenGraphMayTell() throws Exception {
        // without Application.Read.All: a placeholder, and why
        String withoutRole = connector.adminSetupScript(endpoint(standIn), Secret.of(standIn.clientSecret()),
                java.util.List.of(MAILBOX)).orElseThrow();
        assertTrue(withoutRole.contains("$objectId = '<OBJECT ID OF THE ENTERPRISE APPLICATION>'"), withoutRole);
        assertTrue(withoutRole.contains("Application.Read.All"), withoutRole);
        try (Office365StandIn reader = Office365StandIn.builder(dir.resolve("reader")).grantedRoles(
                Office365StandIn.GRAPH_RESOURCE, "Mail.ReadWrite", "User.Read.All", "Application.Read.All").start()) {
            String script = connector.adminSetupScript(endpoint(reader, exchange), Secret.of(reader.clientSecret()),
                    java.util.List.of(MAILBOX)).orElseThrow();
            assertTrue(script.contains("$objectId = '" + reader.servicePrincipalId() + "'"), script);
            assertTrue(script.contains("$appId = '" + reader.clientId() + "'"), script);
            assertFalse(script.contains(reader.clientSecret()));
        }
    }

    @Test
    void graphThrottlingIsWaitedOutAsItsRetryAfterSays() {
        int before = standIn.graphThrottled();
        standIn.throttleGraph(2, 1);
        long start = System.nanoTime();
        MailboxCheck check = connector.checkMailbox(endpoint(standIn),
                new Credentials(MAILBOX, Secret.of(standIn.clientSecret())));
        assertTrue(check.ok(), check.detail());
        assertEquals(before + 2, standIn.graphThrottled());
        assertTrue(System.nanoTime() - start >= 2_000_000_000L, "waited Retry-After twice");
    }

    @Test
    void aGraphTokenWithoutMailReadWriteIsNamedAsTheMissingPermission() throws Exception {
        try (Office365StandIn withoutMail = Office365StandIn.builder(dir.resolve("no-mail"))
                .grantedRoles(Office365StandIn.GRAPH_RESOURCE, "User.Read.All").start()) {
            withoutMail.addUser(MAILBOX, true);
            MailboxCheck check = connector.checkMailbox(endpoint(withoutMail, exchange),
                    new Credentials(MAILBOX, Secret.of(withoutMail.clientSecret())));
            assertFalse(check.ok());
            assertTrue(check.detail().contains("lacks the application permission Mail.ReadWrite"), check.detail());
            assertFalse(check.detail().contains(withoutMail.clientSecret()));
        }
    }

    @Test
    void foldersAreCreatedThroughGraphOnceEvenBeyondTheFirstPageOfSiblings() throws Exception {
        // pages of 4 folders: the walk must follow @odata.nextLink to find what exists; were it to miss a folder, its
        // POST would be refused with ErrorFolderExists and the walk fail
        GraphDirectory graph = new GraphDirectory(Office365Endpoint.parse(endpoint(standIn)), new AppTokens(),
                Secret.of(standIn.clientSecret()), 4);
        for (int i = 1; i <= 11; i++) {
            graph.ensureFolder(MAILBOX, FolderPath.of("Clients", String.format("Client %02d", i)));
        }
        graph.ensureFolder(MAILBOX, FolderPath.of("Clients", "Client 02"));
        graph.ensureFolder(MAILBOX, FolderPath.of("Clients", "Client 10"));
        java.util.Set<String> created = standIn.foldersCreatedThroughGraph(MAILBOX);
        assertEquals(12, created.stream().filter(f -> f.startsWith("Clients")).count(), created.toString());

        // the session creates through Graph what IMAP does not list yet, and only that
        Credentials credentials = new Credentials(MAILBOX, Secret.of(standIn.clientSecret()));
        try (TargetSession session = connector.open(endpoint(standIn), credentials)) {
            int requestsBefore = standIn.graphRequests();
            TargetFolder existing = session.createFolder(FolderPath.of("Clients", "Client 10"));
            assertEquals(FolderPath.of("Clients", "Client 10"), existing.path());
            assertEquals(requestsBefore, standIn.graphRequests(), "IMAP lists it: Graph is not asked");
            TargetFolder made = session.createFolder(FolderPath.of("Clients", "Client 12", "Invoices"));
            assertEquals(FolderPath.of("Clients", "Client 12", "Invoices"), made.path());
        }
        assertTrue(standIn.foldersCreatedThroughGraph(MAILBOX).contains("Clients/Client 12/Invoices"));
    }

    /** As the engine's lanes do: each its own session, creating overlapping folder trees at the same moment. */
    @Test
    void sessionsCreatingTheSameFoldersAtOnceGetEachFolderOnce() throws Exception {
        List<FolderPath> wanted = List.of(FolderPath.of("Race", "Apollo"), FolderPath.of("Race", "Apollo", "Specs"),
                FolderPath.of("Race", "Apollo", "Specs", "Old"), FolderPath.of("Race", "Zephyr"));
        Credentials credentials = new Credentials(MAILBOX, Secret.of(standIn.clientSecret()));
        java.util.concurrent.ExecutorService lanes = Executors.newFixedThreadPool(wanted.size());
        try {
            java.util.concurrent.CyclicBarrier together = new CyclicBarrier(wanted.size());
            List<Future<TargetFolder>> made = new ArrayList<>();
            for (FolderPath path : wanted) {
                made.add(lanes.submit(() -> {
                    try (TargetSession session = connector.open(endpoint(standIn), credentials)) {
                        together.await();
                        return session.createFolder(path);
                    }
                }));
            }
            for (int i = 0; i < wanted.size(); i++) {
                assertEquals(wanted.get(i), made.get(i).get(60, TimeUnit.SECONDS).path());
            }
        } finally {
            lanes.shutdownNow();
        }
        Set<String> created = standIn.foldersCreatedThroughGraph(MAILBOX);
        assertEquals(Set.of("Race", "Race/Apollo", "Race/Apollo/Specs", "Race/Apollo/Specs/Old", "Race/Zephyr"),
                created.stream().filter(f -> f.startsWith("Race")).collect(Collectors.toSet()));
    }

    /**
     * A name Dovecot lists only as the \Noselect parent of another folder is no folder in Exchange's sense: Graph
     * creates it, and IMAP then lists it as a folder that takes mail.
     */
    @Test
    void aParentThatHoldsNoMailIsCreatedThroughGraphAsAMailFolder() throws Exception {
        exchange.create(MAILBOX, List.of("Shell", "Kernel")); // "Shell" is now only Kernel's parent
        Credentials credentials = new Credentials(MAILBOX, Secret.of(standIn.clientSecret()));
        try (TargetSession session = connector.open(endpoint(standIn), credentials)) {
            assertEquals(FolderPath.of("Shell"), session.createFolder(FolderPath.of("Shell")).path());
            assertTrue(session.listFolders().stream().anyMatch(f -> f.path().equals(FolderPath.of("Shell"))));
        }
        assertTrue(standIn.foldersCreatedThroughGraph(MAILBOX).contains("Shell"));
    }

    @Test
    void aMailboxExchangeDoesNotHaveIsRefusedWithWhatToCheck() {
        ConnectorException e = assertThrows(ConnectorException.class, () -> connector.testConnection(
                endpoint(standIn), new Credentials("nobody@contoso.com", Secret.of(standIn.clientSecret()))));
        assertEquals(Kind.AUTHENTICATION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("nobody@contoso.com"), e.getMessage());
        assertTrue(e.getMessage().contains("Add-MailboxPermission"), e.getMessage());
    }

    @Test
    void aTokenWithoutImapAccessAsAppIsRefusedAndTheMissingPermissionNamed() throws Exception {
        try (Office365StandIn withoutImap = Office365StandIn.builder(dir.resolve("no-imap"))
                .grantedRoles(Office365StandIn.EXCHANGE_RESOURCE, "Mail.Read").start();
                DovecotServer strictExchange = DovecotServer.builder(dir.resolve("exchange-2")).exchangeOnline(withoutImap)
                        .user(MAILBOX, "unused-password").start()) {
            Endpoint endpoint = new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                    Office365Settings.TENANT, withoutImap.tenantId(),
                    Office365Settings.CLIENT_ID, withoutImap.clientId(),
                    Office365Settings.LOGIN_URL, withoutImap.loginUrl(),
                    Office365Settings.IMAP_HOST, strictExchange.host(),
                    Office365Settings.IMAP_PORT, Integer.toString(strictExchange.imapsPort()),
                    Office365Settings.TLS_TRUST, withoutImap.certificateSha256()));
            ConnectorException e = assertThrows(ConnectorException.class, () -> connector.testConnection(endpoint,
                    new Credentials(MAILBOX, Secret.of(withoutImap.clientSecret()))));
            assertEquals(Kind.AUTHENTICATION, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("lacks the application permission IMAP.AccessAsApp"), e.getMessage());
            assertEquals(1, withoutImap.refusedIntrospections());
            assertFalse(e.getMessage().contains(withoutImap.clientSecret()));
        }
    }
}
