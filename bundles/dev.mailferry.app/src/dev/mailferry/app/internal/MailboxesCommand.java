package dev.mailferry.app.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.csv.CsvImportResult;
import dev.mailferry.core.csv.CsvProblem;
import dev.mailferry.core.csv.MailboxCsvImporter;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailferry mailboxes ...}. */
@Command(name = "mailboxes", mixinStandardHelpOptions = true, description = "Import and list the mailboxes to migrate.",
        subcommands = { MailboxesCommand.Import.class, MailboxesCommand.ListMailboxes.class })
final class MailboxesCommand {

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = { "Import mailboxes from a CSV file in Exchange Online's format:",
                    "  EmailAddress,UserName,Password[,UserRoot][,TargetUserName,TargetPassword]",
                    "Comma or semicolon separated, UTF-8 with or without BOM. Bad rows are listed with line and column;",
                    "good rows are imported. Passwords go to the secret store, never to the project folder." })
    static final class Import implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "CSV", description = "The CSV file.")
        Path csv;

        @Option(names = "--passwords-optional", description = { "Accept rows without Password. Not needed when the source has an",
                "admin user and password (source set --admin-user ... --password): then passwords are optional anyway." })
        boolean passwordsOptional;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(csv)) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, "no such file: " + csv);
            }
            try (MigrationProject p = project.open()) {
                boolean adminLogin = sourceHasAdminLogin(p);
                boolean optional = passwordsOptional || adminLogin;
                CsvImportResult result = new MailboxCsvImporter(optional).read(csv);
                for (CsvProblem problem : result.problems()) {
                    System.err.println(csv.getFileName() + ": " + problem);
                }
                if (!optional && result.problems().stream().anyMatch(pr -> MailboxCsvImporter.PASSWORD.equals(pr.column()))) {
                    System.err.println("Without passwords in the CSV, the source needs an admin (master) login: mailferry source"
                            + " set -p " + project.folder() + " --admin-user USER --password, then import again.");
                }
                if (adminLogin && !passwordsOptional) {
                    System.out.println("Passwords are optional: the source logs in with its admin user.");
                }
                p.putMailboxes(result.mailboxes().stream()
                        .map(m -> new MailboxImport(m.entry(), m.sourcePassword(), m.targetPassword())).toList(),
                        EndpointCommand.services().secrets());
                System.out.println("Imported " + result.mailboxes().size() + " mailboxes"
                        + (result.hasProblems() ? ", " + result.problems().size() + " problems (listed above)" : "")
                        + "; the project has " + p.mailboxes().size() + " mailboxes.");
                return result.hasProblems() ? ExitCodes.PARTIAL : ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    /** The source endpoint has an admin user and its password is stored: that login opens every mailbox. */
    static boolean sourceHasAdminLogin(MigrationProject p) throws IOException {
        String adminUser = p.sourceEndpoint().map(e -> e.get(ImapSettings.ADMIN_USER)).orElse(null);
        return adminUser != null && !adminUser.isBlank() && EndpointCommand.services().secrets()
                .get(SecretKeys.sourceEndpoint(p.id())).filter(secret -> !secret.isEmpty()).isPresent();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the project's mailboxes (no passwords).")
    static final class ListMailboxes implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Override
        public Integer call() {
            try (MigrationProject p = project.openForReading()) {
                System.out.printf("%-40s %-30s %s%n", "EmailAddress", "UserName", "UserRoot");
                for (MailboxEntry m : p.mailboxes()) {
                    System.out.printf("%-40s %-30s %s%n", m.emailAddress(), m.sourceUserName(), m.userRoot() == null ? "" : m.userRoot());
                }
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }
}
