package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the mailferry command as a user would, against two real Dovecot servers. */
class MailferryCommandTest {

    private static final int MESSAGES = 40;

    @TempDir
    static Path root;

    private static DemoEnvironment demo;

    @BeforeAll
    static void startServers() throws IOException {
        System.setProperty("mailferry.secrets.dir", root.resolve("secrets").toString());
        demo = DemoEnvironment.builder(root.resolve("servers")).users(2).corpus(CorpusSpec.small(7, MESSAGES)).start();
    }

    @AfterAll
    static void stopServers() {
        if (demo != null) {
            demo.close();
        }
    }

    private static Path newProject(String name) {
        Path project = root.resolve(name);
        CommandRun created = mailferry("project", "create", project.toString(), "--name", name);
        assertEquals(0, created.exitCode(), created.err());
        return project;
    }

    private static void setEndpoints(Path project) {
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentServer target = demo.target();
        CommandRun s = mailferry("source", "set", "-p", project.toString(), "--host", source.host(), "--port",
                String.valueOf(source.imapsPort()), "--security", "ssl", "--trust-cert", source.certificateSha256());
        assertEquals(0, s.exitCode(), s.err());
        CommandRun t = mailferry("target", "set", "-p", project.toString(), "--host", target.host(), "--port",
                String.valueOf(target.imapPort()), "--security", "starttls", "--trust-cert", target.certificateSha256());
        assertEquals(0, t.exitCode(), t.err());
    }

    private static Path csv(Path dir, List<DemoEnvironmentUser> users, String extraRows) throws IOException {
        StringBuilder text = new StringBuilder("EmailAddress;UserName;Password;TargetUserName;TargetPassword\n");
        for (DemoEnvironmentUser u : users) {
            text.append(u.emailAddress()).append(';').append(u.sourceUserName()).append(';').append(u.sourcePassword())
                    .append(';').append(u.targetUserName()).append(';').append(u.targetPassword()).append('\n');
        }
        text.append(extraRows);
        Path file = dir.resolve("users.csv");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void migratesABatchFromCsvToReportWithExitCodes() throws IOException {
        Path project = newProject("contoso");
        setEndpoints(project);
        Path csv = csv(root, demo.users(), "not-an-address;x;y;;\n");

        CommandRun imported = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(ExitCodes.PARTIAL, imported.exitCode(), imported.out() + imported.err());
        assertTrue(imported.err().contains("line 4, column EmailAddress: invalid address 'not-an-address'"), imported.err());
        assertTrue(imported.out().contains("Imported 2 mailboxes"), imported.out());

        CommandRun test = mailferry("source", "test", "-p", project.toString());
        assertEquals(0, test.exitCode(), test.out() + test.err());
        assertTrue(test.out().contains("folders:"), test.out());

        assertEquals(0, mailferry("batch", "create", "-p", project.toString(), "wave1").exitCode());
        CommandRun start = mailferry("batch", "start", "-p", project.toString(), "wave1", "--quiet");
        assertEquals(0, start.exitCode(), start.out() + start.err());
        CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1", "--folders");
        assertEquals(0, status.exitCode(), status.out() + status.err());
        for (DemoEnvironmentUser u : demo.users()) {
            assertTrue(status.out().contains(u.emailAddress()), status.out());
        }
        assertTrue(status.out().contains("SYNCED"), status.out());

        CommandRun again = mailferry("batch", "start", "-p", project.toString(), "wave1", "--quiet");
        assertEquals(0, again.exitCode(), again.out() + again.err());

        CommandRun report = mailferry("batch", "report", "-p", project.toString(), "wave1");
        assertEquals(0, report.exitCode(), report.err());
        for (String line : report.out().strip().split("\n")) {
            assertTrue(Files.isRegularFile(Path.of(line.strip())), line);
        }

        assertNoSecretIn(project);
        assertNoSecretIn(Stream.of(imported, test, start, status, again, report));
    }

    @Test
    void wrongPasswordFailsTheConnectionTestWithoutShowingIt() {
        Path project = newProject("wrong-password");
        setEndpoints(project);
        DemoEnvironmentUser user = demo.users().get(0);
        CommandRun test = mailferry("source", "test", "-p", project.toString(), "--user", user.sourceUserName(),
                "--password-env", "MAILFERRY_TEST_UNSET_VARIABLE_FOR_SURE");
        assertEquals(ExitCodes.CONFIGURATION, test.exitCode(), test.err());
        assertTrue(test.err().contains("MAILFERRY_TEST_UNSET_VARIABLE_FOR_SURE is not set"), test.err());
    }

    @Test
    void untrustedCertificateIsRefusedWithItsFingerprint() {
        Path project = newProject("untrusted");
        DemoEnvironmentServer source = demo.source();
        assertEquals(0, mailferry("source", "set", "-p", project.toString(), "--host", source.host(), "--port",
                String.valueOf(source.imapsPort()), "--security", "ssl").exitCode());
        DemoEnvironmentUser user = demo.users().get(0);
        Path passwordFile = root.resolve("pw-" + user.sourceUserName());
        try {
            Files.writeString(passwordFile, user.sourcePassword() + "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CommandRun test = mailferry("source", "test", "-p", project.toString(), "--user", user.sourceUserName(), "--password-file",
                passwordFile.toString());
        assertEquals(ExitCodes.CONNECTION, test.exitCode(), test.out() + test.err());
        assertTrue(test.err().contains("--trust-cert " + source.certificateSha256()), test.err());
        assertFalse(test.err().contains(user.sourcePassword()), test.err());
    }

    @Test
    void unknownProjectFolderIsAClearError() {
        CommandRun run = mailferry("batch", "list", "-p", root.resolve("nowhere").toString());
        assertEquals(ExitCodes.CONFIGURATION, run.exitCode());
        assertTrue(run.err().contains("is not a Mailferry project"), run.err());
        assertEquals(ExitCodes.USAGE, mailferry("batch", "frobnicate").exitCode());
    }

    @Test
    void helpListsEveryCommandHoweverItIsAskedFor() {
        List<String> commands = List.of("project", "source", "target", "mailboxes", "batch", "demo");
        CommandRun none = mailferry(); // a usage error, but the usage it prints lists every command too
        assertEquals(ExitCodes.USAGE, none.exitCode(), none.err());
        for (String command : commands) {
            assertTrue(none.err().contains("\n  " + command + " "), command + " missing from:\n" + none.err());
        }
        for (String[] args : List.of(new String[] { "--help" }, new String[] { "help" })) {
            CommandRun run = mailferry(args);
            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            for (String command : commands) {
                assertTrue(run.out().contains("\n  " + command + " "), command + " missing from:\n" + run.out());
            }
        }
        CommandRun batchHelp = mailferry("help", "batch");
        assertEquals(ExitCodes.OK, batchHelp.exitCode(), batchHelp.err());
        assertTrue(batchHelp.out().contains("Usage: mailferry batch"), batchHelp.out());
        CommandRun startHelp = mailferry("batch", "sync", "--help");
        assertTrue(startHelp.out().contains("Usage: mailferry batch start"), startHelp.out());
        CommandRun typo = mailferry("bach", "list");
        assertEquals(ExitCodes.USAGE, typo.exitCode());
        assertTrue(typo.err().contains("batch"), typo.err()); // picocli's "did you mean" needs the other commands
    }

    @Test
    void aCsvWithoutPasswordsImportsWhenTheSourceHasAnAdminLoginAndSaysHowOtherwise() throws IOException {
        Path project = newProject("master-login");
        setEndpoints(project);
        StringBuilder text = new StringBuilder("EmailAddress,UserName\n");
        demo.users().forEach(u -> text.append(u.emailAddress()).append(',').append(u.sourceUserName()).append('\n'));
        Path csv = Files.writeString(root.resolve("no-passwords.csv"), text);

        CommandRun refused = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(ExitCodes.PARTIAL, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("no-passwords.csv: line 1, column Password: missing from the header line"), refused.err());
        assertTrue(refused.err().contains("mailferry source set -p " + project + " --admin-user USER --password"), refused.err());
        assertTrue(refused.out().contains("Imported 0 mailboxes"), refused.out());

        Path adminPassword = Files.writeString(root.resolve("admin-password"), demo.masterPassword() + "\n");
        CommandRun admin = mailferry("source", "set", "-p", project.toString(), "--admin-user", demo.masterUserName(),
                "--password-file", adminPassword.toString());
        assertEquals(0, admin.exitCode(), admin.err());
        CommandRun imported = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(ExitCodes.OK, imported.exitCode(), imported.out() + imported.err());
        assertTrue(imported.out().contains("Imported 2 mailboxes"), imported.out());
        CommandRun test = mailferry("source", "test", "-p", project.toString(), "--mailbox", demo.users().get(1).emailAddress());
        assertEquals(0, test.exitCode(), test.out() + test.err());
        assertTrue(test.out().contains("folders:"), test.out());
    }

    @Test
    void projectShowNamesThePrivateSecretsFolder() throws IOException {
        Path project = newProject("where-secrets");
        setEndpoints(project);
        assertEquals(ExitCodes.OK, mailferry("mailboxes", "import", "-p", project.toString(),
                csv(root, demo.users(), "").toString()).exitCode());
        CommandRun show = mailferry("project", "show", "-p", project.toString());
        assertEquals(0, show.exitCode(), show.err());
        Path secrets = root.resolve("secrets").toAbsolutePath();
        assertTrue(show.out().contains("\nsecrets:   " + secrets + " (encrypted; key secrets.key)\n"), show.out());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        for (String file : List.of("secrets.key", "secrets.bin", "secrets.lock")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve(file))), file);
        }
    }

    @Test
    void aSecretKeyOthersCanReadStopsTheCommandWithTheFixAndAnOpenFolderIsRepairedAloud() throws IOException {
        Path project = newProject("unsafe-key");
        setEndpoints(project);
        Path csv = csv(root, demo.users(), "");
        assertEquals(ExitCodes.OK, mailferry("mailboxes", "import", "-p", project.toString(), csv.toString()).exitCode());
        Path secrets = root.resolve("secrets").toAbsolutePath();
        Path key = secrets.resolve("secrets.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            CommandRun refused = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
            assertEquals(ExitCodes.CONFIGURATION, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.err().contains("import: Secret store key " + key + " is open to group/others (mode rw-r--r--)"),
                    refused.err());
            assertTrue(refused.err().contains("chmod 600 " + key), refused.err());
        } finally {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-xr-x"));
        EndpointCommand.services().useSecrets(null); // as a new mailferry process would open the store
        CommandRun repaired = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(ExitCodes.OK, repaired.exitCode(), repaired.out() + repaired.err());
        assertTrue(repaired.err().contains("mailferry: Secret store folder " + secrets + " was open to group/others (mode"
                + " rwxr-xr-x); made it private (chmod 700)."), repaired.err());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
    }

    private static void assertNoSecretIn(Path project) throws IOException {
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (DemoEnvironmentUser u : demo.users()) {
                    assertFalse(content.contains(u.sourcePassword()), "source password in " + file);
                    assertFalse(content.contains(u.targetPassword()), "target password in " + file);
                }
            }
        }
    }

    private static void assertNoSecretIn(Stream<CommandRun> runs) {
        runs.forEach(run -> {
            for (DemoEnvironmentUser u : demo.users()) {
                assertFalse((run.out() + run.err()).contains(u.sourcePassword()), "password printed");
            }
        });
    }
}
