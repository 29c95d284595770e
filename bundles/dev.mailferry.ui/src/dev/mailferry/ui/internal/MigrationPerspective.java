package dev.mailferry.ui.internal;

import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The migration perspective; its views come with the workbench issue. */
public final class MigrationPerspective implements IPerspectiveFactory {

    static final String ID = "dev.mailferry.ui.migrationPerspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
    }
}
