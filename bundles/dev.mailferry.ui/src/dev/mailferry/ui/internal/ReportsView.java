package dev.mailferry.ui.internal;

import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.ReportFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/**
 * The report of the batch selected in the Projects view, as {@code mailferry batch report} writes it into the project's
 * {@code reports/} folder: the summary (per mailbox and folder) or the details (every skipped or failed message) in a
 * table, and either file exported as CSV.
 */
public final class ReportsView extends SelectionFollowingView<BatchRef> {

    static final String ID = "dev.mailferry.ui.reportsView";

    /** A report file read back: its header and rows. */
    record Sheet(Path file, List<String> header, List<List<String>> rows) {
    }

    private Display display;
    private Label message;
    private Button summaryChoice;
    private Button detailsChoice;
    private Table table;
    private ReportFiles files;
    private Sheet sheet;
    /** A pass that ends (here or in another process) changed the report: it is shown again. */
    private final PassFollower follower = new PassFollower(new MigrationListener() {
        @Override
        public void batchFinished(BatchRunResult result) {
            rewriteLater();
        }
    });
    private OutsidePassWatch outside;
    private final Action writeAction = new Action("Write report") {
        @Override
        public void run() {
            BatchRef batch = shown();
            if (batch != null) {
                write(batch);
            }
        }
    };
    private final Action exportAction = new Action("Export CSV...") {
        @Override
        public void run() {
            chooseExportFile();
        }
    };

    public ReportsView() {
        super(ProjectsView.ID, BatchRef::of);
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        Composite top = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(top);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(top);
        summaryChoice = new Button(top, SWT.RADIO);
        summaryChoice.setText("Summary");
        summaryChoice.setSelection(true);
        detailsChoice = new Button(top, SWT.RADIO);
        detailsChoice.setText("Skipped and failed messages");
        message = new Label(top, SWT.NONE);
        message.setText("Select a batch in the Projects view.");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);
        summaryChoice.addListener(SWT.Selection, e -> readShownFile());
        detailsChoice.addListener(SWT.Selection, e -> readShownFile());
        table = new Table(parent, SWT.VIRTUAL | SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        table.addListener(SWT.SetData, e -> {
            Sheet s = sheet;
            if (s != null && e.index < s.rows().size()) {
                ((TableItem) e.item).setText(s.rows().get(e.index).toArray(String[]::new));
            }
        });
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table);

        writeAction.setToolTipText("Write the batch's report again from the project's records (reports/ folder)");
        exportAction.setToolTipText("Save the report shown (summary or details) as a CSV file elsewhere");
        writeAction.setEnabled(false);
        exportAction.setEnabled(false);
        getViewSite().getActionBars().getToolBarManager().add(writeAction);
        getViewSite().getActionBars().getToolBarManager().add(exportAction);
        getViewSite().getActionBars().updateActionBars();

        outside = new OutsidePassWatch(display, (project, batch, runs, ended) -> {
            if (ended) {
                rewriteLater();
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
        files = null;
        show(null);
        writeAction.setEnabled(true);
        follower.follow(next);
        outside.watch(next);
        write(next);
    }

    /** Writes and shows the report of the batch shown again; callable from any thread. */
    private void rewriteLater() {
        if (!display.isDisposed()) {
            display.asyncExec(() -> {
                BatchRef batch = shown();
                if (!table.isDisposed() && batch != null) {
                    write(batch);
                }
            });
        }
    }

    /** Writes the report from the project's records (read-only, as the command line does), then shows it. */
    private void write(BatchRef batch) {
        message.setText("Writing the report of batch '" + batch.batch() + "' ...");
        boolean details = detailsChoice.getSelection();
        Job job = Job.create("Writing the report of batch '" + batch.batch() + "'", monitor -> {
            ReportFiles written = null;
            Sheet read = null;
            String problem = null;
            try (MigrationProject project = MigrationProject.openReadOnly(batch.folder())) {
                written = project.writeReport(batch.batch());
                read = read(details ? written.details() : written.summary());
            } catch (MigrationException | IOException | RuntimeException e) {
                problem = e.getMessage();
            }
            ReportFiles writtenFiles = written;
            Sheet readSheet = read;
            String why = problem;
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    if (!table.isDisposed() && batch.equals(shown())) {
                        files = writtenFiles;
                        show(readSheet);
                        if (why != null) {
                            message.setText("Batch '" + batch.batch() + "': no report: " + why);
                        }
                    }
                });
            }
        });
        job.setSystem(true);
        job.schedule();
    }

    /** Shows the summary or the details file, whichever is chosen, of the report written last. */
    private void readShownFile() {
        ReportFiles current = files;
        BatchRef batch = shown();
        if (current == null || batch == null) {
            return;
        }
        Path file = detailsChoice.getSelection() ? current.details() : current.summary();
        Job job = Job.create("Reading " + file.getFileName(), monitor -> {
            Sheet read;
            try {
                read = read(file);
            } catch (IOException e) {
                read = null;
            }
            Sheet readSheet = read;
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    if (!table.isDisposed() && batch.equals(shown())) {
                        show(readSheet);
                        if (readSheet == null) {
                            message.setText("Cannot read " + file);
                        }
                    }
                });
            }
        });
        job.setSystem(true);
        job.schedule();
    }

    private void show(Sheet next) {
        sheet = next;
        table.setItemCount(0);
        for (TableColumn column : table.getColumns()) {
            column.dispose();
        }
        if (next != null) {
            for (int i = 0; i < next.header().size(); i++) {
                TableColumn column = new TableColumn(table, SWT.LEFT);
                column.setText(next.header().get(i));
                column.setWidth(width(next, i));
            }
            table.setItemCount(next.rows().size());
            table.clearAll();
            message.setText(next.file().getFileName() + ": " + next.rows().size() + " rows");
        }
        exportAction.setEnabled(next != null);
        message.getParent().layout();
    }

    /** A column as wide as its header and its first rows need, within bounds. */
    private static int width(Sheet sheet, int column) {
        int chars = sheet.header().get(column).length();
        for (List<String> row : sheet.rows().subList(0, Math.min(50, sheet.rows().size()))) {
            if (column < row.size()) {
                chars = Math.max(chars, row.get(column).length());
            }
        }
        return Math.max(60, Math.min(320, chars * 8 + 16));
    }

    /** Reads a report file: UTF-8 with a byte order mark, comma separated, quoted as RFC 4180 says. */
    static Sheet read(Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> record = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            boolean first = true;
            int c;
            while ((c = in.read()) >= 0) {
                if (first && c == '\uFEFF') {
                    first = false;
                    continue;
                }
                first = false;
                if (quoted) {
                    if (c == '"') {
                        in.mark(1);
                        int next = in.read();
                        if (next == '"') {
                            cell.append('"');
                        } else {
                            quoted = false;
                            if (next >= 0) {
                                in.reset();
                            }
                        }
                    } else {
                        cell.append((char) c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    record.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n') {
                    record.add(cell.toString());
                    cell.setLength(0);
                    records.add(record);
                    record = new ArrayList<>();
                } else if (c != '\r') {
                    cell.append((char) c);
                }
            }
            if (cell.length() > 0 || !record.isEmpty()) {
                record.add(cell.toString());
                records.add(record);
            }
        }
        if (records.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return new Sheet(file, records.get(0), List.copyOf(records.subList(1, records.size())));
    }

    private void chooseExportFile() {
        Sheet current = sheet;
        if (current == null) {
            return;
        }
        FileDialog dialog = new FileDialog(getSite().getShell(), SWT.SAVE);
        dialog.setText("Export the report");
        dialog.setFileName(current.file().getFileName().toString());
        dialog.setFilterExtensions(new String[] { "*.csv" });
        dialog.setOverwrite(true);
        String chosen = dialog.open();
        if (chosen != null) {
            try {
                export(Path.of(chosen));
                message.setText("Exported " + current.file().getFileName() + " to " + chosen);
            } catch (IOException e) {
                message.setText("Cannot export to " + chosen + ": " + e.getMessage());
            }
        }
    }

    /** Copies the report file shown (the engine's CSV, byte for byte) to {@code file}. */
    void export(Path file) throws IOException {
        Sheet current = sheet;
        if (current == null) {
            throw new IOException("No report is shown");
        }
        Files.copy(current.file(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** For tests. */
    Sheet sheet() {
        return sheet;
    }

    Table table() {
        return table;
    }

    Label message() {
        return message;
    }

    Button summaryChoice() {
        return summaryChoice;
    }

    Button detailsChoice() {
        return detailsChoice;
    }
}
