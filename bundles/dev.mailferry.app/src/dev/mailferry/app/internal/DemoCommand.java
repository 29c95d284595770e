package dev.mailferry.app.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.csv.CsvImportResult;
import dev.mailferry.core.csv.MailboxCsvImporter;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.DemoServerKind;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailferry demo}: the whole job on this machine with no configuration. Starts a source and a target IMAP
 * server on loopback, fills the source with sample mailboxes, and runs the same steps a consultant runs: project,
 * endpoints (TLS with the demo's self-signed certificate pinned), CSV import, batch, sync, an incremental sync, report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = { "Migrate sample mailboxes between two local IMAP servers started for the demo.",
                "The servers are Dovecot if installed, else GreenMail embedded in this JVM",
                "(MAILFERRY_DEMO_SERVER=dovecot|greenmail chooses).",
                "Shows every step of a real migration; the servers stop at the end unless --keep is given." })
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "FOLDER",
            description = "Folder for the demo servers and project (default: a new temporary folder).")
    Path directory;

    @Option(names = "--mailboxes", paramLabel = "N", defaultValue = "3", description = "Sample mailboxes (default ${DEFAULT-VALUE}).")
    int mailboxes;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "300",
            description = "Messages per sample mailbox (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--keep", description = "Leave the servers running until Enter is pressed, to look at them with a mail client.")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        BatchCommand.atLeastOne("--mailboxes", mailboxes);
        BatchCommand.atLeastOne("--messages", messages);
        Path dir = directory != null ? Files.createDirectories(directory) : Files.createTempDirectory("mailferry-demo-");
        // the demo's passwords are throwaway: keep them in the demo folder, not in the user's secret store
        EndpointCommand.services().useSecrets(new EncryptedFileSecretStore(dir.resolve("secrets")));
        System.out.println("Demo folder: " + dir);
        System.out.println("Starting source and target IMAP servers on loopback and generating "
                + mailboxes + " sample mailboxes of " + messages + " messages ...");
        DemoEnvironment demo;
        try {
            demo = DemoEnvironment.builder(dir.resolve("servers")).users(mailboxes).corpus(CorpusSpec.small(20261130L, messages))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new CommandFailure(ExitCodes.CONNECTION, "cannot start the demo servers: " + e.getMessage());
        }
        try (demo) {
            return migrate(dir, demo);
        } finally {
            deleteTree(dir.resolve("servers")); // the servers' mailboxes; the project folder stays for a look
        }
    }

    private int migrate(Path dir, DemoEnvironment demo) throws IOException {
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentServer target = demo.target();
        System.out.println("  servers: " + demo.serverKind().displayName() + (demo.serverKind() == DemoServerKind.GREENMAIL
                ? " (embedded in this JVM, as Dovecot is not installed or not chosen)" : ""));
        // GreenMail's IMAP has no STARTTLS: the target then gets implicit TLS too.
        boolean targetStartTls = target.offersStartTls();
        int targetPort = targetStartTls ? target.imapPort() : target.imapsPort();
        String targetSecurity = targetStartTls ? ImapSettings.SECURITY_STARTTLS : ImapSettings.SECURITY_SSL;
        System.out.println("  source: imaps://" + source.host() + ":" + source.imapsPort() + " (delimiter '" + source.delimiter() + "')");
        System.out.println("  target: " + (targetStartTls ? "imap://" : "imaps://") + target.host() + ":" + targetPort
                + (targetStartTls ? " with STARTTLS" : "") + " (delimiter '" + target.delimiter() + "')");
        Path projectDir = dir.resolve("project");
        try (MigrationProject project = MigrationProject.create(projectDir, "Mailferry demo")) {
            System.out.println();
            System.out.println("$ mailferry project create " + projectDir + " --name \"Mailferry demo\"");
            project.setSourceEndpoint(new Endpoint(ImapSettings.CONNECTOR_ID, Map.of(ImapSettings.HOST, source.host(),
                    ImapSettings.PORT, String.valueOf(source.imapsPort()), ImapSettings.SECURITY, ImapSettings.SECURITY_SSL,
                    ImapSettings.TLS_TRUST, source.certificateSha256())));
            System.out.println("$ mailferry source set --host " + source.host() + " --port " + source.imapsPort()
                    + " --security ssl --trust-cert " + source.certificateSha256());
            project.setTargetEndpoint(new Endpoint(ImapSettings.CONNECTOR_ID, Map.of(ImapSettings.HOST, target.host(),
                    ImapSettings.PORT, String.valueOf(targetPort), ImapSettings.SECURITY, targetSecurity,
                    ImapSettings.TLS_TRUST, target.certificateSha256())));
            System.out.println("$ mailferry target set --host " + target.host() + " --port " + targetPort
                    + " --security " + targetSecurity + " --trust-cert " + target.certificateSha256());

            Path csv = projectDir.resolve("mailboxes.csv");
            Files.writeString(csv, csvWithTargetLogins(demo.users()));
            CsvImportResult imported = new MailboxCsvImporter().read(csv);
            project.putMailboxes(imported.mailboxes().stream()
                    .map(m -> new MailboxImport(m.entry(), m.sourcePassword(), m.targetPassword())).toList(),
                    EndpointCommand.services().secrets());
            Files.delete(csv); // it holds passwords; they are in the secret store now
            System.out.println("$ mailferry mailboxes import mailboxes.csv");
            System.out.println("Imported " + imported.mailboxes().size() + " mailboxes.");
            project.createBatch("demo", List.of(), BatchOptions.defaults());
            System.out.println("$ mailferry batch create demo");
        } catch (MigrationException e) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
        }
        ProjectOption projectOption = new ProjectOption();
        projectOption.folder = projectDir;
        System.out.println("$ mailferry batch start demo");
        int first = BatchCommand.run(projectOption, "demo", false, false, null);
        System.out.println();
        System.out.println("$ mailferry batch start demo      (incremental: only what is new since the last pass)");
        int second = BatchCommand.run(projectOption, "demo", false, false, null);
        System.out.println();
        System.out.println("The project stays in " + projectDir + " (try: mailferry batch status -p " + projectDir + " demo --folders)");
        if (keep) {
            System.out.println("Servers keep running; press Enter to stop them.");
            System.in.read();
        }
        return first != ExitCodes.OK ? first : second;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("demo: could not remove " + root + ": " + e.getMessage());
        }
    }

    /** Exchange's columns plus the target logins, which an IMAP target needs. */
    private static String csvWithTargetLogins(List<DemoEnvironmentUser> users) {
        StringBuilder csv = new StringBuilder("EmailAddress,UserName,Password,TargetUserName,TargetPassword\n");
        for (DemoEnvironmentUser u : users) {
            csv.append(String.join(",", quote(u.emailAddress()), quote(u.sourceUserName()), quote(u.sourcePassword()),
                    quote(u.targetUserName()), quote(u.targetPassword()))).append('\n');
        }
        return csv.toString();
    }

    private static String quote(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
