package dev.mailferry.app.internal;

import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailferry project ...}. */
@Command(name = "project", mixinStandardHelpOptions = true, description = "Create or describe a migration project.",
        subcommands = { ProjectCommand.Create.class, ProjectCommand.Show.class })
final class ProjectCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a project folder (one per customer): settings, state database, reports, logs.")
    static final class Create implements Callable<Integer> {

        @Parameters(paramLabel = "FOLDER", description = "Folder to create the project in.")
        Path folder;

        @Option(names = "--name", description = "Project name (default: the folder's name).")
        String name;

        @Override
        public Integer call() {
            String projectName = name != null ? name : folder.toAbsolutePath().normalize().getFileName().toString();
            try (MigrationProject project = MigrationProject.create(folder, projectName)) {
                System.out.println("Created project '" + project.name() + "' in " + project.folder());
                System.out.println("Next: mailferry source set -p " + folder + " --host HOST ...");
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the project's endpoints, mailboxes and batches.")
    static final class Show implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Override
        public Integer call() {
            try (MigrationProject p = project.openForReading()) {
                System.out.println("project:   " + p.name() + " (" + p.folder() + ")");
                System.out.println("source:    " + p.sourceEndpoint().map(EndpointCommand::describe).orElse("not set"));
                System.out.println("target:    " + p.targetEndpoint().map(EndpointCommand::describe).orElse("not set"));
                System.out.println("mailboxes: " + p.mailboxes().size());
                System.out.println("secrets:   " + EndpointCommand.services().secretsLocation());
                p.batches().forEach(b -> System.out.println("batch:     " + b.name() + " " + b.state() + ", "
                        + b.mailboxes().size() + " mailboxes, " + b.passes() + " passes"));
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }
}
