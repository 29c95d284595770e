package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.internal.PipelineHook;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Messages expunged on the source (Dovecot) after they were copied: they stay on the target (Dovecot) unless the batch
 * mirrors deletions; then the next pass deletes exactly their target copies, and nothing the user marked deleted there.
 */
class DovecotMirrorDeletionTest extends DovecotTestBase {

    @Test
    void withoutTheOptionMessagesExpungedOnTheSourceStayOnTheTarget() throws Exception {
        Setup s = expungeTwoAfterAFirstPass(BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        assertEquals(MailboxState.SYNCED, s.engine.sync(project, "b", secrets, events).mailboxes().get(0).state());

        assertTrue(events.notices.contains("2 messages copied earlier from " + s.folder
                + " are no longer on the source; they stay on the target"), events.notices.toString());
        assertTrue(events.notices.stream().noneMatch(n -> n.contains("mirror deletion")), events.notices.toString());
        try (ImapProbe src = sourceProbe(s.user); ImapProbe t = targetProbe(s.user)) {
            List<String> expected = new ArrayList<>(src.snapshot().get(s.folder));
            expected.addAll(s.expunged);
            Collections.sort(expected);
            assertEquals(expected, t.snapshot().get(s.target), "the expunged messages are kept on the target");
            assertEquals(1, deletedByHand(t, s.target));
        }
    }

    /** The ways a pass reads a folder that changed; each must find the expunged messages and delete them. */
    enum NextPass {
        /** the folder's changes only (CONDSTORE; Dovecot has it) */
        CHANGES_ONLY,
        /** the folder scanned whole, step by step: a changed size limit makes the last pass's state vouch for nothing */
        WHOLE_FOLDER,
        /** the same, the folder large enough to be split into UID ranges copied by several lanes side by side */
        WHOLE_FOLDER_IN_PARTS,
        /** the whole mailbox scanned and ranked first: it holds more messages than the item limit */
        WHOLE_MAILBOX
    }

    @ParameterizedTest
    @EnumSource(NextPass.class)
    void withTheOptionTheNextPassDeletesExactlyTheirTargetCopies(NextPass nextPass) throws Exception {
        BatchOptions options = BatchOptions.defaults().withMirrorDeletions(true);
        // 1,600 small messages put about 540 in INBOX, the fullest folder: more than a lane's share and two scan steps,
        // so INBOX is split
        Setup s = expungeTwoAfterAFirstPass(options, nextPass == NextPass.WHOLE_FOLDER_IN_PARTS
                ? CorpusSpec.text(6, 1600) : CorpusSpec.small(6, 80));
        assertTrue(project.batch("b").orElseThrow().options().mirrorDeletions(), "stored with the batch");
        if (nextPass == NextPass.WHOLE_FOLDER || nextPass == NextPass.WHOLE_FOLDER_IN_PARTS) {
            project.setBatchOptions("b", options.withMaxMessageSize(options.maxMessageSize() - 1));
        } else if (nextPass == NextPass.WHOLE_MAILBOX) {
            // far below the mailbox: copies made before are kept whatever the limit, so the target stays whole
            project.setBatchOptions("b", options.withMaxItemsPerMailbox(5));
        }
        // how the pass read the folder: "changes" or "whole", once per UID range
        List<String> reads = Collections.synchronizedList(new ArrayList<>());
        s.engine.setPipelineHook(new PipelineHook() {
            @Override
            public void scanned(String email, FolderPath source, boolean changesOnly, long messages) {
                if (source.equals(s.folder)) {
                    reads.add(changesOnly ? "changes" : "whole");
                }
            }
        });
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        try {
            assertEquals(MailboxState.SYNCED, s.engine.sync(project, "b", secrets, events).mailboxes().get(0).state());
        } finally {
            s.engine.setPipelineHook(null);
        }
        List<String> expectedReads = switch (nextPass) {
            case CHANGES_ONLY -> List.of("changes");
            case WHOLE_FOLDER, WHOLE_MAILBOX -> List.of("whole");
            case WHOLE_FOLDER_IN_PARTS -> List.of("whole", "whole");
        };
        assertEquals(expectedReads, reads, "how the folder was read");

        assertTrue(events.notices.contains("2 messages expunged on the source were deleted on the target (mirror"
                + " deletion) in " + s.target), events.notices.toString());
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        assertTarget(s);
        FolderStatus status = project.folderStatus(s.user.emailAddress()).stream()
                .filter(f -> f.source().equals(s.folder)).findFirst().orElseThrow();
        assertTrue(status.note() != null && status.note().contains(
                "2 messages expunged on the source were deleted on the target (mirror deletion)"), status.toString());
        assertEquals(0, status.vanished(), "deleted on the target, no longer counted as kept there");

        // the next pass has nothing left to delete
        FakeEngineTest.RecordingListener again = new FakeEngineTest.RecordingListener();
        assertEquals(MailboxState.SYNCED, s.engine.sync(project, "b", secrets, again).mailboxes().get(0).state());
        assertTrue(again.notices.stream().noneMatch(n -> n.contains("mirror deletion")), again.notices.toString());
        assertTarget(s);
    }

    /**
     * A target that does not announce UIDPLUS has no UID EXPUNGE, and a plain EXPUNGE would also remove what its users
     * marked deleted: nothing is deleted, the pass goes on, and a notice says why.
     */
    @Test
    void aTargetWithoutUidplusDeletesNothingAndTheNoticeSaysWhy() throws Exception {
        Setup s = expungeTwoAfterAFirstPass(BatchOptions.defaults().withMirrorDeletions(true), CorpusSpec.small(6, 80),
                servers -> servers.targetImapCapability("IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE"
                        + " NAMESPACE UNSELECT CHILDREN SPECIAL-USE MOVE CONDSTORE ESEARCH LIST-EXTENDED LIST-STATUS"));
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        assertEquals(MailboxState.SYNCED, s.engine.sync(project, "b", secrets, events).mailboxes().get(0).state());

        assertTrue(events.notices.stream().anyMatch(n -> n.startsWith("Mirror deletion is not possible in the target"
                + " folder " + s.target + ": ") && n.contains("does not offer UIDPLUS")), events.notices.toString());
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        try (ImapProbe src = sourceProbe(s.user); ImapProbe t = targetProbe(s.user)) {
            List<String> expected = new ArrayList<>(src.snapshot().get(s.folder));
            expected.addAll(s.expunged);
            Collections.sort(expected);
            assertEquals(expected, t.snapshot().get(s.target), "nothing deleted on the target");
            assertEquals(1, deletedByHand(t, s.target), "and no EXPUNGE: the user's deleted message is still there");
        }
    }

    @Test
    void aCrashBetweenDeletingAndRecordingDeletesNothingElseNextPass() throws Exception {
        Setup s = expungeTwoAfterAFirstPass(BatchOptions.defaults().withMirrorDeletions(true));
        s.engine.setPipelineHook(new PipelineHook() {
            @Override
            public void deletedOnTarget(String email, FolderPath target, List<String> targetIds) {
                throw new FakeEngineTest.SimulatedCrash();
            }
        });
        try {
            assertThrows(FakeEngineTest.SimulatedCrash.class, () -> s.engine.sync(project, "b", secrets, null));
        } finally {
            s.engine.setPipelineHook(null);
        }
        project.close();
        project = MigrationProject.open(dir.resolve("project"));

        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        assertEquals(MailboxState.SYNCED, s.engine.sync(project, "b", secrets, events).mailboxes().get(0).state());
        // deleted again by their recorded UIDs, which the target no longer holds: a harmless repeat, now recorded
        assertTrue(events.notices.contains("2 messages expunged on the source were deleted on the target (mirror"
                + " deletion) in " + s.target), events.notices.toString());
        assertTarget(s);
    }

    /** The target equals the source, and still holds the message the user marked deleted there by hand. */
    private void assertTarget(Setup s) throws Exception {
        try (ImapProbe src = sourceProbe(s.user); ImapProbe t = targetProbe(s.user)) {
            Map<FolderPath, List<String>> source = nonEmpty(src.snapshot());
            Map<FolderPath, List<String>> target = nonEmpty(t.snapshot());
            assertEquals(source.get(s.folder), target.get(s.target), "only the expunged messages are gone");
            source.remove(s.folder);
            target.remove(s.target);
            assertEquals(source, target, "the other folders are untouched");
            assertEquals(1, deletedByHand(t, s.target), "UID EXPUNGE leaves what others marked deleted");
        }
    }

    private record Setup(MigrationEngine engine, DemoEnvironmentUser user, FolderPath folder, FolderPath target,
            List<String> expunged) {
    }

    /**
     * A first pass of a batch "b" with {@code options}; then, in the fullest folder, two messages are expunged on the
     * source and the user marks a message of the target folder's own deleted without expunging it.
     */
    private Setup expungeTwoAfterAFirstPass(BatchOptions options) throws Exception {
        return expungeTwoAfterAFirstPass(options, CorpusSpec.small(6, 80));
    }

    private Setup expungeTwoAfterAFirstPass(BatchOptions options, CorpusSpec corpus) throws Exception {
        return expungeTwoAfterAFirstPass(options, corpus, java.util.function.UnaryOperator.identity());
    }

    private Setup expungeTwoAfterAFirstPass(BatchOptions options, CorpusSpec corpus,
            java.util.function.UnaryOperator<dev.mailferry.demo.DemoEnvironment.Builder> servers) throws Exception {
        start(1, corpus, servers);
        MigrationEngine engine = engineService();
        project.createBatch("b", List.of(), options);
        DemoEnvironmentUser user = demo.users().get(0);
        assertEquals(MailboxState.SYNCED, engine.sync(project, "b", secrets, null).mailboxes().get(0).state());
        FolderPath folder;
        List<String> expunged;
        try (ImapProbe s = sourceProbe(user)) {
            Map<FolderPath, List<String>> before = s.snapshot();
            folder = before.entrySet().stream().max(java.util.Comparator.comparingInt(e -> e.getValue().size()))
                    .orElseThrow().getKey();
            assertTrue(before.get(folder).size() >= 4, before.toString());
            Folder f = s.folder(folder);
            f.open(Folder.READ_WRITE);
            f.getMessage(2).setFlag(Flags.Flag.DELETED, true);
            f.getMessage(3).setFlag(Flags.Flag.DELETED, true);
            f.close(true);
            List<String> left = s.snapshot().get(folder);
            expunged = before.get(folder).stream().filter(line -> !left.contains(line)).toList();
            assertEquals(2, expunged.size(), expunged.toString());
        }
        FolderPath target = project.folderStatus(user.emailAddress()).stream().filter(f -> f.source().equals(folder))
                .findFirst().orElseThrow().target();
        try (ImapProbe t = targetProbe(user)) {
            t.append(target, ("Message-ID: <by-hand@example.org>\r\nSubject: by hand\r\nFrom: x@example.org\r\n\r\n"
                    + "marked deleted by the user\r\n").getBytes(StandardCharsets.US_ASCII),
                    new Date(1_700_000_000_000L), new Flags(Flags.Flag.DELETED));
        }
        return new Setup(engine, user, folder, target, expunged);
    }

    private static int deletedByHand(ImapProbe probe, FolderPath folder) throws Exception {
        Folder f = probe.folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            int deleted = 0;
            for (jakarta.mail.Message m : f.getMessages()) {
                if (m.isSet(Flags.Flag.DELETED)) {
                    deleted++;
                }
            }
            return deleted;
        } finally {
            f.close(false);
        }
    }
}
