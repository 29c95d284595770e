package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Items Exchange Online refuses as too large (its mailbox's MaxReceiveSize is below the batch's maximum message size):
 * skipped with Exchange's reason, the rest of the mailbox copied, against the stand-ins with a size limit on the IMAP
 * stand-in.
 */
class Office365OversizeTest extends Office365TestBase {


    @Test
    void itemsExchangeRefusesAsTooLargeAreSkippedWithItsReasonAndTheRestIsCopied() throws Exception {
        long limit = 100 * 1024;
        startWithOffice365Target(1, CorpusSpec.small(27, 80), servers -> servers.targetMaxMessageSize(limit));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult result = engine.sync(project, "all", secrets, events);

        MailboxStatus alice = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, alice.state(), alice.toString());
        assertEquals(0, alice.failed(), alice.toString());
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        List<String> refused = events.skipped.stream().filter(s -> s.contains("refused by the target as too large: "))
                .toList();
        DemoEnvironmentUser u = demo.users().get(0);
        long overLimit = 0;
        long onSource = 0;
        try (ImapProbe source = sourceProbe(u)) {
            for (List<String> messages : source.snapshot().values()) {
                for (String m : messages) {
                    onSource++;
                    if (Long.parseLong(m.split(" ")[1]) > limit) {
                        overLimit++;
                    }
                }
            }
        }
        assertTrue(overLimit > 0, "the corpus has messages over the limit");
        assertEquals(overLimit, refused.size(), "every message over Exchange's limit, and only those: " + refused);
        assertEquals(onSource - overLimit, alice.copied(), alice.toString());
        String details = Files.readString(project.writeReport("all").details(), StandardCharsets.UTF_8);
        assertEquals(overLimit, details.lines().filter(l -> l.contains(",skipped,refused by the target as too large: "))
                .count(), details);
    }
}
