package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After each pass into Office 365 the engine reads every target folder's item count back through Microsoft Graph
 * (apart from the IMAP session that wrote): equal to what was recorded as copied, and a shortfall (an item deleted in
 * Exchange, or lost by it) is reported; against the stand-ins, whose Graph counts the IMAP stand-in's messages.
 */
class Office365ReadBackTest extends Office365TestBase {


    @Test
    void everyFolderIsReadBackThroughGraphAndAShortfallIsReported() throws Exception {
        startWithOffice365Target(1, CorpusSpec.small(29, 60), servers -> servers);
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        DemoEnvironmentUser u = demo.users().get(0);

        BatchRunResult first = engine.sync(project, "all", secrets, null);

        assertEquals(MailboxState.SYNCED, first.mailboxes().get(0).state(), first.toString());
        FolderStatus fullest = null;
        for (FolderStatus f : project.folderStatus(u.emailAddress())) {
            if (f.copied() == 0) {
                continue;
            }
            assertNotNull(f.readBack(), f.toString());
            assertEquals(f.copied(), f.readBack().recorded(), f.toString());
            assertEquals(f.copied(), f.readBack().onTarget(), "Graph's totalItemCount: " + f);
            fullest = fullest == null || f.copied() > fullest.copied() ? f : fullest;
        }
        assertNotNull(fullest);
        FolderStatus emptied = fullest;

        // an item deleted in Exchange after it was copied
        try (ImapProbe target = targetProbe(u)) {
            Folder folder = target.folder(fullest.target());
            folder.open(Folder.READ_WRITE);
            folder.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            folder.close(true);
        }
        int graphRequests = standIn.graphRequests();
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, events);

        MailboxStatus alice = second.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, alice.state(), "a shortfall is reported, not an error: " + alice);
        assertTrue(events.notices.stream().anyMatch(n -> n.startsWith("Read back from the target: 1 message recorded"
                + " as copied is not there (" + emptied.target() + " holds " + (emptied.copied() - 1) + " of "
                + emptied.copied() + ")")), events.notices.toString());
        assertTrue(standIn.graphRequests() > graphRequests, "read back through Graph");
        FolderStatus after = project.folderStatus(u.emailAddress()).stream()
                .filter(f -> f.source().equals(emptied.source())).findFirst().orElseThrow();
        assertEquals(new FolderStatus.ReadBack(fullest.copied() - 1, fullest.copied()), after.readBack());
        assertTrue(after.note().contains("read back: the target folder holds"), after.note());
        assertTrue(project.folderStatus(u.emailAddress()).stream().map(FolderStatus::target)
                .anyMatch(FolderPath.of("Sent Items")::equals), "Exchange's own folders are read back too");
    }

    @Test
    void graphsRequestLimitPerMailboxIsWaitedOut() throws Exception {
        startWithOffice365Target(1, CorpusSpec.small(30, 60), servers -> servers);
        // Graph's 10,000 requests per 10 minutes per mailbox, scaled down so that folder creation and read-back hit it
        standIn.limitGraphRequestsPerMailbox(8, java.time.Duration.ofSeconds(2));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        DemoEnvironmentUser u = demo.users().get(0);

        BatchRunResult result = engine.sync(project, "all", secrets, null);

        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state(), result.toString());
        assertTrue(standIn.graphThrottled() > 0, "the limit was reached: " + standIn.graphRequests() + " requests");
        long folders = 0;
        for (FolderStatus f : project.folderStatus(u.emailAddress())) {
            if (f.copied() > 0) {
                assertEquals(new FolderStatus.ReadBack(f.copied(), f.copied()), f.readBack(), f.toString());
                folders++;
            }
        }
        assertTrue(folders > 3, "folders created and read back: " + folders);
    }
}
