package dev.mailferry.ui.internal;

import dev.mailferry.core.csv.CsvImportResult;
import dev.mailferry.core.csv.CsvProblem;
import dev.mailferry.core.csv.ImportedMailbox;
import dev.mailferry.core.csv.MailboxCsvImporter;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Imports mailboxes from a CSV file, as {@code mailferry mailboxes import} does, with the same reader
 * ({@link MailboxCsvImporter}): every row is shown before anything is imported, bad rows highlighted with their line and
 * reason; Finish imports the good rows (their passwords into the secret store).
 */
final class CsvImportWizard extends Wizard implements WizardLauncher.DialogProvider {

    /**
     * @param sourceHasOwnSecret whether the source endpoint has a secret of its own (an admin password): then the
     *                           engine logs in with it and the CSV's passwords are optional, as for the command line
     */
    record Input(Path folder, String projectName, boolean sourceHasOwnSecret, int mailboxes) {

        static Input read(Path folder) throws MigrationException, IOException {
            try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
                boolean ownSecret = EngineServices.secrets().get(SecretKeys.sourceEndpoint(project.id()))
                        .filter(s -> !s.isEmpty()).isPresent();
                return new Input(folder, project.name(), ownSecret, project.mailboxes().size());
            }
        }
    }

    /** One line of the preview: a mailbox that will be imported, or a problem that keeps a row (or the header) out. */
    record Row(int line, String emailAddress, String userName, String userRoot, String targetUserName, String problem) {
        boolean bad() {
            return problem != null;
        }
    }

    private final Input input;
    private final Runnable imported;
    private final ImportPage page = new ImportPage();
    private Dialog dialog;

    CsvImportWizard(Input input, Runnable imported) {
        this.input = input;
        this.imported = imported;
        setWindowTitle("Import Mailboxes into " + input.projectName());
        setNeedsProgressMonitor(true);
    }

    @Override
    public WizardDialog dialog(Shell parent) {
        dialog = new Dialog(parent, this);
        return dialog;
    }

    @Override
    public void addPages() {
        addPage(page);
    }

    /** The text of the Finish button: what it does. */
    String finishLabel() {
        int good = page.result == null ? 0 : page.result.mailboxes().size();
        return good == 1 ? "&Import 1 Mailbox" : "&Import " + good + " Mailboxes";
    }

    @Override
    public boolean performFinish() {
        CsvImportResult result = page.result;
        int[] total = new int[1];
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Importing " + result.mailboxes().size() + " mailboxes", IProgressMonitor.UNKNOWN);
                try (MigrationProject project = MigrationProject.open(input.folder())) {
                    project.putMailboxes(result.mailboxes().stream()
                            .map(m -> new MailboxImport(m.entry(), m.sourcePassword(), m.targetPassword())).toList(),
                            EngineServices.secrets());
                    total[0] = project.mailboxes().size();
                } catch (MigrationException | IOException e) {
                    throw new InvocationTargetException(e);
                }
            });
        } catch (InvocationTargetException e) {
            page.setErrorMessage("Nothing imported: " + (e.getCause() == null ? e : e.getCause().getMessage()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        imported.run();
        return true;
    }

    /** For tests. */
    ImportPage page() {
        return page;
    }

    /** A wizard dialog whose Finish button says how many mailboxes it imports. */
    private final class Dialog extends WizardDialog {
        Dialog(Shell parent, Wizard wizard) {
            super(parent, wizard);
        }

        @Override
        public void updateButtons() {
            super.updateButtons();
            Button finish = getButton(IDialogConstants.FINISH_ID);
            if (finish != null && !finish.getText().equals(finishLabel())) {
                finish.setText(finishLabel());
                ((GridData) finish.getLayoutData()).widthHint = Math.max(
                        convertHorizontalDLUsToPixels(IDialogConstants.BUTTON_WIDTH),
                        finish.computeSize(SWT.DEFAULT, SWT.DEFAULT, true).x);
                finish.getParent().layout();
            }
        }
    }

    /** File, password option, and the preview of every row. */
    final class ImportPage extends WizardPage {

        Text file;
        Button passwordsOptional;
        TableViewer preview;
        Label summary;
        /** What the last read of the file found; null before a file was read. */
        CsvImportResult result;
        private final AtomicInteger reads = new AtomicInteger();
        private final Color badBackground = new Color(255, 225, 225);

        ImportPage() {
            super("csv");
            setTitle("Import mailboxes from a CSV file");
            setDescription("EmailAddress,UserName,Password[,UserRoot][,TargetUserName,TargetPassword]; comma or semicolon,"
                    + " UTF-8. Passwords go to the secret store, never to the project folder.");
            setPageComplete(false);
        }

        @Override
        public void createControl(Composite parent) {
            Composite page = new Composite(parent, SWT.NONE);
            GridLayoutFactory.swtDefaults().numColumns(3).applyTo(page);
            new Label(page, SWT.NONE).setText("CSV &file:");
            file = new Text(page, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).hint(420, SWT.DEFAULT).applyTo(file);
            Button browse = new Button(page, SWT.PUSH);
            browse.setText("&Browse...");
            browse.addListener(SWT.Selection, e -> {
                FileDialog dialog = new FileDialog(getShell(), SWT.OPEN);
                dialog.setFilterExtensions(new String[] { "*.csv", "*.*" });
                String chosen = dialog.open();
                if (chosen != null) {
                    file.setText(chosen);
                }
            });
            passwordsOptional = new Button(page, SWT.CHECK);
            passwordsOptional.setText("Rows without a &password are fine (the source logs in with its admin login)");
            passwordsOptional.setSelection(input.sourceHasOwnSecret());
            GridDataFactory.fillDefaults().span(3, 1).applyTo(passwordsOptional);

            preview = new TableViewer(page, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
            preview.getTable().setHeaderVisible(true);
            preview.getTable().setLinesVisible(true);
            GridDataFactory.fillDefaults().span(3, 1).grab(true, true).hint(SWT.DEFAULT, 260).applyTo(preview.getControl());
            preview.setContentProvider(ArrayContentProvider.getInstance());
            ColumnViewerToolTipSupport.enableFor(preview);
            column("Line", 50, Row::line);
            column("Email address", 190, Row::emailAddress);
            column("User name", 120, Row::userName);
            column("User root", 80, Row::userRoot);
            column("Target user", 110, Row::targetUserName);
            column("Problem", 520, Row::problem);
            preview.setInput(List.of());

            summary = new Label(page, SWT.WRAP);
            GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(summary);

            file.addListener(SWT.Modify, e -> read());
            passwordsOptional.addListener(SWT.Selection, e -> read());
            page.addListener(SWT.Dispose, e -> reads.incrementAndGet()); // a read still under way is dropped
            setControl(page);
            setMessage("Choose the CSV file.");
            file.setFocus();
        }

        private void column(String title, int width, java.util.function.Function<Row, Object> value) {
            TableViewerColumn column = new TableViewerColumn(preview, SWT.NONE);
            column.getColumn().setText(title);
            column.getColumn().setWidth(width);
            column.setLabelProvider(new ColumnLabelProvider() {
                @Override
                public String getText(Object element) {
                    Object v = value.apply((Row) element);
                    return v == null ? "" : v.toString();
                }

                @Override
                public Color getBackground(Object element) {
                    return ((Row) element).bad() ? badBackground : null;
                }

                @Override
                public String getToolTipText(Object element) {
                    return ((Row) element).problem(); // a long reason does not fit its column
                }
            });
        }

        /** Reads the file in a job (the same reader as the command line); the newest read wins. */
        private void read() {
            int generation = reads.incrementAndGet();
            result = null;
            setPageComplete(false);
            String typed = file.getText().trim();
            if (typed.isEmpty()) {
                show(List.of(), null, "Choose the CSV file.");
                return;
            }
            Path path;
            try {
                path = Path.of(typed);
            } catch (InvalidPathException e) {
                show(List.of(), "Not a valid file name: " + e.getReason() + ".", null);
                return;
            }
            boolean optional = passwordsOptional.getSelection();
            Display display = getShell().getDisplay();
            Job job = Job.create("Reading " + path.getFileName(), monitor -> {
                CsvImportResult read = null;
                String problem = null;
                if (!Files.isRegularFile(path)) {
                    problem = "No such file: " + path;
                } else {
                    try {
                        read = new MailboxCsvImporter(optional).read(path);
                    } catch (IOException e) {
                        problem = "Cannot read " + path + ": " + e.getMessage();
                    }
                }
                CsvImportResult found = read;
                String failure = problem;
                display.asyncExec(() -> {
                    if (generation == reads.get() && !file.isDisposed()) {
                        shown(found, failure);
                    }
                });
                return Status.OK_STATUS;
            });
            job.setSystem(true);
            job.schedule(150); // typing a path reads the file once it pauses
        }

        private void shown(CsvImportResult read, String failure) {
            if (read == null) {
                show(List.of(), failure, null);
                return;
            }
            result = read;
            List<Row> rows = new ArrayList<>();
            for (ImportedMailbox m : read.mailboxes()) {
                MailboxEntry e = m.entry();
                rows.add(new Row(m.line(), e.emailAddress(), e.sourceUserName(), e.userRoot(), e.targetUserName(), null));
            }
            for (CsvProblem p : read.problems()) {
                rows.add(new Row(p.line(), null, null, null, null, p.column() == null ? p.reason() : p.column() + ": " + p.reason()));
            }
            rows.sort(Comparator.comparingInt(Row::line));
            int good = read.mailboxes().size();
            String text = good + (good == 1 ? " good row" : " good rows") + " will be imported";
            if (read.hasProblems()) {
                text += "; " + read.problems().size() + (read.problems().size() == 1 ? " problem" : " problems")
                        + " (highlighted) keep rows out: correct the file and import it again";
            }
            text += ". The project has " + input.mailboxes() + " mailboxes now; a mailbox imported again is replaced.";
            if (!passwordsOptional.getSelection()
                    && read.problems().stream().anyMatch(p -> MailboxCsvImporter.PASSWORD.equals(p.column()))) {
                text += " Without passwords in the CSV, the source needs an admin login: set it in Set Source...";
            }
            show(rows, good == 0 ? "No row of the file can be imported." : null, null);
            summary.setText(text);
            summary.getParent().layout();
            setPageComplete(good > 0);
            getContainer().updateButtons();
        }

        private void show(List<Row> rows, String error, String message) {
            preview.setInput(rows);
            summary.setText("");
            setErrorMessage(error);
            setMessage(message);
            getContainer().updateButtons();
        }
    }
}
