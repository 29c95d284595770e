package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pass stopped at some point between two real Dovecot servers, then resumed: the target then holds exactly the
 * source's messages, and what is recorded as copied into each target folder is what the target holds there.
 */
class DovecotStopAndResumeTest extends DovecotTestBase {

    /** Stops the pass this long after its first message was copied (as a user does), and keeps the notices. */
    private static final class StopAfter implements MigrationListener {
        final long delayMillis;
        final AtomicLong firstCopied = new AtomicLong();
        final List<String> notices = new CopyOnWriteArrayList<>();

        StopAfter(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public void messageCopied(String email, FolderPath source, MessageInfo message) {
            firstCopied.compareAndSet(0, System.currentTimeMillis());
        }

        @Override
        public void notice(String email, String text) {
            notices.add(email + ": " + text);
        }

        boolean reached() {
            return firstCopied.get() != 0 && System.currentTimeMillis() - firstCopied.get() >= delayMillis;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 300})
    void aPassStoppedAtAnyPointResumesToExactlyTheSourceAndReadsBackWhatWasRecorded(long stopAfter) throws Exception {
        start(4, CorpusSpec.small(20261206L, 700));
        MigrationEngine engine = engineService();
        project.createBatch("wave1", List.of(), BatchOptions.defaults().withMaxParallelMailboxes(1));

        StopAfter stopping = new StopAfter(stopAfter);
        BatchRunResult stopped = engine.sync(project, "wave1", secrets, stopping, stopping::reached);
        assertEquals(BatchState.STOPPED, stopped.state(), stopped.toString());

        StopAfter resuming = new StopAfter(Long.MAX_VALUE);
        BatchRunResult resumed = engine.sync(project, "wave1", secrets, resuming, () -> false);
        assertEquals(BatchState.SYNCED, resumed.state(), resumed + " " + resuming.notices);
        List<String> shortfalls = new ArrayList<>();
        for (DemoEnvironmentUser u : demo.users()) {
            for (FolderStatus f : project.folderStatus(u.emailAddress())) {
                if (f.readBack() != null && f.readBack().onTarget() != f.readBack().recorded()) {
                    shortfalls.add(u.emailAddress() + " " + f);
                }
            }
        }
        assertEquals(List.of(), shortfalls, "notices: " + stopping.notices + " / " + resuming.notices);
        for (DemoEnvironmentUser u : demo.users()) {
            assertMigrated(u);
        }
        assertTrue(resuming.notices.stream().noneMatch(n -> n.contains("Read back")), resuming.notices.toString());
    }
}
