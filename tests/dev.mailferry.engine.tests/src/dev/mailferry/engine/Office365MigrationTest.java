package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.ImapThrottlingProxy;
import dev.mailferry.demo.Office365StandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Office 365 target end to end: the engine migrates generated Dovecot mailboxes into the {@link TenantUnderTest}.
 * By default (CI) that is the local stand-ins: a Dovecot that stands in for Exchange Online's IMAP (XOAUTH2 tokens
 * checked by introspection at the stand-in's token service, Exchange's capabilities and folder names), with tokens from
 * the stand-in's Entra ID token endpoint. With the {@code MF_O365_*} variables set, the same tests write into a test
 * tenant below a folder of their own and read the result back over Exchange's IMAP; what only a stand-in can do
 * (expired tokens, injected throttling) is skipped there.
 */
class Office365MigrationTest extends DovecotTestBase {

    private Office365StandIn standIn;
    private TenantUnderTest tenant;

    @AfterEach
    void stopStandIn() {
        if (standIn != null) {
            standIn.close();
        }
    }

    /** Skips a test that needs the stand-ins when the variables name a test tenant, saying why. */
    private static void assumeStandIns(String why) {
        assumeTrue(TenantUnderTest.fromEnvironment().isEmpty(), "stand-ins only, skipped on a test tenant: " + why);
    }

    /**
     * Starts {@code users} generated source mailboxes (fewer if the test tenant has fewer test mailboxes) and the
     * tenant: the test tenant the variables name, else the stand-ins (tokens valid {@code tokenLifetime}).
     */
    private void startWithOffice365Target(int users, CorpusSpec corpus, Duration tokenLifetime) throws Exception {
        Optional<TenantUnderTest> named = TenantUnderTest.fromEnvironment();
        if (named.isPresent()) {
            tenant = named.get();
            start(Math.min(users, tenant.mailboxCount()), corpus);
        } else {
            standIn = Office365StandIn.builder(dir.resolve("standin")).tokenLifetime(tokenLifetime).start();
            start(users, corpus, servers -> servers.targetExchangeOnline(standIn));
            tenant = TenantUnderTest.standIns(standIn, demo);
        }
        project.setTargetEndpoint(tenant.endpoint());
        tenant.clientSecret().ifPresent(secret -> secrets.put(SecretKeys.targetEndpoint(project.id()), secret));
    }

    @Override
    String targetUserName(int index, DemoEnvironmentUser u) {
        return tenant != null ? tenant.mailbox(index, u) : u.targetUserName();
    }

    /** The batch "all", on a test tenant with every top-level folder mapped below the test's own folder. */
    private void createBatch() throws Exception {
        project.createBatch("all", List.of(), tenant.batchOptions(sourceTopLevelFolders()));
    }

    private void removeTestFolders() throws Exception {
        tenant.removeTestFolders(demo.users());
    }

    /** Points the project's Office 365 target at the stand-ins, with Exchange's IMAP on {@code port}. */
    private void useImapPort(int port) throws Exception {
        project.setTargetEndpoint(office365(standIn, demo.target().host(), port));
    }

    /** An Office 365 target endpoint on the stand-ins, with Exchange's IMAP at {@code imapHost:imapPort}. */
    static Endpoint office365(Office365StandIn standIn, String imapHost, int imapPort) {
        return new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                Office365Settings.TENANT, standIn.tenantId(),
                Office365Settings.CLIENT_ID, standIn.clientId(),
                Office365Settings.LOGIN_URL, standIn.loginUrl(),
                Office365Settings.GRAPH_URL, standIn.graphUrl(),
                Office365Settings.IMAP_HOST, imapHost,
                Office365Settings.IMAP_PORT, Integer.toString(imapPort),
                Office365Settings.TLS_TRUST, standIn.certificateSha256()));
    }

    @Test
    void mailboxesGoIntoExchangeOnlineByImapWithAppOnlyTokens() throws Exception {
        startWithOffice365Target(2, CorpusSpec.small(21, 150), Duration.ofHours(1));
        MigrationEngine engine = engineService();
        assertTrue(engine.targetConnector(Office365Settings.CONNECTOR_ID).isPresent(), "Office 365 connector bound");
        createBatch();
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        for (MailboxStatus s : result.mailboxes()) {
            assertEquals(MailboxState.SYNCED, s.state(), s.toString());
            assertEquals(0, s.failed(), s.toString());
        }
        for (int i = 0; i < demo.users().size(); i++) {
            assertSameMessages(i);
        }
        List<FolderStatus> folders = project.folderStatus(demo.users().get(0).emailAddress());
        if (tenant.testRoot().isEmpty()) {
            // special folders land in Exchange's own (Sent Items, Deleted Items...), found by their SPECIAL-USE
            // attributes
            assertTrue(folders.stream().anyMatch(f -> f.source().equals(FolderPath.of("Sent"))
                    && f.target().equals(FolderPath.of("Sent Items")) && f.copied() > 0), folders.toString());
        } else {
            // on a test tenant the batch's mapping wins: nothing goes into the mailbox's own Sent Items
            FolderPath root = tenant.testRoot().get();
            assertTrue(folders.stream().anyMatch(f -> f.source().equals(FolderPath.of("Sent"))
                    && f.target().equals(FolderPath.of(root.name(), "Sent")) && f.copied() > 0), folders.toString());
            assertTrue(folders.stream().allMatch(f -> f.target().startsWith(root)), folders.toString());
        }
        if (standIn != null) {
            // every folder Exchange did not already have was created through Graph (a normal mail folder), none by
            // IMAP
            java.util.Set<String> exchangeOwn = java.util.Set.of("INBOX", "Sent Items", "Drafts", "Deleted Items",
                    "Junk Email", "Archive");
            for (DemoEnvironmentUser u : demo.users()) {
                java.util.Set<String> throughGraph = standIn.foldersCreatedThroughGraph(u.targetUserName());
                for (FolderStatus f : project.folderStatus(u.emailAddress())) {
                    String target = f.target().join('/');
                    assertTrue(exchangeOwn.contains(target) || throughGraph.contains(target),
                            target + " not created through Graph: " + throughGraph);
                }
                assertFalse(throughGraph.isEmpty());
            }
            // one token for all sessions of both mailboxes
            assertEquals(2, standIn.tokensIssued(), "one for IMAP, one for Graph");
            assertTrue(standIn.introspections() >= 2, "every IMAP login was checked: " + standIn.introspections());
            assertEquals(0, standIn.refusedIntrospections());
        }
        removeTestFolders();
    }

    @Test
    void tokensThatExpireDuringAPassAreRenewedForTheSessionsOpenedAfterwards() throws Exception {
        assumeStandIns("needs tokens that expire after 3 s, which only the stand-in's token endpoint issues");
        // tokens of 3 s: renewed after 2.25 s; the stand-in's introspection refuses an expired one
        startWithOffice365Target(1, CorpusSpec.small(23, 200), Duration.ofSeconds(3));
        MigrationEngine engine = engineService();
        createBatch();
        BatchRunResult first = engine.sync(project, "all", secrets, null);
        assertEquals(MailboxState.SYNCED, first.mailboxes().get(0).state(), first.toString());
        Thread.sleep(3500); // the first pass's token has expired
        DemoEnvironmentUser alice = demo.users().get(0);
        try (ImapProbe s = sourceProbe(alice)) {
            s.append(FolderPath.of("INBOX"), ("Message-ID: <after-expiry@example.org>\r\nSubject: later\r\n"
                    + "From: x@example.org\r\n\r\nhello\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    new java.util.Date(1_700_000_000_000L), new jakarta.mail.Flags());
        }
        int tokensBefore = standIn.tokensIssued();
        BatchRunResult second = engine.sync(project, "all", secrets, null);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state(), second.toString());
        assertEquals(1, second.mailboxes().get(0).lastPassCopied());
        assertTrue(standIn.tokensIssued() > tokensBefore, "a new token for the second pass");
        assertEquals(0, standIn.refusedIntrospections(), "no session ever logged in with an expired token");
        assertSameMessages(0);
    }

    @Test
    void anAppWithACertificateAndNoSecretMigrates() throws Exception {
        if (TenantUnderTest.fromEnvironment().isPresent()) {
            assumeTrue(System.getenv(TenantUnderTest.CERTIFICATE_FILE) != null, "on a test tenant only with "
                    + TenantUnderTest.CERTIFICATE_FILE + " (the endpoint then signs in with that certificate)");
            startWithOffice365Target(1, CorpusSpec.small(25, 40), Duration.ofHours(1));
        } else {
            standIn = Office365StandIn.builder(dir.resolve("standin")).certificateCredential().start();
            start(1, CorpusSpec.small(25, 40), servers -> servers.targetExchangeOnline(standIn));
            tenant = TenantUnderTest.standIns(standIn, demo);
            useImapPort(demo.target().imapsPort());
            java.nio.file.Path pem = dir.resolve("app.pem");
            java.nio.file.Files.writeString(pem, standIn.applicationCertificatePem());
            project.setTargetEndpoint(project.targetEndpoint().orElseThrow()
                    .with(Office365Settings.CERTIFICATE_FILE, pem.toString()));
            // no secret at all: neither the endpoint's nor the mailbox's (the certificate is the credential)
            secrets.remove(SecretKeys.targetEndpoint(project.id()));
            secrets.remove(SecretKeys.mailboxTarget(project.id(), demo.users().get(0).emailAddress()));
            assertTrue(project.targetCredentials(project.mailbox(demo.users().get(0).emailAddress()).orElseThrow(),
                    secrets).password().isEmpty());
        }
        MigrationEngine engine = engineService();
        createBatch();
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state(), result.toString());
        assertSameMessages(0);
        removeTestFolders();
    }

    @Test
    void throttlingIsWaitedOutAndThePassGoesOnWithoutDuplicatesOrFailures() throws Exception {
        assumeStandIns("injects Exchange's throttling with a proxy in front of the stand-in's IMAP");
        startWithOffice365Target(2, CorpusSpec.small(22, 120), Duration.ofHours(1));
        try (ImapThrottlingProxy exchange = new ImapThrottlingProxy(standIn, demo.target().host(),
                demo.target().imapPort(), 20, Duration.ofMillis(400), 6)) {
            useImapPort(exchange.port());
            MigrationEngine engine = engineService();
            createBatch();
            BatchProgress progress = new BatchProgress();
            List<String> retries = Collections.synchronizedList(new ArrayList<>());
            MigrationListener listener = new MigrationListener() {
                @Override
                public void mailboxThrottled(String email, String reason, Duration delay) {
                    progress.mailboxThrottled(email, reason, delay);
                }

                @Override
                public void mailboxRetrying(String email, int attempt, String reason, Duration delay) {
                    retries.add(reason);
                }
            };
            BatchRunResult result = engine.sync(project, "all", secrets, listener);
            assertEquals(6, exchange.throttles(), "the storm happened");
            for (MailboxStatus s : result.mailboxes()) {
                assertEquals(MailboxState.SYNCED, s.state(), s.toString());
                assertEquals(0, s.failed(), s.toString());
            }
            for (int i = 0; i < demo.users().size(); i++) {
                assertSameMessages(i);
            }
            assertEquals(List.of(), retries, "being throttled is no failed attempt");
            // waits of 0.4 s (lanes of one mailbox throttled together wait once), in the progress totals and in
            // each mailbox's status and report row
            Duration waited = result.mailboxes().stream().map(MailboxStatus::lastPassThrottled)
                    .reduce(Duration.ZERO, Duration::plus);
            assertEquals(waited, progress.snapshot().throttled());
            assertTrue(waited.toMillis() >= 400 && waited.toMillis() <= 2400 && waited.toMillis() % 400 == 0,
                    waited.toString());
            String summary = java.nio.file.Files.readString(project.writeReport("all").summary());
            assertTrue(summary.contains("Last pass throttled (s)"), summary);
        }
    }

    /**
     * Every source message of the {@code index}-th user is on the target with its bytes, date and flags, read back from
     * the tenant (on a test tenant: below the test's folder only); special folders may carry Exchange's names (Sent
     * Items...), so messages are compared as one multiset per mailbox and folder names are checked apart.
     */
    private void assertSameMessages(int index) throws Exception {
        DemoEnvironmentUser u = demo.users().get(index);
        Map<FolderPath, List<String>> source;
        try (ImapProbe s = sourceProbe(u)) {
            source = nonEmpty(s.snapshot());
        }
        Map<FolderPath, List<String>> target = tenant.readBackMessages(index, u);
        assertFalse(source.isEmpty());
        assertEquals(all(source), all(target), "messages of " + u.emailAddress() + "; source folders " + source.keySet()
                + ", target folders " + target.keySet());
    }

    private static List<String> all(Map<FolderPath, List<String>> snapshot) {
        List<String> messages = new ArrayList<>();
        snapshot.values().forEach(messages::addAll);
        Collections.sort(messages);
        return messages;
    }
}
