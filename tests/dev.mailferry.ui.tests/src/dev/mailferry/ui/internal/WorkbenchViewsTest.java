package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.ui.internal.BatchLogView.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IViewPart;
import org.junit.jupiter.api.Test;

/**
 * The views that follow a pass, against two local Dovecot servers: the folder tree, the batch log, the throughput chart
 * and the report. Messages over a small size limit are skipped, so the log and the report have skips to show.
 */
class WorkbenchViewsTest extends DovecotWorkbenchTestBase {

    private static final long MAX_MESSAGE_SIZE = 200 * 1024;

    @Override
    BatchOptions batchOptions() {
        return BatchOptions.defaults().withMaxParallelMailboxes(2).withMaxMessageSize(MAX_MESSAGE_SIZE);
    }

    private <T extends IViewPart> T open(String id, Class<T> type) throws Exception {
        return type.cast(page.showView(id));
    }

    @Test
    void aPassIsFollowedByTheBatchLog() throws Exception {
        BatchLogView log = open(BatchLogView.ID, BatchLogView.class);

        ui.click(UiDriver.toolItem(shell, "Start pass"));
        ui.waitUntil("every mailbox is synced", PASS_TIMEOUT, () -> BatchPassJob.running(projectFolder, BATCH) == null
                && column("State").stream().allMatch("SYNCED"::equals), this::tableState);

        long skipped;
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            skipped = project.status(BATCH).stream().mapToLong(MailboxStatus::skipped).sum();
        }
        assertTrue(skipped > 0, "the size limit skips some messages");
        DemoEnvironmentUser user = demo.users().get(0);
        ui.waitUntil("the log heard the pass end", () -> log.visibleEntries().stream()
                .anyMatch(e -> e.severity() == BatchLogView.Severity.INFO && e.text().startsWith("pass finished: SYNCED")));

        // the log: a skip of that mailbox with its folder, UID, size and reason; exported as the filter shows it
        ui.type(log.mailboxFilter(), user.emailAddress());
        ui.select(log.severityFilter(), BatchLogView.Severity.SKIPPED.name());
        ui.waitUntil("the mailbox's skips show", () -> !log.visibleEntries().isEmpty());
        Entry skip = log.visibleEntries().get(0);
        assertEquals(user.emailAddress(), skip.mailbox());
        assertTrue(skip.uid() != null && skip.uid() > 0 && !skip.folder().isEmpty(), skip.toString());
        assertTrue(skip.size() > MAX_MESSAGE_SIZE || skip.text().contains("Deleted"), skip.toString());
        assertTrue(log.visibleEntries().stream().anyMatch(e -> e.text().startsWith("larger than the maximum message size of ")),
                log.visibleEntries().toString());
        assertTrue(log.visibleEntries().stream().allMatch(e -> e.severity() == BatchLogView.Severity.SKIPPED
                && e.mailbox().equals(user.emailAddress())));
        int mailboxSkips = log.visibleEntries().size();
        ui.type(log.folderFilter(), skip.folder());
        assertTrue(log.visibleEntries().contains(skip));
        assertTrue(log.visibleEntries().stream().allMatch(e -> e.folder().contains(skip.folder())));
        assertTrue(log.message().getText().contains(log.visibleEntries().size() + " shown by the filter"),
                log.message().getText());
        assertTrue(log.visibleEntries().size() <= mailboxSkips);
        Path exported = dir.resolve("log.csv");
        log.export(exported);
        List<String> lines = Files.readAllLines(exported, StandardCharsets.UTF_8);
        assertEquals(log.visibleEntries().size() + 1, lines.size());
        assertTrue(lines.get(1).contains("\"SKIPPED\",\"" + user.emailAddress() + "\""), lines.get(1));
        screenshot("batch-log.png");
    }

    private void screenshot(String name) throws Exception {
        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, name));
        }
    }

    private static List<TreeItem> allItems(TreeItem[] items) {
        List<TreeItem> all = new ArrayList<>();
        for (TreeItem item : items) {
            all.add(item);
            all.addAll(allItems(item.getItems()));
        }
        return all;
    }
}
