package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MessageProblem;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;

/**
 * The log of the batch selected in the Projects view: every message the last pass skipped or could not copy, with its
 * folder, UID, size and reason (read from the project, as the detail report lists them), and, live, the events of the
 * passes this workbench runs over the batch (mailboxes started and finished, notices, retries, skips, failures).
 * Filterable by mailbox, severity and folder; the rows shown are exported to a CSV file.
 */
public final class BatchLogView extends SelectionFollowingView<BatchRef> {

    static final String ID = "dev.mailferry.ui.batchLogView";
    static final String ALL_SEVERITIES = "All severities";
    /** Beyond this many rows the view stops adding (the detail report holds them all); bounded memory. */
    static final int MAX_ENTRIES = 200_000;
    private static final int FLUSH_MILLIS = 300;
    /** How often the recorded log is read again during a pass run outside this workbench (it can be long). */
    private static final long OUTSIDE_READ_NANOS = 5_000_000_000L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    enum Severity {
        INFO, NOTICE, SKIPPED, FAILED, ERROR
    }

    /** One line of the log; {@code time} is null for what the project recorded of the last pass. */
    record Entry(Instant time, Severity severity, String mailbox, String folder, Long uid, Long size, String text) {
    }

    private static final String[] HEADERS = { "Time", "Severity", "Mailbox", "Folder", "UID", "Size", "Reason / event" };
    private static final int[] WIDTHS = { 80, 70, 150, 110, 50, 60, 420 };

    private Display display;
    private Label message;
    private Text mailboxFilter;
    private Combo severityFilter;
    private Text folderFilter;
    private Table table;
    /** What the project holds of the last pass (skips and failures with reasons, mailbox errors). */
    private List<Entry> recorded = List.of();
    /** Events of the passes followed since the batch was selected. */
    private final List<Entry> live = new ArrayList<>();
    private List<Entry> visible = List.of();
    private final Queue<Entry> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushPending = new AtomicBoolean();
    /** A pass ended: the project holds its skips and failures now, to be read again. */
    private final AtomicBoolean passEnded = new AtomicBoolean();
    private final PassFollower follower = new PassFollower(new LogListener());
    /** A pass run outside this workbench sends no events: what it recorded is read again while it runs. */
    private OutsidePassWatch outside;
    private volatile long lastOutsideRead;
    private final Action exportAction = new Action("Export...") {
        @Override
        public void run() {
            chooseExportFile();
        }
    };

    public BatchLogView() {
        super(ProjectsView.ID, BatchRef::of);
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        message = new Label(parent, SWT.NONE);
        message.setText("Select a batch in the Projects view.");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);

        Composite filters = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(5).applyTo(filters);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filters);
        new Label(filters, SWT.NONE).setText("Filter:");
        mailboxFilter = new Text(filters, SWT.SEARCH | SWT.ICON_CANCEL);
        mailboxFilter.setMessage("mailbox contains...");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(mailboxFilter);
        severityFilter = new Combo(filters, SWT.READ_ONLY);
        severityFilter.add(ALL_SEVERITIES);
        for (Severity s : Severity.values()) {
            severityFilter.add(s.name());
        }
        severityFilter.select(0);
        folderFilter = new Text(filters, SWT.SEARCH | SWT.ICON_CANCEL);
        folderFilter.setMessage("folder contains...");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(folderFilter);
        new Label(filters, SWT.NONE); // keeps the grid's last cell
        mailboxFilter.addListener(SWT.Modify, e -> applyFilter());
        folderFilter.addListener(SWT.Modify, e -> applyFilter());
        severityFilter.addListener(SWT.Selection, e -> applyFilter());

        table = new Table(parent, SWT.VIRTUAL | SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (int i = 0; i < HEADERS.length; i++) {
            TableColumn column = new TableColumn(table, i == 4 || i == 5 ? SWT.RIGHT : SWT.LEFT);
            column.setText(HEADERS[i]);
            column.setWidth(WIDTHS[i]);
        }
        table.addListener(SWT.SetData, e -> {
            if (e.index < visible.size()) {
                ((TableItem) e.item).setText(texts(visible.get(e.index)));
            }
        });
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table);

        exportAction.setToolTipText("Write the rows shown (the filter applied) to a CSV file");
        exportAction.setEnabled(false);
        getViewSite().getActionBars().getToolBarManager().add(exportAction);
        getViewSite().getActionBars().updateActionBars();

        outside = new OutsidePassWatch(display, (project, batch, runs, ended) -> {
            long now = System.nanoTime();
            if (ended || now - lastOutsideRead > OUTSIDE_READ_NANOS) {
                lastOutsideRead = now;
                readRecorded(project, batch);
            }
        });
        follow(follower, outside);
    }

    @Override
    public void setFocus() {
        table.setFocus();
    }

    @Override
    void showSelected(BatchRef next) {
        recorded = List.of();
        live.clear();
        incoming.clear();
        follower.follow(next);
        outside.watch(next);
        message.setText("Reading the log of batch '" + next.batch() + "' ...");
        applyFilter();
        readRecorded(next);
    }

    /** Reads what the project recorded of the batch's last pass, off the UI thread. */
    private void readRecorded(BatchRef batch) {
        Job read = Job.create("Reading the log of batch '" + batch.batch() + "'", monitor -> {
            try (MigrationProject project = MigrationProject.openReadOnly(batch.folder())) {
                readRecorded(project, batch);
            } catch (MigrationException | RuntimeException e) {
                if (!display.isDisposed()) {
                    display.asyncExec(() -> showRecorded(batch, List.of(), e.getMessage()));
                }
            }
        });
        read.setSystem(true);
        read.schedule();
    }

    /** Reads the batch's mailbox errors and message problems from an open project, then hands them to the UI thread. */
    private void readRecorded(MigrationProject project, BatchRef batch) throws MigrationException {
        List<Entry> entries = new ArrayList<>();
        for (MailboxStatus s : project.status(batch.batch())) {
            if (s.lastError() != null) {
                entries.add(new Entry(s.lastSyncEnd(), Severity.ERROR, s.emailAddress(), "", null, null, s.lastError()));
            }
        }
        project.forEachMessageProblem(batch.batch(), p -> {
            if (entries.size() < MAX_ENTRIES) {
                entries.add(entry(p));
            }
        });
        if (!display.isDisposed()) {
            display.asyncExec(() -> showRecorded(batch, entries, null));
        }
    }

    private static Entry entry(MessageProblem p) {
        return new Entry(null, p.failed() ? Severity.FAILED : Severity.SKIPPED, p.emailAddress(), p.folder().toString(),
                p.uid(), p.size(), p.reason() == null ? "" : p.reason());
    }

    private void showRecorded(BatchRef batch, List<Entry> entries, String problem) {
        if (table.isDisposed() || !batch.equals(shown())) {
            return;
        }
        recorded = entries;
        // the project now holds the skips and failures the live events told of: show them once
        live.removeIf(e -> e.severity() == Severity.SKIPPED || e.severity() == Severity.FAILED);
        applyFilter();
        if (problem != null) {
            message.setText("Batch '" + batch.batch() + "': the log cannot be read: " + problem);
        }
    }

    /** Takes the events that arrived on the copy threads; called on the UI thread at most every few hundred ms. */
    private void flush() {
        flushPending.set(false);
        if (table.isDisposed()) {
            return;
        }
        for (Entry e; (e = incoming.poll()) != null;) {
            if (recorded.size() + live.size() < MAX_ENTRIES) {
                live.add(e);
            }
        }
        applyFilter();
        BatchRef batch = shown();
        if (passEnded.getAndSet(false) && batch != null) {
            readRecorded(batch);
        }
    }

    private void add(Entry entry) {
        incoming.add(entry);
        if (flushPending.compareAndSet(false, true) && !display.isDisposed()) {
            display.asyncExec(() -> display.timerExec(FLUSH_MILLIS, this::flush));
        }
    }

    private void applyFilter() {
        if (table.isDisposed()) {
            return;
        }
        String mailbox = mailboxFilter.getText().trim().toLowerCase(Locale.ROOT);
        String folder = folderFilter.getText().trim().toLowerCase(Locale.ROOT);
        int index = severityFilter.getSelectionIndex();
        Severity severity = index <= 0 ? null : Severity.valueOf(severityFilter.getItem(index));
        List<Entry> next = new ArrayList<>();
        for (List<Entry> part : List.of(recorded, live)) {
            for (Entry e : part) {
                if ((severity == null || e.severity() == severity)
                        && (mailbox.isEmpty() || e.mailbox().toLowerCase(Locale.ROOT).contains(mailbox))
                        && (folder.isEmpty() || e.folder().toLowerCase(Locale.ROOT).contains(folder))) {
                    next.add(e);
                }
            }
        }
        visible = next;
        table.setItemCount(visible.size());
        table.clearAll();
        exportAction.setEnabled(shown() != null);
        BatchRef batch = shown();
        if (batch != null) {
            int all = recorded.size() + live.size();
            message.setText("Batch '" + batch.batch() + "': " + all + " entries"
                    + (visible.size() == all ? "" : ", " + visible.size() + " shown by the filter")
                    + (all >= MAX_ENTRIES ? " (the first " + MAX_ENTRIES + "; the batch report lists them all)" : ""));
        }
    }

    static String[] texts(Entry e) {
        return new String[] { e.time() == null ? "last pass" : TIME.format(e.time()), e.severity().name(), e.mailbox(),
                e.folder(), e.uid() == null ? "" : Long.toString(e.uid()), e.size() == null ? "" : Sizes.human(e.size()),
                e.text() };
    }

    private void chooseExportFile() {
        BatchRef batch = shown();
        if (batch == null) {
            return;
        }
        FileDialog dialog = new FileDialog(getSite().getShell(), SWT.SAVE);
        dialog.setText("Export the batch log");
        dialog.setFileName(batch.batch() + "-log.csv");
        dialog.setFilterExtensions(new String[] { "*.csv" });
        dialog.setOverwrite(true);
        String chosen = dialog.open();
        if (chosen != null) {
            try {
                export(Path.of(chosen));
                message.setText("Exported " + visible.size() + " entries to " + chosen);
            } catch (IOException e) {
                message.setText("Cannot export to " + chosen + ": " + e.getMessage());
            }
        }
    }

    /** Writes the rows shown, the filter applied, as CSV (UTF-8 with byte order mark, as the reports). */
    void export(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write('\uFEFF');
            out.write(csvLine(HEADERS));
            for (Entry e : visible) {
                out.write(csvLine(texts(e)));
            }
        }
    }

    /**
     * One CSV line; a cell a spreadsheet would take for a formula (a reason can quote a server's words) is written as
     * text.
     */
    static String csvLine(String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? "" : cells[i];
            if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            line.append(i == 0 ? "" : ",").append('"').append(cell.replace("\"", "\"\"")).append('"');
        }
        return line.append("\r\n").toString();
    }

    /** For tests: the rows shown, in order. */
    List<Entry> visibleEntries() {
        return visible;
    }

    Table table() {
        return table;
    }

    Label message() {
        return message;
    }

    Text mailboxFilter() {
        return mailboxFilter;
    }

    Combo severityFilter() {
        return severityFilter;
    }

    Text folderFilter() {
        return folderFilter;
    }

    /** Turns the events of a pass into log entries; runs on the copy threads, so it only queues them. */
    private final class LogListener implements MigrationListener {
        @Override
        public void batchStarted(String batch, int mailboxes, boolean finalPass) {
            add(new Entry(Instant.now(), Severity.INFO, "", "", null, null,
                    (finalPass ? "final pass" : "pass") + " started over " + mailboxes + " mailboxes"));
        }

        @Override
        public void mailboxStarted(String emailAddress) {
            add(new Entry(Instant.now(), Severity.INFO, emailAddress, "", null, null, "started"));
        }

        @Override
        public void messageSkipped(String emailAddress, FolderPath source, MessageInfo m, String reason) {
            add(new Entry(Instant.now(), Severity.SKIPPED, emailAddress, source.toString(), m.uid(), m.size(), reason));
        }

        @Override
        public void messageFailed(String emailAddress, FolderPath source, MessageInfo m, String reason) {
            add(new Entry(Instant.now(), Severity.FAILED, emailAddress, source.toString(), m.uid(), m.size(), reason));
        }

        @Override
        public void notice(String emailAddress, String text) {
            add(new Entry(Instant.now(), Severity.NOTICE, emailAddress, "", null, null, text));
        }

        @Override
        public void mailboxThrottled(String emailAddress, String reason, Duration delay) {
            add(new Entry(Instant.now(), Severity.NOTICE, emailAddress, "", null, null,
                    "throttled by the target, waiting " + delay.toMillis() + " ms (" + reason + ")"));
        }

        @Override
        public void mailboxRetrying(String emailAddress, int attempt, String reason, Duration delay) {
            add(new Entry(Instant.now(), Severity.NOTICE, emailAddress, "", null, null,
                    "attempt " + attempt + " interrupted (" + reason + "); retrying in " + delay.toSeconds() + " s"));
        }

        @Override
        public void mailboxFinished(MailboxStatus s) {
            add(new Entry(Instant.now(), s.lastError() == null ? Severity.INFO : Severity.ERROR, s.emailAddress(), "",
                    null, null, s.state() + ": " + s.lastPassCopied() + " copied in this pass, " + s.skipped()
                            + " skipped, " + s.failed() + " failed" + (s.lastError() == null ? "" : "; " + s.lastError())));
        }

        @Override
        public void batchFinished(BatchRunResult result) {
            passEnded.set(true);
            add(new Entry(Instant.now(), Severity.INFO, "", "", null, null,
                    "pass finished: " + result.state() + " after " + result.duration().toSeconds() + " s"));
        }
    }
}
