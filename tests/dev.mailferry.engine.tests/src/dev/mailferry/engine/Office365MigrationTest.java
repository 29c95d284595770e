package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.Office365StandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Office 365 target end to end, against local stand-ins: the engine migrates generated Dovecot mailboxes into a
 * Dovecot that stands in for Exchange Online's IMAP (XOAUTH2 tokens checked by introspection at the stand-in's token
 * service, Exchange's capabilities and folder names), with tokens from the stand-in's Entra ID token endpoint.
 */
class Office365MigrationTest extends DovecotTestBase {

    private Office365StandIn standIn;

    @AfterEach
    void stopStandIn() {
        if (standIn != null) {
            standIn.close();
        }
    }

    private void startWithOffice365Target(int users, CorpusSpec corpus, Duration tokenLifetime) throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).tokenLifetime(tokenLifetime).start();
        start(users, corpus, servers -> servers.targetExchangeOnline(standIn));
        project.setTargetEndpoint(new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                Office365Settings.TENANT, standIn.tenantId(),
                Office365Settings.CLIENT_ID, standIn.clientId(),
                Office365Settings.LOGIN_URL, standIn.loginUrl(),
                Office365Settings.IMAP_HOST, demo.target().host(),
                Office365Settings.IMAP_PORT, Integer.toString(demo.target().imapsPort()),
                Office365Settings.TLS_TRUST, standIn.certificateSha256())));
        secrets.put(SecretKeys.targetEndpoint(project.id()), Secret.of(standIn.clientSecret()));
    }

    @Test
    void mailboxesGoIntoExchangeOnlineByImapWithAppOnlyTokens() throws Exception {
        startWithOffice365Target(2, CorpusSpec.small(21, 150), Duration.ofHours(1));
        MigrationEngine engine = engineService();
        assertTrue(engine.targetConnector(Office365Settings.CONNECTOR_ID).isPresent(), "Office 365 connector bound");
        project.createBatch("all", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        for (MailboxStatus s : result.mailboxes()) {
            assertEquals(MailboxState.SYNCED, s.state(), s.toString());
            assertEquals(0, s.failed(), s.toString());
        }
        for (DemoEnvironmentUser u : demo.users()) {
            assertSameMessages(u);
        }
        // special folders land in Exchange's own (Sent Items, Deleted Items...), found by their SPECIAL-USE attributes
        List<FolderStatus> folders = project.folderStatus(demo.users().get(0).emailAddress());
        assertTrue(folders.stream().anyMatch(f -> f.source().equals(FolderPath.of("Sent"))
                && f.target().equals(FolderPath.of("Sent Items")) && f.copied() > 0), folders.toString());
        // one token for all sessions of both mailboxes
        assertEquals(1, standIn.tokensIssued());
        assertTrue(standIn.introspections() >= 2, "every IMAP login was checked: " + standIn.introspections());
        assertEquals(0, standIn.refusedIntrospections());
    }

    /**
     * Every source message is on the target with its bytes, date and flags; special folders may carry Exchange's names
     * (Sent Items...), so messages are compared as one multiset per mailbox and folder names are checked apart.
     */
    private void assertSameMessages(DemoEnvironmentUser u) throws Exception {
        Map<FolderPath, List<String>> source;
        Map<FolderPath, List<String>> target;
        try (ImapProbe s = sourceProbe(u); ImapProbe t = targetProbe(u)) {
            source = nonEmpty(s.snapshot());
            target = nonEmpty(t.snapshot());
        }
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
