package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the workbench's Folders and Mailboxes views ask of the engine, against two local Dovecot servers: the folders a
 * pass would plan, read without copying anything, and a pass over some mailboxes of a batch.
 */
class SubsetPassAndFolderPreviewTest extends DovecotTestBase {

    private static final String BATCH = "wave";

    @Test
    void thePreviewCountsTheSourceAndPlansTheTargetsWithoutChangingEither() throws Exception {
        start(1, CorpusSpec.small(41, 60));
        MigrationEngine engine = engineService();
        project.createBatch(BATCH, List.of(), BatchOptions.defaults().withExcludedFolders(List.of(FolderPath.of("Junk")))
                .withFolderMapping(Map.of(FolderPath.of("Drafts"), FolderPath.of("Archive", "Drafts"))));
        DemoEnvironmentUser user = demo.users().get(0);
        Map<FolderPath, List<String>> targetBefore;
        try (ImapProbe target = targetProbe(user)) {
            targetBefore = target.snapshot();
        }

        List<FolderPreview> preview = engine.previewFolders(project, BATCH, user.emailAddress(), secrets);

        Map<FolderPath, Long> counted = preview.stream().filter(f -> f.messages() > 0)
                .collect(Collectors.toMap(FolderPreview::source, FolderPreview::messages, (a, b) -> a, LinkedHashMap::new));
        Map<FolderPath, Long> onSource = new LinkedHashMap<>();
        user.sourceManifest().messageCounts().forEach((folder, count) -> {
            if (count > 0) {
                onSource.put(folder, (long) count);
            }
        });
        assertEquals(onSource, counted);
        FolderPreview junk = preview.stream().filter(f -> f.source().equals(FolderPath.of("Junk"))).findFirst().orElseThrow();
        assertNull(junk.target(), "excluded: not copied");
        assertTrue(junk.note() != null && !junk.note().isBlank(), "says why");
        FolderPreview drafts = preview.stream().filter(f -> f.source().equals(FolderPath.of("Drafts"))).findFirst().orElseThrow();
        assertEquals(FolderPath.of("Archive", "Drafts"), drafts.target());
        FolderPreview sent = preview.stream().filter(f -> f.source().equals(FolderPath.of("Sent"))).findFirst().orElseThrow();
        assertEquals(SpecialUse.SENT, sent.role());
        assertEquals(FolderPath.of("Sent"), sent.target());
        try (ImapProbe target = targetProbe(user)) {
            assertEquals(targetBefore, target.snapshot(), "nothing created on the target");
        }
        assertTrue(project.folderStatus(user.emailAddress()).isEmpty(), "nothing recorded");
        assertThrows(MigrationException.class, () -> engine.previewFolders(project, BATCH, "nobody@example.org", secrets));
    }

    @Test
    void aPassOverSomeMailboxesLeavesTheOthersQueuedAndTheBatchToBeResumed() throws Exception {
        start(3, CorpusSpec.small(42, 40));
        MigrationEngine engine = engineService();
        project.createBatch(BATCH, List.of(), BatchOptions.defaults());
        String chosen = demo.users().get(1).emailAddress();

        BatchRunResult result = engine.sync(project, BATCH, List.of(chosen.toUpperCase()), secrets, null, () -> false,
                email -> false);

        assertEquals(BatchState.STOPPED, result.state(), "two mailboxes were never synced: the next start resumes them");
        Map<String, MailboxState> states = project.status(BATCH).stream()
                .collect(Collectors.toMap(MailboxStatus::emailAddress, MailboxStatus::state));
        assertEquals(MailboxState.SYNCED, states.get(chosen));
        assertEquals(2, states.values().stream().filter(s -> s == MailboxState.QUEUED).count(), states.toString());
        assertThrows(MigrationException.class, () -> engine.sync(project, BATCH, List.of("nobody@example.org"), secrets,
                null, () -> false, email -> false));

        // a mailbox stopped on its own is STOPPED, the others of the pass go on
        String stopped = demo.users().get(2).emailAddress();
        result = engine.sync(project, BATCH, null, secrets, null, () -> false, stopped::equals);
        states = project.status(BATCH).stream().collect(Collectors.toMap(MailboxStatus::emailAddress, MailboxStatus::state));
        assertEquals(BatchState.STOPPED, result.state());
        assertFalse(states.get(stopped) == MailboxState.SYNCED, states.toString());
        assertEquals(2, states.values().stream().filter(s -> s == MailboxState.SYNCED).count(), states.toString());

        result = engine.sync(project, BATCH, List.of(stopped), secrets, null, () -> false, email -> false);
        assertEquals(BatchState.SYNCED, result.state(), "every mailbox of the batch is synced now");
    }
}
