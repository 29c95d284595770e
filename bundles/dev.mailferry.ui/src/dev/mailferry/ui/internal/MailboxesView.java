package dev.mailferry.ui.internal;

import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.ui.internal.MailboxRows.Row;
import dev.mailferry.ui.internal.ProjectSnapshot.BatchNode;
import dev.mailferry.ui.internal.ProjectSnapshot.Node;
import dev.mailferry.ui.internal.ProjectSnapshot.ReportsNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.ISelectionChangedListener;
import org.eclipse.jface.viewers.ISelectionProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.SelectionChangedEvent;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.part.ViewPart;

/**
 * The mailboxes of the project or batch selected in the Projects view, with their progress, and the batch actions.
 * Rows are read off the UI thread; during a pass (started here or by the command line) they are read again at most
 * every {@value #LIVE_REFRESH_MILLIS} ms, however many events the engine sends.
 */
public final class MailboxesView extends ViewPart {

    static final String ID = "dev.mailferry.ui.mailboxesView";
    static final String ALL_STATES = "All states";
    static final String REMOVE_TITLE = "Remove from batch";
    private static final long LIVE_REFRESH_MILLIS = 300;
    private static final long POLL_WHILE_RUNNING_MILLIS = 1_000;
    /** A pass the command line starts sends the workbench no event: it shows up at the next of these reads. */
    private static final long POLL_WHILE_IDLE_MILLIS = 3_000;

    /** What the view shows: a project folder, and one batch of it or all its mailboxes (batch null). */
    private record Shown(Path folder, String batch) {
    }

    private Display display;
    private Label message;
    private Label problem;
    private MailboxTable table;
    private volatile Shown shown;
    private final AtomicBoolean readPending = new AtomicBoolean();
    private final ReadJob readJob = new ReadJob();
    private final Action startAction = new Action("Start pass") {
        @Override
        public void run() {
            startPass();
        }
    };
    private final Action stopAction = new Action("Stop") {
        @Override
        public void run() {
            stopPass();
        }
    };
    private final Action completeAction = new Action("Complete batch...") {
        @Override
        public void run() {
            completeBatch();
        }
    };
    private final Action refreshAction = new Action("Refresh") {
        @Override
        public void run() {
            requestRead(0);
        }
    };
    private final Action startSelectedAction = new Action("Start selected") {
        @Override
        public void run() {
            startMailboxes(table.selectedAddresses(), "selected");
        }
    };
    private final Action retryAction = new Action("Retry selected") {
        @Override
        public void run() {
            startMailboxes(table.selectedRows().stream().filter(MailboxesView::needsRetry).map(Row::emailAddress).toList(),
                    "retried");
        }
    };
    private final Action stopSelectedAction = new Action("Stop selected") {
        @Override
        public void run() {
            stopMailboxes(table.selectedAddresses());
        }
    };
    private final Action removeAction = new Action("Remove from batch") {
        @Override
        public void run() {
            removeFromBatch(table.selectedAddresses());
        }
    };
    private Text filterText;
    private Combo filterState;
    private MailboxRows lastRows;
    /** Complete batch's MX check runs: it is not started twice. */
    private boolean mxCheckRunning;
    private final MailboxSelection selectionProvider = new MailboxSelection();
    private final ISelectionListener selectionListener = this::selectionChanged;
    private final Runnable poll = () -> requestRead(0);
    /** Any engine event only asks for a read: the table follows at the pace of the reads, not of the events. */
    private final Runnable passChanged = () -> requestRead(LIVE_REFRESH_MILLIS);

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        message = new Label(parent, SWT.NONE);
        message.setText("Select a project or a batch in the Projects view.");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);
        problem = new Label(parent, SWT.WRAP);
        problem.setForeground(parent.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
        GridDataFactory.fillDefaults().grab(true, false).exclude(true).applyTo(problem);
        problem.setVisible(false);
        Composite filterBar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(filterBar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filterBar);
        new Label(filterBar, SWT.NONE).setText("Filter:");
        filterText = new Text(filterBar, SWT.SEARCH | SWT.ICON_CANCEL | SWT.ICON_SEARCH);
        filterText.setMessage("address or error contains...");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filterText);
        filterState = new Combo(filterBar, SWT.READ_ONLY);
        filterState.add(ALL_STATES);
        for (MailboxState state : MailboxState.values()) {
            filterState.add(state.name());
        }
        filterState.select(0);
        filterText.addListener(SWT.Modify, e -> applyFilter());
        filterState.addListener(SWT.Selection, e -> applyFilter());
        table = new MailboxTable(parent);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table.control());
        table.control().addListener(SWT.Selection, e -> tableSelectionChanged());
        getSite().setSelectionProvider(selectionProvider);

        startAction.setToolTipText("Start a sync pass over the selected batch (incremental after the first)");
        stopAction.setToolTipText("Stop the running pass at its next safe point; the next start resumes it");
        completeAction.setToolTipText("Check the MX records, then run the final pass and mark the batch completed"
                + " (as 'mailferry batch complete')");
        startSelectedAction.setToolTipText("Start a sync pass over the selected mailboxes of the batch only");
        retryAction.setToolTipText("Pass again over the selected mailboxes that failed, have failed messages or were stopped");
        stopSelectedAction.setToolTipText("Stop the selected mailboxes at their next safe point; the rest of the pass goes on");
        removeAction.setToolTipText("Take the selected mailboxes out of the batch (what was copied stays on the target)");
        IToolBarManager toolBar = getViewSite().getActionBars().getToolBarManager();
        toolBar.add(startAction);
        toolBar.add(stopAction);
        toolBar.add(completeAction);
        toolBar.add(new Separator());
        toolBar.add(startSelectedAction);
        toolBar.add(retryAction);
        toolBar.add(stopSelectedAction);
        toolBar.add(removeAction);
        getViewSite().getActionBars().updateActionBars();
        MenuManager menu = new MenuManager();
        menu.add(startSelectedAction);
        menu.add(retryAction);
        menu.add(stopSelectedAction);
        menu.add(removeAction);
        table.control().setMenu(menu.createContextMenu(table.control()));
        KeyBindings.activateContext(getViewSite());
        KeyBindings.bind(getViewSite(), KeyBindings.START_PASS, startAction);
        KeyBindings.bind(getViewSite(), KeyBindings.STOP_PASS, stopAction);
        KeyBindings.bind(getViewSite(), KeyBindings.DELETE, removeAction);
        KeyBindings.bind(getViewSite(), KeyBindings.REFRESH, refreshAction);
        // Enter (or a double click) on a mailbox shows its folders
        table.control().addListener(SWT.DefaultSelection, e -> showFolders());
        updateActions(null);

        getSite().getPage().addSelectionListener(ProjectsView.ID, selectionListener);
        ISelection current = getSite().getPage().getSelection(ProjectsView.ID);
        if (current != null) {
            selectionChanged(null, current);
        }
    }

    @Override
    public void dispose() {
        getSite().getPage().removeSelectionListener(ProjectsView.ID, selectionListener);
        if (display != null && !display.isDisposed()) {
            display.timerExec(-1, poll);
        }
        readJob.cancel();
        super.dispose();
    }

    @Override
    public void setFocus() {
        table.control().setFocus();
    }

    private void selectionChanged(IWorkbenchPart part, ISelection selection) {
        if (!(selection instanceof IStructuredSelection structured) || structured.isEmpty()) {
            if (shown != null && part != null) { // the project was closed (a click always selects something)
                shown = null;
                table.setRows(List.of());
                selectionProvider.setSelection(StructuredSelection.EMPTY);
                showProblem(null);
                message.setText("Select a project or a batch in the Projects view.");
                updateActions(null);
            }
            return;
        }
        Object first = structured.getFirstElement();
        Shown next = null;
        if (first instanceof ProjectSnapshot project) {
            next = new Shown(project.folder(), null);
        } else if (first instanceof BatchNode batch) {
            next = new Shown(batch.project().folder(), batch.batch().name());
        } else if (first instanceof ReportsNode reports) {
            next = new Shown(reports.project().folder(), reports.batch().name());
        } else if (first instanceof Node node) {
            next = new Shown(node.project().folder(), null);
        }
        if (next != null && !next.equals(shown)) {
            shown = next;
            selectionProvider.setSelection(StructuredSelection.EMPTY);
            showProblem(null);
            table.setRows(List.of());
            updateActions(null);
            message.setText("Reading " + describe(next) + " ...");
            requestRead(0);
        }
    }

    private static String describe(Shown s) {
        return (s.batch() == null ? "all mailboxes of " : "batch '" + s.batch() + "' of ") + s.folder().getFileName();
    }

    /** Asks for one read of the rows after {@code delayMillis}; requests meanwhile are folded into it. */
    void requestRead(long delayMillis) {
        if (readPending.compareAndSet(false, true)) {
            readJob.schedule(delayMillis);
        }
    }

    /** Reads the rows of what is shown off the UI thread, then hands them to it. */
    private final class ReadJob extends Job {
        ReadJob() {
            super("Reading mailbox status");
            setSystem(true);
        }

        @Override
        protected IStatus run(IProgressMonitor monitor) {
            readPending.set(false);
            Shown target = shown;
            if (target == null) {
                return Status.OK_STATUS;
            }
            MailboxRows rows = MailboxRows.read(target.folder(), target.batch());
            if (!display.isDisposed()) {
                display.asyncExec(() -> show(target, rows));
            }
            return Status.OK_STATUS;
        }
    }

    private void show(Shown target, MailboxRows rows) {
        if (table.control().isDisposed() || !target.equals(shown)) {
            return; // the view closed, or another project or batch was selected meanwhile
        }
        table.setRows(rows.rows());
        if (rows.problem() != null) {
            message.setText(describe(target));
            showProblem(rows.problem());
        } else {
            showSummary(target, rows);
        }
        message.getParent().layout();
        updateActions(rows);
        // a pass in another process sends us no events: read again, more often while one runs
        // (an SWT timer, not a delayed read: a delayed read would hold back the reads engine events ask for)
        display.timerExec((int) (rows.passUnderWay() ? POLL_WHILE_RUNNING_MILLIS : POLL_WHILE_IDLE_MILLIS), poll);
    }

    private void showSummary(Shown target, MailboxRows rows) {
        String state = rows.batchState() == null ? "" : ": " + rows.batchState();
        String running = rows.running() && BatchPassJob.running(target.folder(), target.batch() == null ? "" : target.batch()) == null
                ? " (a pass runs outside this workbench, e.g. the command line)" : "";
        int shownRows = table.rows().size();
        message.setText(capitalize(describe(target)) + state + running + " — " + rows.rows().size() + " mailboxes"
                + (shownRows == rows.rows().size() ? "" : ", " + shownRows + " shown by the filter"));
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private void updateActions(MailboxRows rows) {
        lastRows = rows;
        boolean batchShown = rows != null && rows.batch() != null && rows.problem() == null;
        boolean idle = batchShown && !rows.passUnderWay();
        List<Row> selected = table == null ? List.of() : table.selectedRows();
        startAction.setEnabled(idle);
        stopAction.setEnabled(batchShown && rows.passUnderWay());
        completeAction.setEnabled(idle && !mxCheckRunning && rows.batchState() != BatchState.COMPLETED);
        startSelectedAction.setEnabled(idle && !selected.isEmpty());
        retryAction.setEnabled(idle && selected.stream().anyMatch(MailboxesView::needsRetry));
        stopSelectedAction.setEnabled(batchShown && rows.passUnderWay() && !selected.isEmpty());
        removeAction.setEnabled(idle && !selected.isEmpty() && selected.size() < rows.rows().size());
    }

    /** A mailbox that a pass did not finish well: failed, with failed messages, stopped or interrupted. */
    private static boolean needsRetry(Row row) {
        return row.failed() > 0 || List.of(MailboxState.FAILED.name(), MailboxState.SYNCED_WITH_ERRORS.name(),
                MailboxState.STOPPED.name(), MailboxState.INTERRUPTED.name()).contains(row.state());
    }

    private void applyFilter() {
        int index = filterState.getSelectionIndex();
        table.setFilter(filterText.getText(), index <= 0 ? null : filterState.getItem(index));
        Shown target = shown;
        if (lastRows != null && target != null && lastRows.problem() == null) {
            showSummary(target, lastRows);
        }
        tableSelectionChanged();
    }

    private void tableSelectionChanged() {
        updateActions(lastRows);
        Shown target = shown;
        List<MailboxPick> picks = target == null ? List.of()
                : table.selectedAddresses().stream().map(a -> new MailboxPick(target.folder(),
                        rowBatch(a, target), a)).toList();
        selectionProvider.setSelection(new StructuredSelection(picks));
    }

    /** The batch of a mailbox row: the shown batch, or the one its row names when the whole project is shown. */
    private String rowBatch(String address, Shown target) {
        if (target.batch() != null) {
            return target.batch();
        }
        return table.rows().stream().filter(r -> r.emailAddress().equals(address)).map(Row::batch).findFirst().orElse(null);
    }

    /** Runs a pass over some mailboxes of the shown batch only. */
    private void startMailboxes(List<String> addresses, String what) {
        Shown target = shown;
        if (target == null || target.batch() == null || addresses.isEmpty()) {
            showProblem("Select mailboxes of a batch to start them.");
            return;
        }
        if (passRunsHere(target)) {
            return;
        }
        showProblem(null);
        disablePassActions();
        schedule(new BatchPassJob(target.folder(), target.batch(), addresses, passChanged,
                problemText -> showProblemLater("Batch '" + target.batch() + "' (" + addresses.size() + " " + what
                        + " mailboxes): " + problemText)));
    }

    private void disablePassActions() {
        startAction.setEnabled(false);
        completeAction.setEnabled(false);
        startSelectedAction.setEnabled(false);
        retryAction.setEnabled(false);
        removeAction.setEnabled(false);
    }

    private void schedule(BatchPassJob job) {
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                requestRead(0);
                ProjectsView.refreshLater(getSite().getPage());
            }
        });
        job.schedule();
        requestRead(LIVE_REFRESH_MILLIS);
    }

    /**
     * Stops the selected mailboxes of a pass this workbench runs; a pass run elsewhere (the command line) can only be
     * asked to stop as a whole, which the message says.
     */
    private void stopMailboxes(List<String> addresses) {
        Shown target = shown;
        if (target == null || target.batch() == null || addresses.isEmpty()) {
            return;
        }
        BatchPassJob job = BatchPassJob.running(target.folder(), target.batch());
        if (job != null) {
            job.stopMailboxes(addresses);
            message.setText("Stopping " + (addresses.size() == 1 ? addresses.get(0) : addresses.size() + " mailboxes")
                    + " at the next safe point ...");
            return;
        }
        stopPass();
        showProblem("The pass runs outside this workbench: single mailboxes of it cannot be stopped, so the whole pass"
                + " was asked to stop.");
    }

    /** Takes mailboxes out of the shown batch, after asking. */
    private void removeFromBatch(List<String> addresses) {
        Shown target = shown;
        if (target == null || target.batch() == null || addresses.isEmpty()) {
            return;
        }
        String which = addresses.size() == 1 ? addresses.get(0) : addresses.size() + " mailboxes";
        if (!MessageDialog.openQuestion(getSite().getShell(), REMOVE_TITLE, "Take " + which + " out of batch '"
                + target.batch() + "'?\n\nWhat was copied stays on the target; the mailbox stays in the project.")) {
            return;
        }
        removeAction.setEnabled(false);
        Job remove = Job.create("Removing " + which + " from batch '" + target.batch() + "'", monitor -> {
            try (MigrationProject project = MigrationProject.open(target.folder())) {
                project.removeFromBatch(target.batch(), addresses);
            } catch (MigrationException e) {
                showProblemLater(e.getMessage());
            }
            requestRead(0);
            ProjectsView.refreshLater(getSite().getPage());
        });
        remove.setSystem(true);
        remove.schedule();
    }

    /** A selection provider over the selected mailbox rows, for the Folders view. */
    private static final class MailboxSelection implements ISelectionProvider {
        private final ListenerList<ISelectionChangedListener> listeners = new ListenerList<>();
        private ISelection selection = StructuredSelection.EMPTY;

        @Override
        public void addSelectionChangedListener(ISelectionChangedListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeSelectionChangedListener(ISelectionChangedListener listener) {
            listeners.remove(listener);
        }

        @Override
        public ISelection getSelection() {
            return selection;
        }

        @Override
        public void setSelection(ISelection next) {
            if (next.equals(selection)) {
                return;
            }
            selection = next;
            SelectionChangedEvent event = new SelectionChangedEvent(this, next);
            for (ISelectionChangedListener listener : listeners) {
                listener.selectionChanged(event);
            }
        }
    }

    /** Shows why something did not work where the user looks, in one sentence; null hides it. */
    void showProblem(String text) {
        if (problem.isDisposed()) {
            return;
        }
        problem.setText(text == null ? "" : text);
        problem.setVisible(text != null);
        ((GridData) problem.getLayoutData()).exclude = text == null;
        problem.getParent().layout();
    }

    private void showProblemLater(String text) {
        if (!display.isDisposed()) {
            display.asyncExec(() -> showProblem(text));
        }
    }

    /** True, with the problem shown, when this workbench runs a pass over the batch already: never a second one. */
    private boolean passRunsHere(Shown target) {
        if (BatchPassJob.running(target.folder(), target.batch()) == null) {
            return false;
        }
        showProblem("A pass over batch '" + target.batch() + "' is already running in this workbench.");
        return true;
    }

    private void startPass() {
        Shown target = shown;
        if (target == null || target.batch() == null) {
            showProblem("Select a batch in the Projects view to start a pass over it.");
            return;
        }
        if (passRunsHere(target)) {
            return;
        }
        showProblem(null);
        disablePassActions();
        schedule(new BatchPassJob(target.folder(), target.batch(), passChanged,
                problemText -> showProblemLater("Batch '" + target.batch() + "': " + problemText)));
    }

    /** Complete batch: asks, checks the MX records as the command line does, then runs the final pass. */
    private void completeBatch() {
        Shown target = shown;
        if (target == null || target.batch() == null) {
            showProblem("Select a batch in the Projects view to complete it.");
            return;
        }
        if (passRunsHere(target)) {
            return;
        }
        showProblem(null);
        BatchCompletion completion = new BatchCompletion(getSite().getShell(), target.folder(), target.batch(),
                problemText -> showProblemLater("Batch '" + target.batch() + "': " + problemText), () -> {
                    mxCheckRunning = false;
                    updateActions(lastRows);
                }, () -> {
                    if (passRunsHere(target)) {
                        return;
                    }
                    disablePassActions();
                    schedule(BatchPassJob.finalPass(target.folder(), target.batch(), passChanged,
                            problemText -> showProblemLater("Batch '" + target.batch() + "' (final pass): " + problemText)));
                });
        if (completion.start()) {
            mxCheckRunning = true;
            completeAction.setEnabled(false);
            message.setText("Checking the MX records of batch '" + target.batch() + "' ...");
        }
    }

    private void stopPass() {
        Shown target = shown;
        if (target == null || target.batch() == null) {
            return;
        }
        BatchPassJob job = BatchPassJob.running(target.folder(), target.batch());
        if (job != null) {
            job.cancel(); // the engine sees the cancelled monitor and stops at its next safe point
            message.setText("Stopping batch '" + target.batch() + "' at its next safe point ...");
            stopAction.setEnabled(false);
            return;
        }
        // a pass of another process (the command line): ask it through the project's control folder
        stopAction.setEnabled(false);
        Job ask = Job.create("Asking batch '" + target.batch() + "' to stop", monitor -> {
            try (MigrationProject project = MigrationProject.openReadOnly(target.folder())) {
                if (!project.requestStop(target.batch())) {
                    showProblemLater("No pass is running over batch '" + target.batch() + "'.");
                }
            } catch (MigrationException e) {
                showProblemLater(e.getMessage());
            }
            requestRead(0);
        });
        ask.setSystem(true);
        ask.schedule();
    }

    private void showFolders() {
        if (table.selectedRows().isEmpty()) {
            return;
        }
        try {
            getSite().getPage().showView(FoldersView.ID);
        } catch (org.eclipse.ui.PartInitException e) {
            showProblem("The Folders view cannot open: " + e.getMessage());
        }
    }

    /** Start pass and Stop, for the Projects view's keys on a selected batch. */
    Action startAction() {
        return startAction;
    }

    Action stopAction() {
        return stopAction;
    }

    /** For tests: the table of mailboxes. */
    MailboxTable table() {
        return table;
    }

    /** For tests: the one-line summary above the table. */
    Label message() {
        return message;
    }

    /** For tests: the filter's text field and state choice. */
    Text filterText() {
        return filterText;
    }

    Combo filterState() {
        return filterState;
    }

    /** For tests: the line that shows what went wrong. */
    Label problem() {
        return problem;
    }
}
