package dev.mailferry.ui.internal;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the Mailboxes view for one project, or one batch of it, read off the UI thread (a fresh read-only
 * opening each time, as {@link ProjectSnapshot}).
 *
 * @param batchState the batch's state when one batch is shown, else null
 * @param running    whether a pass may be running over the shown batch (or any batch of the project), in this process or
 *                   another one such as the command line
 * @param problem    why the rows could not be read, or null
 */
record MailboxRows(Path folder, String batch, BatchState batchState, boolean running, List<Row> rows, String problem) {

    /**
     * One mailbox; {@code state} is null for a mailbox in no batch; {@code rate}: messages per second of its last pass,
     * null before one copied anything.
     */
    record Row(String emailAddress, String batch, String state, long copied, long skipped, long failed, long bytes,
            Double rate, Instant lastSync, String lastError) {
    }

    static MailboxRows read(Path folder, String batch) {
        try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
            if (batch != null) {
                BatchInfo info = project.batch(batch)
                        .orElseThrow(() -> new MigrationException("The batch '" + batch + "' is no longer in the project"));
                List<Row> rows = new ArrayList<>();
                for (MailboxStatus s : project.status(batch)) {
                    rows.add(row(s, batch));
                }
                return new MailboxRows(folder, batch, info.state(), project.passMayRun(batch), rows, null);
            }
            // the whole project: each mailbox with its status in the batch that holds it
            Map<String, Row> byAddress = new LinkedHashMap<>();
            for (MailboxEntry entry : project.mailboxes()) {
                byAddress.put(entry.emailAddress(), new Row(entry.emailAddress(), null, null, 0, 0, 0, 0, null, null, null));
            }
            boolean running = false;
            for (BatchInfo info : project.batches()) {
                running |= project.passMayRun(info.name());
                for (MailboxStatus s : project.status(info.name())) {
                    byAddress.put(s.emailAddress(), row(s, info.name()));
                }
            }
            return new MailboxRows(folder, null, null, running, List.copyOf(byAddress.values()), null);
        } catch (MigrationException | RuntimeException e) {
            return new MailboxRows(folder, batch, null, false, List.of(), e.getMessage());
        }
    }

    private static Row row(MailboxStatus s, String batch) {
        long millis = s.lastPassDuration() == null ? 0 : s.lastPassDuration().toMillis();
        Double rate = s.lastPassCopied() > 0 && millis > 0 ? s.lastPassCopied() * 1000.0 / millis : null;
        return new Row(s.emailAddress(), batch, s.state().name(), s.copied(), s.skipped(), s.failed(), s.bytes(), rate,
                s.lastSyncEnd(), s.lastError());
    }

    /** Whether the shown batch's pass is under way, so the view keeps reading until it ends. */
    boolean passUnderWay() {
        return running || batchState == BatchState.SYNCING || batchState == BatchState.COMPLETING;
    }
}
