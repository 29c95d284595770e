package dev.mailferry.ui.internal;

import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Creates a project folder, as {@code mailferry project create FOLDER --name NAME} does, and opens it in the Projects
 * view. Name and folder are checked as they are typed; the folder follows the name until it is edited.
 */
final class NewProjectWizard extends Wizard {

    private final ProjectsView projects;
    private final ProjectPage page = new ProjectPage();

    NewProjectWizard(ProjectsView projects) {
        this.projects = projects;
        setWindowTitle("New Project");
        setNeedsProgressMonitor(true);
    }

    static WizardDialog dialog(Shell parent, ProjectsView projects) {
        return new WizardDialog(parent, new NewProjectWizard(projects));
    }

    @Override
    public void addPages() {
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        String name = page.name.getText().trim();
        Path folder = Path.of(page.folder.getText().trim()).toAbsolutePath().normalize();
        try {
            // creating the folder and its state database is disk work: off the UI thread, with the wizard's progress bar
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Creating the project in " + folder, IProgressMonitor.UNKNOWN);
                try (MigrationProject created = MigrationProject.create(folder, name)) {
                    // closed at once: the Projects view reads it read-only
                } catch (MigrationException e) {
                    throw new InvocationTargetException(e);
                }
            });
        } catch (InvocationTargetException e) {
            page.setErrorMessage(e.getCause() == null ? String.valueOf(e) : e.getCause().getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        projects.openProject(folder);
        return true;
    }

    /** Name and folder, validated on every keystroke. */
    static final class ProjectPage extends WizardPage {

        Text name;
        Text folder;
        /** True once the user typed a folder: from then on the name no longer suggests one. */
        private boolean folderEdited;
        private boolean suggesting;

        ProjectPage() {
            super("project");
            setTitle("New migration project");
            setDescription("One project per customer: its source, target, mailboxes and batches live in one folder.");
            setPageComplete(false);
        }

        @Override
        public void createControl(Composite parent) {
            Composite page = new Composite(parent, SWT.NONE);
            GridLayoutFactory.swtDefaults().numColumns(3).applyTo(page);
            new Label(page, SWT.NONE).setText("&Name:");
            name = new Text(page, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(name);
            new Label(page, SWT.NONE).setText("&Folder:");
            folder = new Text(page, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).hint(360, SWT.DEFAULT).applyTo(folder);
            Button browse = new Button(page, SWT.PUSH);
            browse.setText("&Browse...");
            browse.addListener(SWT.Selection, e -> {
                DirectoryDialog dialog = new DirectoryDialog(getShell());
                dialog.setMessage("Folder for the new project (created if missing)");
                String chosen = dialog.open();
                if (chosen != null) {
                    folder.setText(chosen);
                }
            });
            name.addListener(SWT.Modify, e -> {
                if (!folderEdited) {
                    suggesting = true;
                    folder.setText(suggestedFolder(name.getText()));
                    suggesting = false;
                }
                validate();
            });
            folder.addListener(SWT.Modify, e -> {
                folderEdited |= !suggesting;
                validate();
            });
            setControl(page);
            name.setFocus();
        }

        /** {@code ~/mailferry/<name in lower case, dashes for spaces and odd characters>}. */
        static String suggestedFolder(String projectName) {
            String slug = projectName.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                    .replaceAll("^-+|-+$", "");
            return slug.isEmpty() ? "" : Path.of(System.getProperty("user.home"), "mailferry", slug).toString();
        }

        private void validate() {
            String problem = problem(name.getText(), folder.getText());
            setErrorMessage(problem);
            setPageComplete(problem == null && !name.getText().isBlank() && !folder.getText().isBlank());
            if (problem == null && (name.getText().isBlank() || folder.getText().isBlank())) {
                setMessage(name.getText().isBlank() ? "Enter the project's name." : "Enter the project's folder.");
            } else {
                setMessage(null);
            }
        }

        /** Why these values cannot make a project, or null (blank fields are incomplete, not wrong). */
        static String problem(String projectName, String folderText) {
            if (!projectName.isEmpty() && projectName.isBlank()) {
                return "The name cannot be only spaces.";
            }
            if (folderText.isBlank()) {
                return null;
            }
            Path path;
            try {
                path = Path.of(folderText.trim());
            } catch (InvalidPathException e) {
                return "Not a valid folder: " + e.getReason() + ".";
            }
            if (!path.isAbsolute()) {
                return "Give the folder's full path (starting with /).";
            }
            if (Files.exists(path) && !Files.isDirectory(path)) {
                return path + " is a file, not a folder.";
            }
            if (Files.exists(path.resolve(MigrationProject.PROJECT_FILE))) {
                return "There is already a project in " + path + ": open it instead.";
            }
            Path existing = path;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isWritable(existing)) {
                return "Cannot write in " + existing + ".";
            }
            return null;
        }
    }
}
