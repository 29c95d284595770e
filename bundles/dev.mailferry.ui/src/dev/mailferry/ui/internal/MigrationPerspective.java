package dev.mailferry.ui.internal;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * Projects on the left, the selected project's or batch's mailboxes in the middle; below, running passes and the views
 * that follow the selected batch.
 */
public final class MigrationPerspective implements IPerspectiveFactory {

    static final String ID = "dev.mailferry.ui.migrationPerspective";
    static final String PROGRESS_VIEW_ID = "dev.mailferry.ui.progressView";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editorArea = layout.getEditorArea();
        layout.addView(ProjectsView.ID, IPageLayout.LEFT, 0.25f, editorArea);
        layout.addView(MailboxesView.ID, IPageLayout.TOP, 0.75f, editorArea);
        IFolderLayout bottom = layout.createFolder("bottom", IPageLayout.BOTTOM, 0.55f, MailboxesView.ID);
        bottom.addView(PROGRESS_VIEW_ID);
        bottom.addView(FoldersView.ID);
        bottom.addView(BatchLogView.ID);
        bottom.addView(ThroughputView.ID);
        bottom.addView(ReportsView.ID);
    }
}
