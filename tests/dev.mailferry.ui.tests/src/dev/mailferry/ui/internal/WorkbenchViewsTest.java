package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.ui.internal.BatchLogView.Entry;
import dev.mailferry.ui.internal.FoldersView.FolderNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Text;
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
    void aPassIsFollowedByTheThroughputChartTheFolderTreeTheBatchLogAndTheReport() throws Exception {
        ThroughputView chart = open(ThroughputView.ID, ThroughputView.class);
        BatchLogView log = open(BatchLogView.ID, BatchLogView.class);
        ReportsView reports = open(ReportsView.ID, ReportsView.class);
        ui.waitUntil("the report shows", () -> reports.sheet() != null);
        reports.summaryChoice().setSelection(false); // a click on the other radio button does both
        reports.detailsChoice().setSelection(true);
        reports.detailsChoice().notifyListeners(SWT.Selection, new Event());
        ui.waitUntil("the details show", () -> reports.sheet() != null
                && reports.sheet().file().getFileName().toString().endsWith("-details.csv"));
        assertEquals(0, reports.table().getItemCount(), "nothing is skipped before the first pass");
        FoldersView folders = open(FoldersView.ID, FoldersView.class);

        // before the first pass, the folder tree is read from the servers: the source's folders and counts
        DemoEnvironmentUser user = demo.users().get(0);
        Map<FolderPath, String> sourceCounts = new LinkedHashMap<>();
        user.sourceManifest().messageCounts().forEach((folder, count) -> {
            if (count > 0) {
                sourceCounts.put(folder, Integer.toString(count));
            }
        });
        ui.select(mailboxes.table().control(), column("Mailbox").indexOf(user.emailAddress()));
        ui.waitUntil("the folders view says none is recorded",
                () -> folders.message().getText().contains("no folder recorded yet"), () -> folders.message().getText());
        ui.click(UiDriver.toolItem(shell, "Read from servers"));
        ui.waitUntil("the folders are read from the servers", () -> folders.message().getText().contains("on the source now"),
                () -> folders.message().getText());
        assertEquals(sourceCounts, shownCounts(folders));
        assertTrue(allItems(folders.viewer().getTree().getItems()).stream().noneMatch(i -> i.getText(2).length() > 0),
                "sizes come with the first pass");
        assertTrue(allItems(folders.viewer().getTree().getItems()).stream()
                .anyMatch(i -> i.getText(0).equals("Sent") && i.getText(3).equals("Sent [sent folder]")),
                "the special-use mapping shows");

        ui.click(UiDriver.toolItem(shell, "Start pass"));
        ui.waitUntil("every mailbox is synced", PASS_TIMEOUT, () -> BatchPassJob.running(projectFolder, BATCH) == null
                && column("State").stream().allMatch("SYNCED"::equals), this::tableState);

        // the chart: a sample a second, adding up to what the pass copied
        long copiedInPass;
        long skipped;
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            copiedInPass = project.status(BATCH).stream().mapToLong(MailboxStatus::lastPassCopied).sum();
            skipped = project.status(BATCH).stream().mapToLong(MailboxStatus::skipped).sum();
        }
        assertTrue(skipped > 0, "the size limit skips some messages");
        ui.waitUntil("the chart took its last sample", () -> chart.message().getText().contains("last second"));
        assertFalse(chart.samples().isEmpty());
        assertEquals(copiedInPass, chart.samples().stream().mapToLong(ThroughputView.Sample::messages).sum(),
                chart.message().getText());
        assertTrue(chart.samples().stream().anyMatch(sample -> sample.bytes() > 0));
        page.showView(ThroughputView.ID);
        screenshot("throughput-chart.png");
        page.showView(FoldersView.ID);
        ui.waitUntil("the log heard the pass end", () -> log.visibleEntries().stream()
                .anyMatch(e -> e.severity() == BatchLogView.Severity.INFO && e.text().startsWith("pass finished: SYNCED")));

        // after the pass, the folder tree shows the project's records: the same counts, with sizes
        ui.waitUntil("the folders show the pass's records", () -> !folders.roots().isEmpty()
                && allItems(folders.viewer().getTree().getItems()).stream().allMatch(i -> i.getData() instanceof FolderNode n
                        && n.preview == null)
                && allItems(folders.viewer().getTree().getItems()).stream().anyMatch(i -> i.getData() instanceof FolderNode n
                        && n.status != null), () -> folders.message().getText());
        assertEquals(sourceCounts, shownCounts(folders));
        assertTrue(allItems(folders.viewer().getTree().getItems()).stream().anyMatch(i -> i.getText(2).endsWith("KB")));

        // unchecking a folder excludes it from the batch
        TreeItem junk = allItems(folders.viewer().getTree().getItems()).stream()
                .filter(i -> i.getText(0).equals("Junk")).findFirst().orElseThrow();
        assertTrue(junk.getChecked());
        junk.setChecked(false);
        Event check = new Event();
        check.item = junk;
        check.detail = SWT.CHECK;
        folders.viewer().getTree().notifyListeners(SWT.Selection, check);
        ui.waitUntil("Junk is excluded", () -> folders.options() != null
                && folders.options().excludedFolders().contains(FolderPath.of("Junk")));
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(List.of(FolderPath.of("Junk")), project.batch(BATCH).orElseThrow().options().excludedFolders());
        }

        // a folder's target is edited in its cell: the batch's mapping sends it there from the next pass
        TreeItem drafts = allItems(folders.viewer().getTree().getItems()).stream()
                .filter(i -> i.getText(0).equals("Drafts")).findFirst().orElseThrow();
        folders.viewer().editElement(drafts.getData(), 3);
        Text cell = UiDriver.find(folders.viewer().getTree(), Text.class, t -> t.isVisible()).get(0);
        cell.setText("Archive/Drafts");
        cell.notifyListeners(SWT.DefaultSelection, new Event());
        ui.waitUntil("Drafts is mapped", () -> folders.options() != null
                && FolderPath.of("Archive", "Drafts").equals(folders.options().folderMapping().get(FolderPath.of("Drafts"))));
        TreeItem mapped = allItems(folders.viewer().getTree().getItems()).stream()
                .filter(i -> i.getText(0).equals("Drafts")).findFirst().orElseThrow();
        assertEquals("Archive/Drafts (from the next pass; now Drafts)", mapped.getText(3));
        screenshot("folder-tree.png");

        // the log: a skip of that mailbox with its folder, UID, size and reason; exported as the filter shows it
        page.showView(BatchLogView.ID);
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

        // the report, written again when the pass ended: the skipped messages as the details file lists them, exported
        // as written; then the summary
        page.showView(ReportsView.ID);
        ui.waitUntil("the report shows the pass's skips", () -> reports.table().getItemCount() == skipped,
                () -> reports.message().getText());
        assertEquals("Mailbox", reports.sheet().header().get(0));
        assertEquals(reports.sheet().rows().get(0).get(0), reports.table().getItem(0).getText(0));
        Path exportedReport = dir.resolve("details.csv");
        reports.export(exportedReport);
        assertEquals(Files.readString(reports.sheet().file()), Files.readString(exportedReport));
        screenshot("report.png");
        reports.detailsChoice().setSelection(false);
        reports.summaryChoice().setSelection(true);
        reports.summaryChoice().notifyListeners(SWT.Selection, new Event());
        ui.waitUntil("the summary shows", () -> reports.sheet() != null
                && reports.sheet().file().getFileName().toString().endsWith("-summary.csv"));
        assertTrue(reports.table().getItemCount() > USERS, "a row per folder and a total per mailbox");
    }

    @Test
    void aPassGoesOnWhenItsViewsAreClosed() throws Exception {
        open(ThroughputView.ID, ThroughputView.class);
        open(BatchLogView.ID, BatchLogView.class);
        ui.click(UiDriver.toolItem(shell, "Start pass"));
        ui.waitUntil("a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);
        for (String id : List.of(MailboxesView.ID, ThroughputView.ID, BatchLogView.ID)) {
            page.hideView(page.findView(id));
        }
        ui.pump(200);
        assertTrue(page.findView(MailboxesView.ID) == null, "the views are closed");

        mailboxes = open(MailboxesView.ID, MailboxesView.class);
        ui.waitUntil("the reopened view shows the pass to its end", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && column("State").size() == USERS
                        && column("State").stream().allMatch("SYNCED"::equals), this::tableState);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.SYNCED, project.batch(BATCH).orElseThrow().state(), "the pass ran to its end");
        }
    }

    @Test
    void aPassRunOutsideTheWorkbenchIsChartedFromTheProjectsTotals() throws Exception {
        ThroughputView chart = open(ThroughputView.ID, ThroughputView.class);
        MigrationEngine engine = EngineServices.engine();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // paces the other pass, so that it is still copying when the chart's once-a-second readings find it
        MigrationListener pacing = new MigrationListener() {
            @Override
            public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        // what 'mailferry batch start' does, on another thread, outside the workbench's jobs
        Thread commandLine = new Thread(() -> {
            try (MigrationProject project = MigrationProject.open(projectFolder)) {
                engine.sync(project, BATCH, EngineServices.secrets(), pacing, () -> false);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "command-line pass");
        commandLine.start();
        try {
            ui.waitUntil("the chart shows the other pass copying", PASS_TIMEOUT,
                    () -> chart.samples().stream().anyMatch(sample -> sample.messages() > 0 && sample.bytes() > 0),
                    () -> chart.message().getText());
            assertTrue(chart.message().getText().startsWith("Batch '" + BATCH + "': now "), chart.message().getText());
            try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
                project.requestStop(BATCH);
            }
        } finally {
            commandLine.join(PASS_TIMEOUT.toMillis());
        }
        assertEquals(null, failure.get());
        ui.waitUntil("the chart saw the pass end", Duration.ofSeconds(10),
                () -> chart.message().getText().contains("last second"), () -> chart.message().getText());
    }

    /** The Messages column of the folder tree by source folder, folders holding messages only. */
    private static Map<FolderPath, String> shownCounts(FoldersView folders) {
        Map<FolderPath, String> counts = new LinkedHashMap<>();
        for (TreeItem item : allItems(folders.viewer().getTree().getItems())) {
            if (item.getData() instanceof FolderNode node && !item.getText(1).isEmpty() && !item.getText(1).equals("0")) {
                counts.put(node.source(), item.getText(1));
            }
        }
        return counts;
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
