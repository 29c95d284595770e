package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.Office365StandIn;
import dev.mailferry.engine.MigrationProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailferry target settings|set|show|test} for the Office 365 connector, against the local Entra ID stand-in and
 * a Dovecot standing in for Exchange Online's IMAP: the command line knows the connector only by its described
 * settings.
 */
class Office365CommandTest {

    private static final String MAILBOX = "alice@contoso.com";

    @TempDir
    static Path root;

    private static Office365StandIn standIn;
    private static DovecotServer exchange;

    @BeforeAll
    static void start() throws Exception {
        MailferryCommand.SERVICES.useSecrets(new EncryptedFileSecretStore(root.resolve("secret-store")));
        standIn = Office365StandIn.builder(root.resolve("standin")).start();
        exchange = DovecotServer.builder(root.resolve("exchange")).exchangeOnline(standIn).user(MAILBOX, "unused-pw")
                .start();
    }

    @AfterAll
    static void stop() {
        MailferryCommand.SERVICES.useSecrets(null);
        if (exchange != null) {
            exchange.stop();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @Test
    void office365TargetIsSetUpFromItsDescribedSettingsAndTested() throws Exception {
        Path project = root.resolve("customer");
        assertEquals(0, mailferry("project", "create", project.toString(), "--name", "customer").exitCode());

        CommandRun settings = mailferry("target", "settings", "--connector", "office365");
        assertEquals(0, settings.exitCode(), settings.all());
        assertTrue(settings.out().contains("client.secret  secret"), settings.out());
        assertTrue(settings.out().contains("cloud  global|usgov-gcchigh|usgov-dod|china, default global"), settings.out());
        CommandRun connectors = mailferry("target", "settings");
        assertTrue(connectors.out().contains("office365  Office 365 (Exchange Online)"), connectors.out());

        // checked when set, not at the first pass
        CommandRun badId = mailferry("target", "set", "-p", project.toString(), "--connector", "office365",
                "--set", "tenant=" + standIn.tenantId(), "--set", "client.id=my-app");
        assertEquals(ExitCodes.CONFIGURATION, badId.exitCode(), badId.all());
        assertTrue(badId.err().contains("'client.id'"), badId.all());
        CommandRun secretAsSetting = mailferry("target", "set", "-p", project.toString(), "--connector", "office365",
                "--set", "client.secret=" + standIn.clientSecret());
        assertEquals(ExitCodes.USAGE, secretAsSetting.exitCode(), secretAsSetting.all());

        Path secretFile = root.resolve("client-secret.txt");
        Files.writeString(secretFile, standIn.clientSecret() + "\n");
        Files.setPosixFilePermissions(secretFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CommandRun set = mailferry("target", "set", "-p", project.toString(), "--connector", "office365",
                "--set", "tenant=" + standIn.tenantId(), "--set", "client.id=" + standIn.clientId(),
                "--set", "login.url=" + standIn.loginUrl(), "--set", "graph.url=" + standIn.graphUrl(),
                "--set", "imap.host=" + exchange.host(),
                "--set", "imap.port=" + exchange.imapsPort(), "--trust-cert", standIn.certificateSha256(),
                "--password-file", secretFile.toString());
        assertEquals(0, set.exitCode(), set.all());
        String projectFile = Files.readString(project.resolve(MigrationProject.PROJECT_FILE), StandardCharsets.UTF_8);
        assertFalse(projectFile.contains(standIn.clientSecret()), projectFile);
        CommandRun show = mailferry("target", "show", "-p", project.toString());
        assertTrue(show.out().contains("client secret: stored in the secret store"), show.out());

        Path csv = root.resolve("users.csv");
        Files.writeString(csv, "EmailAddress,UserName,Password\n" + MAILBOX + ",alice,pw1\no'brien@contoso.com,obrien,pw2\n");
        assertEquals(0, mailferry("source", "set", "-p", project.toString(), "--host", "imap.example.com").exitCode());
        CommandRun imported = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(0, imported.exitCode(), imported.all());
        CommandRun script = mailferry("target", "setup-script", "-p", project.toString());
        assertEquals(0, script.exitCode(), script.all());
        assertTrue(script.out().contains("$appId = '" + standIn.clientId() + "'"), script.out());
        assertTrue(script.out().contains("New-ServicePrincipal -AppId $appId"), script.out());
        assertTrue(script.out().contains("(Not looked up: Microsoft Graph refuses application"), script.out());
        assertTrue(script.out().contains("    '" + MAILBOX + "',\n    'o''brien@contoso.com'\n)"), script.out());
        assertTrue(script.out().contains("Add-MailboxPermission -Identity $mailbox"), script.out());
        assertFalse(script.all().contains(standIn.clientSecret()));

        CommandRun test = mailferry("target", "test", "-p", project.toString(), "--user", MAILBOX);
        assertEquals(0, test.exitCode(), test.all());
        assertTrue(test.out().contains("IMAP.AccessAsApp"), test.out());
        assertFalse(test.all().contains(standIn.clientSecret()));

        // every mailbox of the project, one row each: o'brien has no mailbox on this Exchange
        CommandRun all = mailferry("target", "test", "-p", project.toString());
        assertEquals(ExitCodes.CONNECTION, all.exitCode(), all.all());
        assertTrue(all.out().contains("Mailboxes (2):"), all.out());
        assertTrue(all.out().matches("(?s).*OK +" + java.util.regex.Pattern.quote(MAILBOX) + " .*"), all.out());
        assertTrue(all.out().matches("(?s).*FAILED +o'brien@contoso.com +no user o'brien@contoso.com in tenant .*"),
                all.out());
        assertTrue(all.out().contains("1 ready, 1 not ready"), all.out());

        CommandRun missing = mailferry("target", "test", "-p", project.toString(), "--user", "nobody@contoso.com");
        assertEquals(ExitCodes.CONNECTION, missing.exitCode(), missing.all());
        assertTrue(missing.err().contains("Add-MailboxPermission"), missing.all());
    }
}
