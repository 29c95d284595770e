package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

/**
 * {@code mailferry source|target set}: only the connector's settings, valid values, and never a secret in the project
 * file. No server is needed: nothing here connects.
 */
class EndpointSettingsTest {

    private static final String FINGERPRINT = "3A9F0C6B7E21D4485F6A9B0C1D2E3F405162738495A6B7C8D9E0F10213243546";

    @TempDir
    static Path root;

    private static SecretStore secrets;

    @BeforeAll
    static void useOwnSecretStore() {
        secrets = new EncryptedFileSecretStore(root.resolve("secret-store")); // not a project's folder: one test names a project "secrets"
        MailferryCommand.SERVICES.useSecrets(secrets);
    }

    @AfterAll
    static void forgetSecretStore() {
        MailferryCommand.SERVICES.useSecrets(null); // the next test class gets the one its settings name
    }

    private static Path project(String name) {
        Path project = root.resolve(name);
        CommandRun created = mailferry("project", "create", project.toString(), "--name", name);
        assertEquals(0, created.exitCode(), created.all());
        CommandRun source = mailferry("source", "set", "-p", project.toString(), "--host", "mail.example.com", "--security", "ssl");
        assertEquals(0, source.exitCode(), source.all());
        CommandRun target = mailferry("target", "set", "-p", project.toString(), "--host", "new.example.com");
        assertEquals(0, target.exitCode(), target.all());
        return project;
    }

    private static String projectFile(Path project) throws IOException {
        return Files.readString(project.resolve(MigrationProject.PROJECT_FILE), StandardCharsets.UTF_8);
    }

    private static String[] set(String role, Path project, String... options) {
        List<String> args = new ArrayList<>(List.of(role, "set", "-p", project.toString()));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /** Runs {@code set} with options that must be refused with {@code exitCode}, and checks that nothing was saved. */
    private static CommandRun refused(int exitCode, String role, Path project, String... options) throws IOException {
        String before = projectFile(project);
        CommandRun run = mailferry(set(role, project, options));
        assertEquals(exitCode, run.exitCode(), String.join(" ", options) + ": " + run.all());
        assertEquals(before, projectFile(project), String.join(" ", options) + " changed the project file");
        return run;
    }

    @Test
    void secretsAreRefusedAndNeverReachTheProjectFile() throws IOException {
        Path project = project("secrets");
        for (String role : List.of("source", "target")) {
            for (String key : List.of("password", "admin.password", "Password", "client_secret", "api.token", "admin.pass")) {
                CommandRun run = refused(ExitCodes.USAGE, role, project, "--set", key + "=hunter2");
                assertTrue(run.err().contains("--set " + key + ": secrets are never saved in the project"), run.all());
                assertTrue(run.err().contains("--password-env VARIABLE or --password-file FILE"), run.all());
                assertFalse(run.err().contains("hunter2"), run.all());
            }
        }
    }

    /** A source connector that does not describe its settings, as one written before settings() existed. */
    private static final class UndescribedConnector implements SourceConnector {
        @Override
        public String id() {
            return "undescribed";
        }

        @Override
        public String displayName() {
            return "Connector without a settings description";
        }

        @Override
        public SourceSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "not for use");
        }

        @Override
        public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) throws ConnectorException {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "not for use");
        }
    }

    @Test
    void aConnectorWithoutDescriptionTakesAnyKeyButNoSecret() throws IOException {
        Path project = project("undescribed");
        BundleContext context = FrameworkUtil.getBundle(MailferryCommand.class).getBundleContext();
        ServiceRegistration<SourceConnector> registration = context.registerService(SourceConnector.class,
                new UndescribedConnector(), new Hashtable<>(Map.of("connector.id", "undescribed")));
        try {
            for (String key : List.of("password", "token", "client.secret")) {
                CommandRun run = refused(ExitCodes.USAGE, "source", project, "--connector", "undescribed", "--set", key + "=hunter2");
                assertTrue(run.err().contains("secrets are never saved in the project"), run.all());
            }
            refused(ExitCodes.USAGE, "source", project, "--connector", "undescribed", "--max-connections", "0");
            refused(ExitCodes.USAGE, "source", project, "--connector", "undescribed", "--set", "user.root=Users/alice");
            CommandRun run = mailferry(set("source", project, "--connector", "undescribed", "--set", "tenant=contoso",
                    "--max-connections", "4"));
            assertEquals(0, run.exitCode(), run.all());
            String file = projectFile(project);
            assertTrue(file.contains("source.connector=undescribed\nsource.connections.max=4\nsource.tenant=contoso\n"), file);
            assertFalse(file.contains("hunter2"), file);
        } finally {
            registration.unregister();
        }
    }

    @Test
    void anUnknownKeyIsAUsageErrorThatListsTheKnownOnes() throws IOException {
        Path project = project("unknown");
        CommandRun run = refused(ExitCodes.USAGE, "source", project, "--set", "hots=mail.example.org");
        assertTrue(run.err().contains("--set hots: the imap connector has no setting 'hots' for a source; known: host, port,"
                + " security, auth, admin.user, admin.mode, admin.separator, tls.trust, timeout.connect, timeout.read,"
                + " connections.max"), run.all());
        // a target-only setting is unknown for the source, known for the target
        refused(ExitCodes.USAGE, "source", project, "--set", "append.pipeline=8");
        CommandRun target = mailferry(set("target", project, "--set", "append.pipeline=8"));
        assertEquals(0, target.exitCode(), target.all());
        assertTrue(projectFile(project).contains("target.append.pipeline=8"), projectFile(project));
        // the user root is set per mailbox, from the CSV
        CommandRun userRoot = refused(ExitCodes.USAGE, "source", project, "--set", "user.root=Users/alice");
        assertTrue(userRoot.err().contains("UserRoot column"), userRoot.all());
        // an uninstalled connector is not taken on trust
        CommandRun connector = refused(ExitCodes.CONFIGURATION, "target", project, "--connector", "o365", "--set", "tenant=x");
        assertTrue(connector.err().contains("no target connector 'o365' is installed"), connector.all());
    }

    @Test
    void everyValueIsCheckedWhenSetAndNothingIsSavedWhenOneIsWrong() throws IOException {
        Path project = project("values");
        String[][] wrong = { { "--port", "99999" }, { "--port", "-1" }, { "--port", "0" }, { "--trust-cert", "nonsense" },
                { "--max-connections", "0" }, { "--max-connections", "-3" }, { "--security", "tls" }, { "--auth", "ntlm" },
                { "--admin-mode", "root" }, { "--set", "timeout.read=soon" }, { "--set", "timeout.connect=0" },
                { "--set", "security=tls" }, { "--set", "connections.max=0" }, { "--host", "" } };
        for (String[] option : wrong) {
            // a valid option beside the wrong one is not saved either
            CommandRun run = refused(ExitCodes.USAGE, "source", project, "--admin-separator", "+", option[0], option[1]);
            String name = option[0].equals("--set") ? "--set " + option[1].substring(0, option[1].indexOf('=')) : option[0];
            assertTrue(run.err().contains(name + ": "), run.all());
        }
        CommandRun port = refused(ExitCodes.USAGE, "source", project, "--port", "99999");
        assertTrue(port.err().contains("--port: Setting 'port' must be a whole number from 1 to 65535, not '99999'"), port.all());
        CommandRun trust = refused(ExitCodes.USAGE, "target", project, "--trust-cert", "nonsense");
        assertTrue(trust.err().contains("--trust-cert: Setting 'tls.trust' must be a SHA-256 fingerprint"), trust.all());
        CommandRun connections = refused(ExitCodes.USAGE, "target", project, "--max-connections", "0");
        assertTrue(connections.err().contains("Setting 'connections.max' must be a whole number from 1 to"), connections.all());
        refused(ExitCodes.USAGE, "target", project, "--set", "append.pipeline=0");
    }

    @Test
    void valuesAreSavedNormalisedAndAnEmptyValueRemovesOne() throws IOException {
        Path project = project("normalised");
        String colons = FINGERPRINT.toLowerCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
        CommandRun run = mailferry(set("source", project, "--security", "STARTTLS", "--port", "0143", "--trust-cert", colons,
                "--max-connections", "8", "--set", "timeout.read=600", "--auth", "Login"));
        assertEquals(0, run.exitCode(), run.all());
        String file = projectFile(project);
        for (String line : List.of("source.security=starttls", "source.port=143", "source.tls.trust=" + FINGERPRINT,
                "source.connections.max=8", "source.timeout.read=600", "source.auth=login")) {
            assertTrue(file.contains(line + "\n"), line + " missing from:\n" + file);
        }
        CommandRun removed = mailferry(set("source", project, "--trust-cert", "", "--set", "timeout.read="));
        assertEquals(0, removed.exitCode(), removed.all());
        assertFalse(projectFile(project).contains("source.tls.trust"), projectFile(project));
        assertFalse(projectFile(project).contains("source.timeout.read"), projectFile(project));
    }

    @Test
    void settingsSavedByAnOlderVersionAreCheckedWithTheNextSet() throws IOException {
        Path project = project("older");
        Path file = project.resolve(MigrationProject.PROJECT_FILE);
        Files.writeString(file, projectFile(project) + "source.colour=blue\n", StandardCharsets.UTF_8);
        CommandRun unknown = refused(ExitCodes.CONFIGURATION, "source", project, "--port", "993");
        assertTrue(unknown.err().contains("the source's saved setting 'colour' is unknown to the imap connector"), unknown.all());
        assertTrue(unknown.err().contains("remove it with: mailferry source set --set colour="), unknown.all());
        CommandRun removed = mailferry(set("source", project, "--set", "colour="));
        assertEquals(0, removed.exitCode(), removed.all());
        assertFalse(projectFile(project).contains("colour"), projectFile(project));

        Files.writeString(file, projectFile(project).replace("source.host=mail.example.com", "source.host=mail.example.com\n"
                + "source.port=99999"), StandardCharsets.UTF_8);
        CommandRun invalid = refused(ExitCodes.CONFIGURATION, "source", project, "--security", "ssl");
        assertTrue(invalid.err().contains("a saved setting of the source is not valid: Setting 'port' must be a whole number"
                + " from 1 to 65535, not '99999'; correct it with: mailferry source set --port N"), invalid.all());
        // testing the connection with such a setting is a settings error (3), not a failed connection (4)
        CommandRun test = mailferry("source", "test", "-p", project.toString(), "--user", "alice");
        assertEquals(ExitCodes.CONFIGURATION, test.exitCode(), test.all());
        assertTrue(test.err().contains("source settings: Setting 'port' must lie between 1 and 65535, not 99999"), test.all());
        CommandRun corrected = mailferry(set("source", project, "--port", "993"));
        assertEquals(0, corrected.exitCode(), corrected.all());
    }

    @Test
    void aPasswordAnOlderVersionWroteIntoTheProjectFileIsMovedIntoTheSecretStoreLoudly() throws Exception {
        Path project = project("moved");
        Path file = project.resolve(MigrationProject.PROJECT_FILE);
        Files.writeString(file, projectFile(project) + "source.password=hunter2\ntarget.admin.pass=s3cr3t\n",
                StandardCharsets.UTF_8);
        String id;
        try (MigrationProject p = MigrationProject.open(project)) {
            id = p.id();
        }

        CommandRun show = mailferry("source", "show", "-p", project.toString());
        assertEquals(0, show.exitCode(), show.all());
        assertTrue(show.err().contains("WARNING"), show.all());
        assertTrue(show.err().contains("held secrets in plain text, written by an older Mailferry: source.password,"
                + " target.admin.pass."), show.all());
        assertTrue(show.err().contains("mailferry source|target set --password"), show.all());
        assertFalse(show.all().contains("hunter2"), show.all());
        assertFalse(show.all().contains("s3cr3t"), show.all());

        String rewritten = projectFile(project);
        assertFalse(rewritten.contains("hunter2"), rewritten);
        assertFalse(rewritten.contains("s3cr3t"), rewritten);
        assertTrue(rewritten.contains("source.host=mail.example.com"), rewritten);
        assertEquals("hunter2", secrets.get(SecretKeys.movedFromProjectFile(id, "source.password")).orElseThrow().reveal());
        assertEquals("s3cr3t", secrets.get(SecretKeys.movedFromProjectFile(id, "target.admin.pass")).orElseThrow().reveal());
        // never used: not the endpoint's own secret
        assertTrue(secrets.get(SecretKeys.sourceEndpoint(id)).isEmpty());
        assertTrue(show.out().contains("admin password: none"), show.all());

        CommandRun again = mailferry("source", "show", "-p", project.toString());
        assertEquals(0, again.exitCode(), again.all());
        assertEquals("", again.err(), again.all());
    }
}
