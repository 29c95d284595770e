package dev.mailferry.app.internal;

import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --project} option shared by the commands that work on a project folder. */
final class ProjectOption {

    @Option(names = { "-p", "--project" }, paramLabel = "FOLDER",
            description = "Project folder (default: $MAILFERRY_PROJECT, else the current folder).")
    Path folder;

    Path folder() {
        if (folder != null) {
            return folder;
        }
        String env = System.getenv("MAILFERRY_PROJECT");
        return Path.of(env == null || env.isBlank() ? "." : env);
    }

    MigrationProject open() {
        Path path = existingProject();
        MigrationProject project;
        try {
            project = MigrationProject.open(path);
        } catch (MigrationException e) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
        }
        moveSecretsOutOfProjectFile(project);
        return project;
    }

    /**
     * Mailferry 0.1 saved any {@code --set} key, {@code password=...} too, in plain text in the project file. Such a
     * line was never used and is not now: it goes into the secret store (so nothing is lost) and out of the file, and
     * the user is told; when that fails the command stops rather than run with a secret lying in the project folder.
     */
    private static void moveSecretsOutOfProjectFile(MigrationProject project) {
        List<String> moved;
        try {
            if (project.secretsInProjectFile().isEmpty()) {
                return; // the usual case; the secret store is not even opened
            }
            moved = project.moveSecretsFromProjectFile(MailferryCommand.SERVICES.secrets());
        } catch (MigrationException | RuntimeException e) {
            project.close();
            throw new CommandFailure(ExitCodes.CONFIGURATION, MigrationProject.PROJECT_FILE
                    + " holds secrets in plain text (written by an older Mailferry), and moving them into the secret store"
                    + " failed: " + e.getMessage());
        }
        if (!moved.isEmpty()) {
            System.err.println("mailferry: WARNING: " + project.folder().resolve(MigrationProject.PROJECT_FILE)
                    + " held secrets in plain text, written by an older Mailferry: " + String.join(", ", moved) + ".");
            System.err.println("mailferry: they were never used; they are now in the secret store (still unused) and no"
                    + " longer in the project file. Backups or copies of the old file still hold them.");
            System.err.println("mailferry: a source's or target's own password is given with: mailferry source|target set "
                    + EndpointSettings.SECRET_OPTIONS + "; mailbox passwords come from the CSV.");
        }
    }

    /**
     * Opens the project for a command that only reads it (status, lists, reports): also while another process runs a
     * pass over it, without waiting for that process and without writing.
     */
    MigrationProject openForReading() {
        Path path = existingProject();
        try {
            return MigrationProject.openReadOnly(path);
        } catch (MigrationException e) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
        }
    }

    private Path existingProject() {
        Path path = folder();
        if (!Files.exists(path.resolve(MigrationProject.PROJECT_FILE))) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, path.toAbsolutePath().normalize()
                    + " is not a Mailferry project (no " + MigrationProject.PROJECT_FILE
                    + "); create one with: mailferry project create FOLDER --name NAME");
        }
        return path;
    }
}
