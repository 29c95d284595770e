package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.internal.PipelineHook;
import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Passes after the first ask the source (Dovecot, with CONDSTORE) only for what changed in a folder since the last
 * complete pass, and end where a scan of every message would have ended.
 */
class DovecotChangesOnlyPassTest extends DovecotTestBase {

    /** How each pass read each folder, from the engine's test seam. */
    private static final class Scans implements PipelineHook {
        record Scan(FolderPath folder, boolean changesOnly, long messages) {
        }

        final List<Scan> scans = new CopyOnWriteArrayList<>();

        @Override
        public void scanned(String email, FolderPath source, boolean changesOnly, long messages) {
            scans.add(new Scan(source, changesOnly, messages));
        }
    }

    @Test
    void aPassAfterChangesReadsOnlyThemAndEndsAsAFullScanWould() throws Exception {
        start(1, CorpusSpec.small(8, 120));
        MigrationEngine engine = engineService();
        Scans scans = new Scans();
        engine.setPipelineHook(scans);
        try {
            project.createBatch("all", List.of(), BatchOptions.defaults());
            DemoEnvironmentUser alice = demo.users().get(0);
            String email = alice.emailAddress();
            assertEquals(MailboxState.SYNCED, engine.sync(project, "all", secrets, null).mailboxes().get(0).state());
            assertTrue(!scans.scans.isEmpty() && scans.scans.stream().noneMatch(Scans.Scan::changesOnly),
                    "the first pass lists every message: " + scans.scans);

            // in the folder with the most messages: two flags changed, one message expunged, one new message and one
            // new message flagged \Deleted (skipped)
            FolderPath folder;
            String expungedLine;
            try (ImapProbe s = sourceProbe(alice)) {
                Map<FolderPath, List<String>> before = s.snapshot();
                folder = before.entrySet().stream().max(java.util.Comparator.comparingInt(e -> e.getValue().size()))
                        .orElseThrow().getKey();
                assertTrue(before.get(folder).size() >= 5, before.toString());
                s.changeFlags(folder, 1, new Flags(Flags.Flag.FLAGGED), true);
                s.changeFlags(folder, 2, new Flags("$Delta"), true);
                jakarta.mail.Folder f = s.folder(folder);
                f.open(jakarta.mail.Folder.READ_WRITE);
                f.getMessage(3).setFlag(Flags.Flag.DELETED, true);
                f.close(true);
                // by content: the other two changed their flags, which the lines show too
                java.util.Set<String> left = new java.util.HashSet<>();
                s.snapshot().get(folder).forEach(line -> left.add(line.split(" ")[0]));
                List<String> gone = before.get(folder).stream().filter(line -> !left.contains(line.split(" ")[0]))
                        .toList();
                assertEquals(1, gone.size(), gone.toString());
                expungedLine = gone.get(0);
                s.append(folder, message("delta-new"), new Date(1_700_000_000_000L), new Flags(Flags.Flag.SEEN));
                s.append(folder, message("delta-deleted"), new Date(1_700_000_001_000L),
                        new Flags(Flags.Flag.DELETED));
            }
            scans.scans.clear();
            FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
            BatchRunResult second = engine.sync(project, "all", secrets, events);

            MailboxStatus status = second.mailboxes().get(0);
            assertEquals(MailboxState.SYNCED, status.state(), status.toString());
            // only the changed folder was read, and of it only the four changed or new messages
            assertEquals(List.of(new Scans.Scan(folder, true, 4)), scans.scans);
            assertEquals(1, status.lastPassCopied(), status.toString());
            assertEquals(1, status.vanished(), "the expunged message is recorded as gone: " + status);
            assertTrue(events.notices.contains("1 messages copied earlier from " + folder
                    + " are no longer on the source; they stay on the target"), events.notices.toString());
            assertTrue(events.skipped.stream().anyMatch(x -> x.contains("deleted on the source")),
                    events.skipped.toString());
            try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
                Map<FolderPath, List<String>> source = nonEmpty(s.snapshot());
                Map<FolderPath, List<String>> target = nonEmpty(t.snapshot());
                List<String> expected = new ArrayList<>(source.get(folder));
                expected.add(expungedLine); // never deleted on the target
                java.util.Collections.sort(expected);
                assertEquals(expected, target.get(folder), "new message copied, flags pushed, expunged one kept");
                source.remove(folder);
                target.remove(folder);
                assertEquals(source, target);
            }
            List<FolderStatus> afterChanges = project.folderStatus(email);

            // other limits make every folder be listed in full: the records stay as the changes-only pass left them
            project.createBatch("full", List.of(email), BatchOptions.defaults().withMaxItemsPerMailbox(
                    BatchOptions.DEFAULT_MAX_ITEMS_PER_MAILBOX - 1));
            scans.scans.clear();
            BatchRunResult full = engine.sync(project, "full", secrets, null);
            assertEquals(MailboxState.SYNCED, full.mailboxes().get(0).state());
            assertTrue(!scans.scans.isEmpty() && scans.scans.stream().noneMatch(Scans.Scan::changesOnly),
                    scans.scans.toString());
            assertEquals(0, full.mailboxes().get(0).lastPassCopied());
            assertEquals(afterChanges, project.folderStatus(email));
        } finally {
            engine.setPipelineHook(null);
        }
    }

    private static byte[] message(String id) {
        return ("Message-ID: <" + id + "@example.org>\r\nSubject: " + id + "\r\nFrom: x@example.org\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
