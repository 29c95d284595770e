package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.FolderPreview;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.CellEditor;
import org.eclipse.jface.viewers.CheckStateChangedEvent;
import org.eclipse.jface.viewers.CheckboxTreeViewer;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.EditingSupport;
import org.eclipse.jface.viewers.ICheckStateProvider;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.TextCellEditor;
import org.eclipse.jface.viewers.TreeViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;

/**
 * The source folders of the mailbox selected in the Mailboxes view, as a tree: messages and size on the source (as the
 * last pass found them), the target folder each goes to (special-use and user mapping applied; editable: the batch's
 * folder mapping), exclusions as check boxes (the batch's excluded folders), and each folder's progress during a pass
 * this workbench runs. Exclusions and mappings belong to the batch, as {@code batch create --exclude-folder} and
 * {@code --map-folder} set them, so they apply to every mailbox of it from the next pass on.
 */
public final class FoldersView extends SelectionFollowingView<MailboxPick> {

    static final String ID = "dev.mailferry.ui.foldersView";
    private static final char DELIMITER = '/';
    private static final int PROGRESS_REFRESH_MILLIS = 500;

    /** One source folder; {@code status} is null for a parent folder the project holds no record of. */
    static final class FolderNode {
        final FolderPath source;
        FolderStatus status;
        /** The folder as read from the servers now (Read from servers), or null. */
        FolderPreview preview;
        final List<FolderNode> children = new ArrayList<>();

        FolderNode(FolderPath source) {
            this.source = source;
        }

        /**
         * Messages on the source: as read from the servers just now, else when the last pass went through the folder
         * (copied, skipped or failed).
         */
        long messages() {
            if (preview != null) {
                return preview.messages();
            }
            return status == null ? 0 : status.copied() + status.skipped() + status.failed();
        }

        boolean known() {
            return status != null || preview != null;
        }

        FolderPath source() {
            return source;
        }
    }

    /** One folder's progress in the pass under way: messages copied so far, of how many (-1: not known yet). */
    private static final class Progress {
        final AtomicLong copied = new AtomicLong();
        volatile long planned = -1;
        volatile boolean done;
    }

    private Display display;
    private Label message;
    private CheckboxTreeViewer viewer;
    private List<FolderNode> roots = List.of();
    private List<FolderStatus> statuses = List.of();
    /** The folders of the mailbox shown as read from the servers (Read from servers), or empty. */
    private List<FolderPreview> previews = List.of();
    private final Action previewAction = new Action("Read from servers") {
        @Override
        public void run() {
            MailboxPick pick = shown();
            if (pick != null) {
                preview(pick);
            }
        }
    };
    private BatchOptions options;
    private final Map<FolderPath, Progress> progress = new ConcurrentHashMap<>();
    private final AtomicBoolean progressChanged = new AtomicBoolean();
    private final AtomicBoolean folderFinished = new AtomicBoolean();
    private final PassFollower follower = new PassFollower(new FolderProgress());
    private final Runnable refreshProgress = this::refreshProgress;
    /** A pass run outside this workbench sends no events: its folders' progress is read from the project. */
    private OutsidePassWatch outside;

    public FoldersView() {
        super(MailboxesView.ID, FoldersView::mailboxPicked);
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        message = new Label(parent, SWT.WRAP);
        message.setText("Select a mailbox in the Mailboxes view.");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);
        viewer = new CheckboxTreeViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
        viewer.getTree().setHeaderVisible(true);
        viewer.getTree().setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        viewer.setContentProvider(new FolderContent());
        column("Source folder", 200, SWT.LEFT, n -> n.source.name());
        column("Messages", 75, SWT.RIGHT, n -> n.known() ? Long.toString(n.messages()) : "");
        column("Size", 70, SWT.RIGHT, n -> n.status == null ? "" : Sizes.human(n.status.bytes()));
        TreeViewerColumn target = column("Target folder", 200, SWT.LEFT, this::targetText);
        target.setEditingSupport(new MappingEditing());
        column("Copied", 65, SWT.RIGHT, n -> n.status == null ? "" : Long.toString(n.status.copied()));
        column("Skipped", 65, SWT.RIGHT, n -> n.status == null ? "" : Long.toString(n.status.skipped()));
        column("Failed", 55, SWT.RIGHT, n -> n.status == null ? "" : Long.toString(n.status.failed()));
        column("This pass", 110, SWT.LEFT, this::progressText);
        column("Note", 300, SWT.LEFT, FoldersView::noteText);
        viewer.setCheckStateProvider(new ICheckStateProvider() {
            @Override
            public boolean isChecked(Object element) {
                return !excluded(((FolderNode) element).source);
            }

            @Override
            public boolean isGrayed(Object element) {
                return false;
            }
        });
        viewer.addCheckStateListener(this::checkStateChanged);
        viewer.setInput(List.of());
        previewAction.setToolTipText("List the mailbox's folders on the source now, with their message counts, and where a"
                + " pass would put them (nothing is copied or changed)");
        previewAction.setEnabled(false);
        getViewSite().getActionBars().getToolBarManager().add(previewAction);
        getViewSite().getActionBars().updateActionBars();
        outside = new OutsidePassWatch(display, (project, batch, runs, ended) -> {
            MailboxPick pick = shown();
            if (pick != null && batch.batch().equals(pick.batch())) {
                read(project, pick);
            }
        });

        follow(follower, outside);
    }

    private TreeViewerColumn column(String header, int width, int alignment, Function<FolderNode, String> text) {
        TreeViewerColumn column = new TreeViewerColumn(viewer, alignment);
        column.getColumn().setText(header);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((FolderNode) element);
            }
        });
        return column;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    /** The mailbox selected in the Mailboxes view, or null. */
    private static MailboxPick mailboxPicked(ISelection selection) {
        return selection instanceof IStructuredSelection structured
                && structured.getFirstElement() instanceof MailboxPick pick ? pick : null;
    }

    @Override
    void showSelected(MailboxPick pick) {
        progress.clear();
        previews = List.of();
        previewAction.setEnabled(pick.batch() != null);
        BatchRef batch = pick.batch() == null ? null : new BatchRef(pick.folder(), pick.batch());
        follower.follow(batch);
        outside.watch(batch);
        message.setText("Reading the folders of " + pick.emailAddress() + " ...");
        read(pick);
    }

    /** Reads the mailbox's folders and the batch's options off the UI thread. */
    private void read(MailboxPick pick) {
        Job job = Job.create("Reading the folders of " + pick.emailAddress(), monitor -> {
            try (MigrationProject project = MigrationProject.openReadOnly(pick.folder())) {
                read(project, pick);
            } catch (MigrationException | RuntimeException e) {
                if (!display.isDisposed()) {
                    display.asyncExec(() -> show(pick, List.of(), null, e.getMessage()));
                }
            }
        });
        job.setSystem(true);
        job.schedule();
    }

    /** Reads the mailbox's folders and the batch's options from an open project, then hands them to the UI thread. */
    private void read(MigrationProject project, MailboxPick pick) throws MigrationException {
        List<FolderStatus> folders = project.folderStatus(pick.emailAddress());
        BatchOptions batchOptions = pick.batch() == null ? null
                : project.batch(pick.batch()).map(BatchInfo::options).orElse(null);
        if (!display.isDisposed()) {
            display.asyncExec(() -> show(pick, folders, batchOptions, null));
        }
    }

    private void show(MailboxPick pick, List<FolderStatus> folders, BatchOptions batchOptions, String problem) {
        if (viewer.getControl().isDisposed() || !pick.equals(shown())) {
            return;
        }
        options = batchOptions;
        statuses = folders;
        roots = tree(folders, previews);
        viewer.setInput(roots);
        viewer.expandAll();
        if (problem != null) {
            message.setText(pick.emailAddress() + ": the folders cannot be read: " + problem);
        } else if (!previews.isEmpty()) {
            long messages = previews.stream().mapToLong(FolderPreview::messages).sum();
            message.setText(pick.emailAddress() + ": " + previews.size() + " folders on the source now, " + messages
                    + " messages (read from the servers; sizes come with the first pass)");
        } else if (folders.isEmpty()) {
            message.setText(pick.emailAddress() + ": no folder recorded yet; the first pass over the mailbox lists them,"
                    + " or Read from servers lists them now.");
        } else {
            long messages = folders.stream().mapToLong(f -> f.copied() + f.skipped() + f.failed()).sum();
            message.setText(pick.emailAddress() + ": " + folders.size() + " folders, " + messages + " messages"
                    + (pick.batch() == null ? " (exclusions and mappings belong to a batch: show the mailbox in its batch)"
                            : "; unchecked folders and changed targets apply to every mailbox of batch '" + pick.batch()
                                    + "' from its next pass"));
        }
        message.getParent().layout();
    }

    /** The folders as a tree by their paths; parents without a record of their own are added. */
    static List<FolderNode> tree(List<FolderStatus> folders, List<FolderPreview> previews) {
        Map<FolderPath, FolderNode> nodes = new LinkedHashMap<>();
        List<FolderNode> roots = new ArrayList<>();
        for (FolderPreview preview : previews) {
            node(preview.source(), nodes, roots).preview = preview;
        }
        for (FolderStatus status : folders) {
            node(status.source(), nodes, roots).status = status;
        }
        return roots;
    }

    /** Reads the folders from the servers in a job (the project opened read-only), then shows them with the records. */
    private void preview(MailboxPick pick) {
        if (pick.batch() == null) {
            return;
        }
        previewAction.setEnabled(false);
        message.setText("Reading the folders of " + pick.emailAddress() + " from the servers ...");
        Job job = Job.create("Reading the folders of " + pick.emailAddress() + " from the servers", monitor -> {
            List<FolderPreview> read = List.of();
            String problem = null;
            try (MigrationProject project = MigrationProject.openReadOnly(pick.folder())) {
                read = EngineServices.engine().previewFolders(project, pick.batch(), pick.emailAddress(),
                        EngineServices.secrets());
            } catch (MigrationException | RuntimeException e) {
                problem = e.getMessage();
            }
            List<FolderPreview> readPreviews = read;
            String why = problem;
            if (!display.isDisposed()) {
                display.asyncExec(() -> previewed(pick, readPreviews, why));
            }
        });
        job.setSystem(true);
        job.schedule();
    }

    private void previewed(MailboxPick pick, List<FolderPreview> read, String problem) {
        if (viewer.getControl().isDisposed() || !pick.equals(shown())) {
            return;
        }
        previewAction.setEnabled(true);
        if (problem != null) {
            message.setText(problem);
            return;
        }
        previews = read;
        read(pick); // the records and the batch's options, shown with what the servers said
    }

    private static FolderNode node(FolderPath path, Map<FolderPath, FolderNode> nodes, List<FolderNode> roots) {
        FolderNode existing = nodes.get(path);
        if (existing != null) {
            return existing;
        }
        FolderNode created = new FolderNode(path);
        nodes.put(path, created);
        if (path.depth() <= 1) {
            roots.add(created);
        } else {
            node(path.parent(), nodes, roots).children.add(created);
        }
        return created;
    }

    private boolean excluded(FolderPath source) {
        return options != null && options.excludedFolders().stream().anyMatch(source::startsWith);
    }

    /** The target a folder goes to, and where the batch's mapping sends it from the next pass when that differs. */
    private String targetText(FolderNode node) {
        if (excluded(node.source)) {
            return "(excluded)";
        }
        String now = node.preview != null ? previewTarget(node.preview)
                : node.status == null || node.status.target() == null ? "" : node.status.target().join(DELIMITER);
        FolderPath mapped = mappedTarget(node.source);
        if (mapped != null && !mapped.join(DELIMITER).equals(now)) {
            return mapped.join(DELIMITER) + " (from the next pass" + (now.isEmpty() ? "" : "; now " + now) + ")";
        }
        return now;
    }

    /** Where the batch's folder mapping sends {@code source} (the longest matching prefix wins), or null. */
    private FolderPath mappedTarget(FolderPath source) {
        if (options == null) {
            return null;
        }
        FolderPath best = null;
        for (FolderPath prefix : options.folderMapping().keySet()) {
            if (source.startsWith(prefix) && (best == null || prefix.depth() > best.depth())) {
                best = prefix;
            }
        }
        return best == null ? null : source.rebase(best, options.folderMapping().get(best));
    }

    /** The planned target, with the source folder's role when it has one: that role chose the target folder. */
    private static String previewTarget(FolderPreview preview) {
        if (preview.target() == null) {
            return "(not copied)";
        }
        String target = preview.target().join(DELIMITER);
        boolean role = preview.role() != SpecialUse.NONE && preview.role() != SpecialUse.INBOX;
        return role ? target + " [" + preview.role().name().toLowerCase(Locale.ROOT) + " folder]" : target;
    }

    private static String noteText(FolderNode node) {
        if (node.preview != null && node.preview.note() != null) {
            return node.preview.note();
        }
        return node.status == null || node.status.note() == null ? "" : node.status.note();
    }

    private String progressText(FolderNode node) {
        Progress p = progress.get(node.source);
        if (p == null) {
            return "";
        }
        if (p.done) {
            return "done (" + p.copied.get() + " copied)";
        }
        return "copying " + p.copied.get() + (p.planned >= 0 ? " of " + p.planned : "");
    }

    private void checkStateChanged(CheckStateChangedEvent event) {
        FolderNode node = (FolderNode) event.getElement();
        setExcluded(node.source, !event.getChecked());
    }

    /** Excludes a folder, with its subfolders, from the batch, or includes it again; saved to the project. */
    void setExcluded(FolderPath source, boolean exclude) {
        MailboxPick pick = shown();
        if (pick == null || pick.batch() == null || options == null) {
            message.setText("Exclusions belong to a batch: select the mailbox in a batch.");
            viewer.refresh();
            return;
        }
        if (!exclude && options.excludedFolders().stream().anyMatch(p -> !p.equals(source) && source.startsWith(p))) {
            message.setText("'" + source.join(DELIMITER) + "' stays excluded: a folder above it is excluded with its"
                    + " subfolders; include that one first.");
            viewer.refresh();
            return;
        }
        List<FolderPath> next = new ArrayList<>(options.excludedFolders().stream().filter(p -> !p.startsWith(source)).toList());
        if (exclude) {
            next.add(source);
        }
        save(pick, options.withExcludedFolders(next), (exclude ? "excluded " : "included ") + source.join(DELIMITER));
    }

    /** Sends a folder (and its subfolders) to another target folder from the next pass; blank removes the mapping. */
    void mapFolder(FolderPath source, String target) {
        MailboxPick pick = shown();
        if (pick == null || pick.batch() == null || options == null) {
            message.setText("Folder mappings belong to a batch: select the mailbox in a batch.");
            return;
        }
        Map<FolderPath, FolderPath> mapping = new LinkedHashMap<>(options.folderMapping());
        String trimmed = target == null ? "" : target.trim();
        if (trimmed.isEmpty()) {
            mapping.remove(source);
        } else {
            FolderPath to = FolderPath.parse(trimmed, DELIMITER);
            if (to.isRoot()) {
                message.setText("'" + target + "' names no folder; write the target folder with '/', e.g. Archive/Old.");
                return;
            }
            mapping.put(source, to);
        }
        save(pick, options.withFolderMapping(mapping), "mapped " + source.join(DELIMITER)
                + (trimmed.isEmpty() ? " as planned again" : " to " + trimmed));
    }

    /** Saves the batch's options in a job (the project is opened for writing only for it), then reads again. */
    private void save(MailboxPick pick, BatchOptions next, String what) {
        message.setText("Saving: " + what + " ...");
        Job save = Job.create("Changing the folders of batch '" + pick.batch() + "'", monitor -> {
            String problem = null;
            try (MigrationProject project = MigrationProject.open(pick.folder())) {
                project.setBatchOptions(pick.batch(), next);
            } catch (MigrationException | RuntimeException e) {
                problem = e.getMessage();
            }
            String why = problem;
            if (!display.isDisposed()) {
                display.asyncExec(() -> saved(pick, what, why));
            }
        });
        save.setSystem(true);
        save.schedule();
    }

    private void saved(MailboxPick pick, String what, String problem) {
        if (viewer.getControl().isDisposed() || !pick.equals(shown())) {
            return;
        }
        if (problem != null) {
            message.setText("Not saved (" + what + "): " + problem);
            viewer.refresh();
            return;
        }
        if (previews.isEmpty()) {
            read(pick);
        } else {
            preview(pick); // where the folders go now depends on the changed options
        }
    }

    private void scheduleProgressRefresh() {
        if (progressChanged.compareAndSet(false, true) && !display.isDisposed()) {
            display.asyncExec(() -> display.timerExec(PROGRESS_REFRESH_MILLIS, refreshProgress));
        }
    }

    private void refreshProgress() {
        progressChanged.set(false);
        if (viewer.getControl().isDisposed()) {
            return;
        }
        MailboxPick pick = shown();
        if (folderFinished.getAndSet(false) && pick != null) {
            read(pick); // the project holds the folder's counts now
        } else {
            viewer.refresh();
        }
    }

    /** For tests: the tree. */
    CheckboxTreeViewer viewer() {
        return viewer;
    }

    Label message() {
        return message;
    }

    List<FolderNode> roots() {
        return roots;
    }

    BatchOptions options() {
        return options;
    }

    private final class FolderContent implements ITreeContentProvider {
        @Override
        public Object[] getElements(Object input) {
            return ((List<?>) input).toArray();
        }

        @Override
        public Object[] getChildren(Object parent) {
            return ((FolderNode) parent).children.toArray();
        }

        @Override
        public Object getParent(Object element) {
            return null;
        }

        @Override
        public boolean hasChildren(Object element) {
            return !((FolderNode) element).children.isEmpty();
        }
    }

    private final class MappingEditing extends EditingSupport {
        private final TextCellEditor editor;

        MappingEditing() {
            super(viewer);
            editor = new TextCellEditor(viewer.getTree());
        }

        @Override
        protected CellEditor getCellEditor(Object element) {
            return editor;
        }

        @Override
        protected boolean canEdit(Object element) {
            MailboxPick pick = shown();
            return pick != null && pick.batch() != null && options != null && !excluded(((FolderNode) element).source);
        }

        @Override
        protected Object getValue(Object element) {
            FolderNode node = (FolderNode) element;
            FolderPath mapped = mappedTarget(node.source);
            if (mapped != null) {
                return mapped.join(DELIMITER);
            }
            return node.status == null || node.status.target() == null ? "" : node.status.target().join(DELIMITER);
        }

        @Override
        protected void setValue(Object element, Object value) {
            if (!value.equals(getValue(element))) {
                mapFolder(((FolderNode) element).source, (String) value);
            }
        }
    }

    /** Follows the folders of the mailbox shown during a pass; runs on the copy threads. */
    private final class FolderProgress implements MigrationListener {
        private boolean ours(String emailAddress) {
            MailboxPick pick = shown();
            return pick != null && pick.emailAddress().equalsIgnoreCase(emailAddress);
        }

        @Override
        public void batchStarted(String batch, int mailboxes, boolean finalPass) {
            progress.clear();
            if (!display.isDisposed()) {
                display.asyncExec(() -> previews = List.of()); // the pass's records supersede what was read before it
            }
            scheduleProgressRefresh();
        }

        @Override
        public void folderStarted(String emailAddress, FolderPath source, FolderPath target, long messages) {
            if (ours(emailAddress)) {
                Progress p = progress.computeIfAbsent(source, s -> new Progress());
                p.planned = messages;
                p.done = false;
                scheduleProgressRefresh();
            }
        }

        @Override
        public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
            if (ours(emailAddress)) {
                progress.computeIfAbsent(source, s -> new Progress()).copied.incrementAndGet();
                scheduleProgressRefresh();
            }
        }

        @Override
        public void folderFinished(String emailAddress, FolderStatus status) {
            if (ours(emailAddress)) {
                progress.computeIfAbsent(status.source(), s -> new Progress()).done = true;
                folderFinished.set(true);
                scheduleProgressRefresh();
            }
        }
    }
}
