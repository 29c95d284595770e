package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.ByteSizes;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.CheckboxTableViewer;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;

/**
 * Creates a batch, as {@code mailferry batch create} does, with the same options: its mailboxes, excluded folders,
 * folder mapping, size and item limits and how many mailboxes run at once. Every field is checked as it is typed; the
 * engine's {@link MigrationProject#createBatch} has the last word.
 */
final class NewBatchWizard extends Wizard {

    /** What the wizard offers, read off the UI thread. */
    record Input(Path folder, String projectName, List<MailboxEntry> mailboxes, List<String> batchNames) {

        static Input read(Path folder) throws MigrationException {
            try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
                List<MailboxEntry> mailboxes = project.mailboxes();
                if (mailboxes.isEmpty()) {
                    throw new MigrationException("the project has no mailboxes yet; import the CSV first");
                }
                return new Input(folder, project.name(), mailboxes,
                        project.batches().stream().map(BatchInfo::name).toList());
            }
        }
    }

    private final Input input;
    private final Runnable created;
    private final BatchPage page = new BatchPage();

    NewBatchWizard(Input input, Runnable created) {
        this.input = input;
        this.created = created;
        setWindowTitle("New Batch in " + input.projectName());
        setNeedsProgressMonitor(true);
    }

    @Override
    public void addPages() {
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        String name = page.name.getText().trim();
        List<String> mailboxes = page.checkedAddresses();
        BatchOptions options;
        try {
            options = page.options();
        } catch (IllegalArgumentException e) {
            page.setErrorMessage(e.getMessage());
            return false;
        }
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Creating batch '" + name + "'", IProgressMonitor.UNKNOWN);
                try (MigrationProject project = MigrationProject.open(input.folder())) {
                    project.createBatch(name, mailboxes, options);
                } catch (MigrationException e) {
                    throw new InvocationTargetException(e);
                }
            });
        } catch (InvocationTargetException e) {
            page.setErrorMessage("Not created: " + (e.getCause() == null ? e : e.getCause().getMessage()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        created.run();
        return true;
    }

    /** For tests. */
    BatchPage page() {
        return page;
    }

    /** Name, mailboxes and options on one page: a batch is made in one look. */
    final class BatchPage extends WizardPage {

        Text name;
        CheckboxTableViewer mailboxes;
        Label selectedCount;
        Text excludedFolders;
        Text folderMapping;
        Text maxMessageSize;
        Text maxItems;
        Spinner parallel;
        Button mirrorDeletions;

        BatchPage() {
            super("batch");
            setTitle("New batch");
            setDescription("A batch is a group of mailboxes migrated together, with its own options.");
            setPageComplete(false);
        }

        @Override
        public void createControl(Composite parent) {
            Composite page = new Composite(parent, SWT.NONE);
            GridLayoutFactory.swtDefaults().numColumns(2).applyTo(page);
            new Label(page, SWT.NONE).setText("&Name:");
            name = new Text(page, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).applyTo(name);
            name.setText(suggestedName(input.batchNames()));
            name.selectAll();

            Label mailboxLabel = new Label(page, SWT.NONE);
            mailboxLabel.setText("&Mailboxes:");
            GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(mailboxLabel);
            Composite list = new Composite(page, SWT.NONE);
            GridDataFactory.fillDefaults().grab(true, true).applyTo(list);
            GridLayoutFactory.fillDefaults().numColumns(3).applyTo(list);
            mailboxes = CheckboxTableViewer.newCheckList(list, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL);
            mailboxes.getTable().setHeaderVisible(true);
            GridDataFactory.fillDefaults().span(3, 1).grab(true, true).hint(480, 150).applyTo(mailboxes.getControl());
            mailboxes.setContentProvider(ArrayContentProvider.getInstance());
            column("Email address", 240, m -> m.emailAddress());
            column("Source user", 130, m -> m.sourceUserName());
            column("Target user", 130, m -> m.effectiveTargetUserName());
            mailboxes.setInput(input.mailboxes());
            mailboxes.setAllChecked(true);
            Button all = new Button(list, SWT.PUSH);
            all.setText("Select &All");
            Button none = new Button(list, SWT.PUSH);
            none.setText("&Deselect All");
            selectedCount = new Label(list, SWT.NONE);
            GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(selectedCount);
            all.addListener(SWT.Selection, e -> {
                mailboxes.setAllChecked(true);
                validate();
            });
            none.addListener(SWT.Selection, e -> {
                mailboxes.setAllChecked(false);
                validate();
            });
            mailboxes.addCheckStateListener(e -> validate());

            Group options = new Group(page, SWT.NONE);
            options.setText("Options");
            GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(options);
            GridLayoutFactory.swtDefaults().numColumns(2).applyTo(options);
            excludedFolders = multiLine(options, "&Excluded folders:",
                    "One source folder per line, '/' between levels (e.g. Junk, Archive/Old); its subfolders are left out too");
            folderMapping = multiLine(options, "Folder ma&pping:",
                    "One per line: SOURCE = TARGET (e.g. Archive = Old mail/Archive); subfolders follow their folder");
            maxMessageSize = field(options, "Largest &message:", "35MB",
                    "Larger messages are skipped and reported (e.g. 35MB, 150MB, 1GB, or bytes)");
            maxItems = field(options, "Most messages per mailbo&x:", Long.toString(BatchOptions.DEFAULT_MAX_ITEMS_PER_MAILBOX),
                    "The newest are copied; the rest are skipped and reported");
            new Label(options, SWT.NONE).setText("Mailboxes at &once:");
            parallel = new Spinner(options, SWT.BORDER);
            parallel.setValues(BatchOptions.DEFAULT_MAX_PARALLEL_MAILBOXES, 1, 64, 0, 1, 4);
            parallel.setToolTipText("Each uses one source and one target connection per lane");
            new Label(options, SWT.NONE);
            mirrorDeletions = new Button(options, SWT.CHECK);
            mirrorDeletions.setText("Mirror &deletions");
            mirrorDeletions.setToolTipText("Messages expunged on the source after they were copied are deleted on the"
                    + " target by the next pass (only those copies; off unless ticked)");

            name.addListener(SWT.Modify, e -> validate());
            for (Text t : List.of(excludedFolders, folderMapping, maxMessageSize, maxItems)) {
                t.addListener(SWT.Modify, e -> validate());
            }
            setControl(page);
            validate();
            name.setFocus();
        }

        private void column(String title, int width, java.util.function.Function<MailboxEntry, String> text) {
            TableViewerColumn column = new TableViewerColumn(mailboxes, SWT.NONE);
            column.getColumn().setText(title);
            column.getColumn().setWidth(width);
            column.setLabelProvider(new ColumnLabelProvider() {
                @Override
                public String getText(Object element) {
                    return text.apply((MailboxEntry) element);
                }
            });
        }

        private Text multiLine(Composite parent, String label, String help) {
            Label l = new Label(parent, SWT.NONE);
            l.setText(label);
            GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(l);
            Text text = new Text(parent, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
            text.setToolTipText(help);
            GridDataFactory.fillDefaults().grab(true, false).hint(300, 48).applyTo(text);
            // Tab leaves the field, as everywhere else in the dialog; Enter starts a new line
            text.addTraverseListener(e -> {
                if (e.detail == SWT.TRAVERSE_TAB_NEXT || e.detail == SWT.TRAVERSE_TAB_PREVIOUS) {
                    e.doit = true;
                }
            });
            return text;
        }

        private Text field(Composite parent, String label, String value, String help) {
            new Label(parent, SWT.NONE).setText(label);
            Text text = new Text(parent, SWT.BORDER);
            text.setText(value);
            text.setToolTipText(help);
            GridDataFactory.fillDefaults().grab(true, false).applyTo(text);
            return text;
        }

        List<String> checkedAddresses() {
            List<String> addresses = new ArrayList<>();
            for (Object checked : mailboxes.getCheckedElements()) {
                addresses.add(((MailboxEntry) checked).emailAddress());
            }
            return addresses;
        }

        /** The options as typed; an IllegalArgumentException names the field and the reason. */
        BatchOptions options() {
            List<FolderPath> excluded = new ArrayList<>();
            String[] lines = excludedFolders.getText().split("\\R");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                FolderPath path = FolderPath.parse(lines[i].strip(), '/');
                if (path.isRoot()) {
                    throw new IllegalArgumentException("Excluded folders, line " + (i + 1) + ": '" + lines[i].strip()
                            + "' names no folder: it would exclude every folder of every mailbox");
                }
                excluded.add(path);
            }
            Map<FolderPath, FolderPath> mapping = new LinkedHashMap<>();
            lines = folderMapping.getText().split("\\R");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                int equals = lines[i].indexOf('=');
                FolderPath from = equals < 0 ? FolderPath.ROOT : FolderPath.parse(lines[i].substring(0, equals).strip(), '/');
                FolderPath to = equals < 0 ? FolderPath.ROOT : FolderPath.parse(lines[i].substring(equals + 1).strip(), '/');
                if (from.isRoot() || to.isRoot()) {
                    throw new IllegalArgumentException("Folder mapping, line " + (i + 1) + ": write SOURCE = TARGET, both"
                            + " folders (e.g. Archive = Old mail/Archive), not '" + lines[i].strip() + "'");
                }
                if (mapping.put(from, to) != null) {
                    throw new IllegalArgumentException("Folder mapping, line " + (i + 1) + ": " + from.join('/')
                            + " is mapped twice");
                }
            }
            long size;
            try {
                size = ByteSizes.parse(maxMessageSize.getText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Largest message: " + e.getMessage());
            }
            long items;
            try {
                items = Long.parseLong(maxItems.getText().strip());
            } catch (NumberFormatException e) {
                items = 0;
            }
            if (items < 1) {
                throw new IllegalArgumentException("Most messages per mailbox: a whole number of at least 1, not '"
                        + maxItems.getText().strip() + "'");
            }
            return BatchOptions.defaults().withExcludedFolders(excluded).withFolderMapping(mapping)
                    .withMaxMessageSize(size).withMaxItemsPerMailbox(items).withMaxParallelMailboxes(parallel.getSelection())
                    .withMirrorDeletions(mirrorDeletions.getSelection());
        }

        /** Checks everything on every change; the first problem is named, the Finish button follows. */
        void validate() {
            int checked = mailboxes.getCheckedElements().length;
            selectedCount.setText(checked + " of " + input.mailboxes().size() + " mailboxes");
            selectedCount.getParent().layout();
            String trimmed = name.getText().trim();
            String problem = null;
            if (input.batchNames().stream().anyMatch(trimmed::equals)) {
                problem = "There is already a batch named '" + trimmed + "'.";
            } else {
                try {
                    options();
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            setErrorMessage(problem);
            if (problem == null && trimmed.isEmpty()) {
                setMessage("Enter the batch's name.");
            } else if (problem == null && checked == 0) {
                setMessage("Choose the batch's mailboxes.");
            } else {
                setMessage(null);
            }
            setPageComplete(problem == null && !trimmed.isEmpty() && checked > 0);
        }

        /** {@code wave1}, {@code wave2}...: the first such name not taken. */
        static String suggestedName(List<String> taken) {
            int n = 1;
            while (taken.contains("wave" + n)) {
                n++;
            }
            return "wave" + n;
        }
    }
}
