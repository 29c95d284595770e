package dev.mailferry.ui.internal;

import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.ui.internal.ProjectSnapshot.BatchNode;
import dev.mailferry.ui.internal.ProjectSnapshot.BatchesNode;
import dev.mailferry.ui.internal.ProjectSnapshot.MailboxesNode;
import dev.mailferry.ui.internal.ProjectSnapshot.Node;
import dev.mailferry.ui.internal.ProjectSnapshot.ReportsNode;
import dev.mailferry.ui.internal.ProjectSnapshot.SourceNode;
import dev.mailferry.ui.internal.ProjectSnapshot.TargetNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.IElementComparer;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.part.ViewPart;
import org.osgi.service.prefs.BackingStoreException;

/**
 * The projects open in the workbench, one per customer: each the same folder the command line uses, shown as project
 * → source, target, mailboxes, batches. Folders are read off the UI thread, read-only, so a pass the command line runs
 * on a project is never held up by the workbench.
 */
public final class ProjectsView extends ViewPart {

    static final String ID = "dev.mailferry.ui.projectsView";
    static final String PREFERENCES_NODE = "dev.mailferry.ui";
    /** The open project folders, one absolute path a line. */
    static final String OPEN_PROJECTS_KEY = "openProjects";

    private final Set<Path> folders = new LinkedHashSet<>();
    /** The viewer's input: refreshed in place so expansion and selection survive a re-read. */
    private final List<ProjectSnapshot> snapshots = new ArrayList<>();
    private Display display;
    private TreeViewer viewer;
    private Label problem;

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().applyTo(parent);
        problem = new Label(parent, SWT.WRAP);
        problem.setForeground(display.getSystemColor(SWT.COLOR_DARK_RED));
        GridDataFactory.fillDefaults().grab(true, false).exclude(true).applyTo(problem);
        problem.setVisible(false);
        viewer = new TreeViewer(parent, SWT.SINGLE | SWT.V_SCROLL | SWT.H_SCROLL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        viewer.setContentProvider(new ProjectContent());
        viewer.setLabelProvider(new ProjectLabels());
        viewer.setComparer(new SameElement());
        viewer.setInput(snapshots);
        getSite().setSelectionProvider(viewer);

        IToolBarManager toolBar = getViewSite().getActionBars().getToolBarManager();
        toolBar.add(action("New Project...", "Create a project folder (as 'mailferry project create')", this::newProject));
        toolBar.add(action("Open Project...", "Open a project folder made here or by the command line", this::chooseProject));
        toolBar.add(action("Close Project", "Close the selected project (its folder stays as it is)", () -> {
            Object selected = viewer.getStructuredSelection().getFirstElement();
            if (selected instanceof ProjectSnapshot p) {
                closeProject(p.folder());
            } else if (selected instanceof Node n) {
                closeProject(n.project().folder());
            }
        }));
        toolBar.add(action("Refresh", "Read the open projects again", this::refresh));
        toolBar.add(new Separator());
        MenuManager menu = new MenuManager();
        for (Action wizard : wizardActions()) {
            toolBar.add(wizard);
            menu.add(wizard);
        }
        viewer.getControl().setMenu(menu.createContextMenu(viewer.getControl()));
        getViewSite().getActionBars().updateActionBars();
        KeyBindings.activateContext(getViewSite());
        KeyBindings.bind(getViewSite(), KeyBindings.REFRESH, action("Refresh", "Read the open projects again", this::refresh));
        // on a selected batch, the pass keys act as in the Mailboxes view, which shows that batch
        KeyBindings.bind(getViewSite(), KeyBindings.START_PASS, action("Start pass", "", () -> runInMailboxesView(true)));
        KeyBindings.bind(getViewSite(), KeyBindings.STOP_PASS, action("Stop", "", () -> runInMailboxesView(false)));
        reopenProjects();
        viewer.addOpenListener(event -> open(((org.eclipse.jface.viewers.IStructuredSelection) event.getSelection()).getFirstElement()));
    }

    /**
     * Opens the projects that were open when the workbench (or this view) last closed; a folder that is gone, or no
     * longer holds a project, is left out and named in one line.
     */
    private void reopenProjects() {
        String saved = preferences().get(OPEN_PROJECTS_KEY, "");
        List<Path> gone = new ArrayList<>();
        for (String line : saved.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Path folder = Path.of(line);
            if (Files.isRegularFile(folder.resolve(MigrationProject.PROJECT_FILE))) {
                folders.add(folder);
            } else {
                gone.add(folder);
            }
        }
        if (!gone.isEmpty()) {
            showProblem("Not reopened, no project there any more: " + gone.get(0)
                    + (gone.size() == 1 ? "" : " and " + (gone.size() - 1) + " more"));
        }
        if (!folders.isEmpty() || !gone.isEmpty()) {
            // in the workbench's log too: what a start did with the remembered folders, for whoever supports the user
            ILog.of(ProjectsView.class).info("Reopened the projects open at the last close: " + folders
                    + (gone.isEmpty() ? "" : "; not reopened, no project there any more: " + gone));
        }
        if (!folders.isEmpty()) {
            read(null);
        }
    }

    /** Keeps the open project folders for the next start (the workbench saves no view state of its own). */
    private void saveOpenProjects() {
        IEclipsePreferences preferences = preferences();
        preferences.put(OPEN_PROJECTS_KEY, String.join("\n", folders.stream().map(Path::toString).toList()));
        try {
            preferences.flush();
        } catch (BackingStoreException e) {
            showProblem("The open projects could not be kept for the next start: " + e.getMessage());
        }
    }

    private static IEclipsePreferences preferences() {
        return InstanceScope.INSTANCE.getNode(PREFERENCES_NODE);
    }

    /**
     * Enter or a double click: a batch opens in the Mailboxes view, its Reports node in the Report view (which follows
     * the selection, so it shows that batch), anything else expands or collapses.
     */
    private void open(Object element) {
        if (element instanceof BatchNode) {
            showView(MailboxesView.ID);
        } else if (element instanceof ReportsNode) {
            showView(ReportsView.ID);
        } else if (element != null && viewer.isExpandable(element)) {
            viewer.setExpandedState(element, !viewer.getExpandedState(element));
        }
    }

    private void showView(String id) {
        try {
            getSite().getPage().showView(id);
        } catch (org.eclipse.ui.PartInitException e) {
            showProblem("The view cannot open: " + e.getMessage());
        }
    }

    private void runInMailboxesView(boolean start) {
        Object selected = viewer.getStructuredSelection().getFirstElement();
        if (!(selected instanceof BatchNode || selected instanceof ReportsNode)) {
            showProblem("Select a batch to start or stop its pass.");
            return;
        }
        if (getSite().getPage().findView(MailboxesView.ID) instanceof MailboxesView view) {
            Action action = start ? view.startAction() : view.stopAction();
            if (action.isEnabled()) {
                action.run();
            }
        }
    }

    /** The wizards that change the selected project, as the command line's set/import/create commands do. */
    private List<Action> wizardActions() {
        return List.of(
                action("Set Source...", "Set and test the source (as 'mailferry source set' and 'source test')",
                        () -> withSelectedProject(folder -> openEndpointWizard(folder, EndpointConnector.Role.SOURCE))),
                action("Set Target...", "Set and test the target (as 'mailferry target set' and 'target test')",
                        () -> withSelectedProject(folder -> openEndpointWizard(folder, EndpointConnector.Role.TARGET))),
                action("Import Mailboxes...", "Import mailboxes from a CSV file (as 'mailferry mailboxes import')",
                        () -> withSelectedProject(folder -> WizardLauncher.open(getSite().getShell(), "the mailbox import",
                                () -> new CsvImportWizard(CsvImportWizard.Input.read(folder), () -> read(folder)),
                                this::showProblem))),
                action("New Batch...", "Create a batch of mailboxes with its options (as 'mailferry batch create')",
                        () -> withSelectedProject(folder -> WizardLauncher.open(getSite().getShell(), "a new batch",
                                () -> new NewBatchWizard(NewBatchWizard.Input.read(folder), () -> read(folder)),
                                this::showProblem))));
    }

    private void openEndpointWizard(Path folder, EndpointConnector.Role role) {
        WizardLauncher.open(getSite().getShell(), "the " + role.title().toLowerCase() + " of " + folder.getFileName(),
                () -> new EndpointWizard(EndpointWizard.Input.read(folder, role), () -> read(folder)), this::showProblem);
    }

    /** Runs {@code action} with the folder of the selected project, or says that a project must be selected. */
    private void withSelectedProject(java.util.function.Consumer<Path> action) {
        Object selected = viewer.getStructuredSelection().getFirstElement();
        Path folder = selected instanceof ProjectSnapshot p ? p.folder() : selected instanceof Node n ? n.project().folder() : null;
        if (folder == null) {
            showProblem("Select a project in the tree first (or open one).");
            return;
        }
        showProblem(null);
        action.accept(folder);
    }

    private static Action action(String text, String toolTip, Runnable run) {
        Action action = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        action.setToolTipText(toolTip);
        return action;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    private void newProject() {
        NewProjectWizard.dialog(getSite().getShell(), this).open();
    }

    private void chooseProject() {
        DirectoryDialog dialog = new DirectoryDialog(getSite().getShell());
        dialog.setText("Open Project");
        dialog.setMessage("Choose a Mailferry project folder (it holds " + MigrationProject.PROJECT_FILE + ")");
        String chosen = dialog.open();
        if (chosen != null) {
            openProject(Path.of(chosen));
        }
    }

    /** Opens the project in {@code folder}, or says why it cannot, above the tree. */
    void openProject(Path folder) {
        Path normalized = folder.toAbsolutePath().normalize();
        if (!Files.isRegularFile(normalized.resolve(MigrationProject.PROJECT_FILE))) {
            showProblem("No Mailferry project in " + normalized + " (" + MigrationProject.PROJECT_FILE + " is missing).");
            return;
        }
        showProblem(null);
        folders.add(normalized);
        saveOpenProjects();
        read(normalized);
    }

    /** Takes the project out of the navigator; the folder is left as it is. */
    void closeProject(Path folder) {
        folders.remove(folder.toAbsolutePath().normalize());
        saveOpenProjects();
        read(null);
    }

    /** Reads every open project again. */
    void refresh() {
        read(null);
    }

    /** Refreshes the Projects view of {@code page}, if it is open; callable from any thread. */
    static void refreshLater(IWorkbenchPage page) {
        Display display = page.getWorkbenchWindow().getWorkbench().getDisplay();
        display.asyncExec(() -> {
            if (page.getWorkbenchWindow().getShell() != null && page.findView(ID) instanceof ProjectsView view) {
                view.refresh();
            }
        });
    }

    /** Reads the open folders in a job, then shows them and selects {@code select} when given. */
    private void read(Path select) {
        List<Path> toRead = List.copyOf(folders);
        Job job = Job.create("Reading projects", monitor -> {
            List<ProjectSnapshot> read = new ArrayList<>();
            for (Path folder : toRead) {
                read.add(ProjectSnapshot.read(folder));
            }
            if (!display.isDisposed()) {
                display.asyncExec(() -> show(read, select));
            }
            return Status.OK_STATUS;
        });
        job.setSystem(true);
        job.schedule();
    }

    private void show(List<ProjectSnapshot> read, Path select) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        snapshots.clear();
        snapshots.addAll(read);
        viewer.refresh();
        for (ProjectSnapshot s : read) {
            if (s.folder().equals(select)) {
                viewer.expandToLevel(s, 2);
                viewer.setSelection(new StructuredSelection(s), true);
            }
        }
    }

    private void showProblem(String text) {
        problem.setText(text == null ? "" : text);
        problem.setVisible(text != null);
        ((GridData) problem.getLayoutData()).exclude = text == null;
        problem.getParent().layout();
    }

    /** For tests. */
    TreeViewer viewer() {
        return viewer;
    }

    /** For tests: the line that says why a folder could not be opened. */
    Label problem() {
        return problem;
    }

    private static final class ProjectContent implements ITreeContentProvider {
        @Override
        public Object[] getElements(Object input) {
            return ((List<?>) input).toArray();
        }

        @Override
        public Object[] getChildren(Object parent) {
            if (parent instanceof ProjectSnapshot p) {
                return p.problem() != null ? new Object[0]
                        : new Object[] { new SourceNode(p), new TargetNode(p), new MailboxesNode(p), new BatchesNode(p) };
            }
            if (parent instanceof BatchesNode b) {
                return b.project().batches().stream().map(info -> new BatchNode(b.project(), info)).toArray();
            }
            if (parent instanceof BatchNode b) {
                return new Object[] { new ReportsNode(b.project(), b.batch()) };
            }
            return new Object[0];
        }

        @Override
        public Object getParent(Object element) {
            if (element instanceof BatchNode b) {
                return new BatchesNode(b.project());
            }
            if (element instanceof ReportsNode r) {
                return new BatchNode(r.project(), r.batch());
            }
            return element instanceof Node n ? n.project() : null;
        }

        @Override
        public boolean hasChildren(Object element) {
            return getChildren(element).length > 0;
        }
    }

    private static final class ProjectLabels extends LabelProvider {
        @Override
        public String getText(Object element) {
            if (element instanceof ProjectSnapshot p) {
                return p.problem() == null ? p.name() : p.name() + " — cannot be read: " + p.problem();
            }
            if (element instanceof SourceNode s) {
                return "Source: " + s.project().source();
            }
            if (element instanceof TargetNode t) {
                return "Target: " + t.project().target();
            }
            if (element instanceof MailboxesNode m) {
                return "Mailboxes (" + m.project().mailboxes() + ")";
            }
            if (element instanceof BatchesNode b) {
                return "Batches (" + b.project().batches().size() + ")";
            }
            if (element instanceof ReportsNode) {
                return "Reports";
            }
            if (element instanceof BatchNode b) {
                BatchInfo info = b.batch();
                return info.name() + " — " + info.state() + ", " + info.mailboxes().size() + " mailboxes";
            }
            return String.valueOf(element);
        }
    }

    /**
     * A project re-read is the same tree element as before (same folder, same kind, same batch), so expansion and
     * selection survive a refresh.
     */
    private static final class SameElement implements IElementComparer {
        @Override
        public boolean equals(Object a, Object b) {
            return Objects.equals(key(a), key(b));
        }

        @Override
        public int hashCode(Object element) {
            return Objects.hashCode(key(element));
        }

        private static Object key(Object element) {
            if (element instanceof ProjectSnapshot p) {
                return List.of("project", p.folder());
            }
            if (element instanceof BatchNode b) {
                return List.of("batch", b.project().folder(), b.batch().name());
            }
            if (element instanceof ReportsNode r) {
                return List.of("reports", r.project().folder(), r.batch().name());
            }
            if (element instanceof Node n) {
                return List.of(n.getClass().getSimpleName(), n.project().folder());
            }
            return element;
        }
    }
}
