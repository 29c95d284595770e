package dev.mailferry.app.internal;

import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try {
            return MigrationProject.open(path);
        } catch (MigrationException e) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
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
