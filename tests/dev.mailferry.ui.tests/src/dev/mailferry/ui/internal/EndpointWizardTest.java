package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.tls.Fingerprints;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The Source wizard against a local Dovecot with a self-signed certificate, opened from the Projects view's tool bar:
 * presets and checks as the user types, the connection test in a job, the trust dialog showing the certificate, and
 * the source saved where the command line reads it (project file without secrets, secret store).
 */
class EndpointWizardTest extends ProjectsViewTestBase {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-pw-4711";

    private DovecotServer dovecot;

    @BeforeAll
    static void startEngineBundles() throws Exception {
        for (Bundle b : FrameworkUtil.getBundle(MigrationEngine.class).getBundleContext().getBundles()) {
            if (List.of("org.apache.felix.scr", "dev.mailferry.engine", "dev.mailferry.connector.imap",
                    "dev.mailferry.connector.office365").contains(b.getSymbolicName())) {
                b.start();
            }
        }
    }

    @BeforeEach
    void openProject() throws Exception {
        dovecot = DovecotServer.builder(dir.resolve("dovecot")).user("alice", "alice-pw").masterUser(ADMIN, ADMIN_PASSWORD)
                .start();
        MigrationProject.create(projectFolder, "Fabrikam").close();
        openInProjectsView("Fabrikam", "Fabrikam");
    }

    @Override
    void afterProjectClosed() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    /** The open wizard dialog whose wizard is of this type, once it is shown. */
    static <W> WizardDialog openWizard(UiDriver ui, Shell workbench, Class<W> type) {
        WizardDialog[] found = new WizardDialog[1];
        ui.waitUntil("the " + type.getSimpleName() + " opens", UiDriver.DEFAULT_WAIT, () -> {
            found[0] = Arrays.stream(workbench.getDisplay().getShells())
                    .filter(s -> !s.isDisposed() && s.isVisible() && s.getData() instanceof WizardDialog d
                            && type.isInstance(d.getCurrentPage() == null ? null : d.getCurrentPage().getWizard()))
                    .map(s -> (WizardDialog) s.getData()).findFirst().orElse(null);
            return found[0] != null;
        }, () -> "open shells " + Arrays.stream(workbench.getDisplay().getShells()).map(Shell::getText).toList());
        return found[0];
    }

    private static void choose(UiDriver ui, Combo combo, String item) {
        int index = combo.indexOf(item);
        assertTrue(index >= 0, item + " not in " + List.of(combo.getItems()));
        combo.select(index);
        combo.notifyListeners(SWT.Selection, null);
        ui.pump(20);
    }

    @Test
    void sourceAgainstASelfSignedServerIsTrustedTestedAndSavedAsTheCommandLineSavesIt() throws Exception {
        ui.click(UiDriver.toolItem(workbench, "Set Source..."));
        WizardDialog dialog = openWizard(ui, workbench, EndpointWizard.class);
        Shell shell = dialog.getShell();
        EndpointWizard.EndpointPage page = ((EndpointWizard) dialog.getCurrentPage().getWizard()).page();
        Button finish = UiDriver.button(shell, "Finish");
        assertTrue(page.connectorCombo.getText().endsWith("(imap)"), page.connectorCombo.getText());
        assertFalse(finish.isEnabled(), "no host yet");
        assertEquals("Enter the Host.", page.getMessage());

        // presets fill in host, port and security
        choose(ui, page.presetCombo, "Gmail");
        assertEquals("imap.gmail.com", page.form.raw("host"));
        assertEquals("993", page.form.raw("port"));
        assertEquals("ssl", page.form.raw("security"));
        choose(ui, page.presetCombo, "Outlook.com / Hotmail");
        assertEquals("outlook.office365.com", page.form.raw("host"));

        // checked as typed, the wrong field named
        Text host = (Text) page.form.field("host");
        Text port = (Text) page.form.field("port");
        ui.type(host, dovecot.host());
        assertEquals("Generic IMAP server", page.presetCombo.getText(), "a host of one's own is no preset");
        ui.type(port, "99999");
        assertNotNull(page.getErrorMessage());
        assertTrue(page.getErrorMessage().startsWith("Port: must be a whole number from 1 to 65535"), page.getErrorMessage());
        assertFalse(finish.isEnabled());
        assertFalse(page.testButton.isEnabled());
        ui.type(port, Integer.toString(dovecot.imapsPort()));
        assertNull(page.getErrorMessage());
        ui.type((Text) page.form.field("admin.user"), ADMIN);
        Text adminPassword = (Text) page.form.field("admin.password");
        assertTrue((adminPassword.getStyle() & SWT.PASSWORD) != 0, "a secret is typed into a password field");
        ui.type(adminPassword, ADMIN_PASSWORD);
        ui.type(page.testUser, "alice");
        assertTrue(finish.isEnabled());

        // the test fails on the self-signed certificate: the dialog shows it
        ui.click(page.testButton);
        ui.waitUntil("the trust dialog opens", Duration.ofSeconds(60), () -> page.trustDialog != null,
                () -> page.testResult.getText());
        CertificateTrustDialog trust = page.trustDialog;
        assertEquals(dovecot.certificateSha256(), trust.fingerprint.getText());
        assertEquals(dovecot.certificate().getSubjectX500Principal().getName(), trust.subject.getText());
        assertTrue(trust.subject.getText().contains("CN=localhost"), trust.subject.getText());
        assertEquals(dovecot.certificate().getIssuerX500Principal().getName(), trust.issuer.getText());
        assertTrue(trust.validity.getText().matches("from \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC until .*"),
                trust.validity.getText());
        assertTrue(page.testResult.getText().contains("is not trusted"), page.testResult.getText());
        assertEquals("", page.form.raw("tls.trust"), "nothing trusted before the user says so");
        moveMouseAway(shell);
        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(trust.getShell(), Path.of(screenshots, "certificate-trust.png"));
        }

        // trusting it sets the fingerprint (as --trust-cert does) and tests again
        ui.click(UiDriver.button(trust.getShell(), "Trust This Certificate"));
        ui.waitUntil("the test passes", Duration.ofSeconds(60), () -> page.testResult.getText().startsWith("OK: "),
                () -> page.testResult.getText());
        String fingerprint = Fingerprints.normalize(dovecot.certificateSha256());
        assertEquals(dovecot.certificateSha256(), page.form.raw("tls.trust"), "shown as the dialog showed it");
        assertTrue(page.testResult.getText().contains("Dovecot"), page.testResult.getText());
        assertTrue(page.getMessage().startsWith("Connection tested"), page.getMessage());
        moveMouseAway(shell);
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, "source-wizard.png"));
        }

        ui.click(finish);
        ui.waitUntil("the wizard closes", shell::isDisposed);
        ui.waitUntil("the navigator shows the source",
                () -> UiDriver.treeItem(projects.viewer().getTree(), "Source: imap " + dovecot.host()) != null);

        // what the command line reads: the project file (no secret in it) and the secret store
        assertFalse(Files.readString(projectFolder.resolve(MigrationProject.PROJECT_FILE)).contains(ADMIN_PASSWORD));
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            Endpoint source = project.sourceEndpoint().orElseThrow();
            assertEquals("imap", source.connectorId());
            assertEquals(dovecot.host(), source.get("host"));
            assertEquals(Integer.toString(dovecot.imapsPort()), source.get("port"));
            assertEquals("ssl", source.get("security"));
            assertEquals(ADMIN, source.get("admin.user"));
            assertEquals(fingerprint, source.get("tls.trust"));
            assertEquals(ADMIN_PASSWORD, EngineServices.secrets().get(SecretKeys.sourceEndpoint(project.id()))
                    .orElseThrow().reveal());
            // and a pass would log in with it: the engine's credentials for a mailbox, through the saved endpoint
            MailboxEntry alice = new MailboxEntry("alice@example.com", "alice", null, null);
            ConnectionTestResult result = EngineServices.engine().sourceConnector("imap").orElseThrow()
                    .testConnection(source, project.sourceCredentials(alice, EngineServices.secrets()));
            assertTrue(result.folderCount() >= 1, result.toString());
        }

        // opened again: the saved values show, the stored secret is kept unless replaced or removed
        ui.click(UiDriver.toolItem(workbench, "Set Source..."));
        WizardDialog again = openWizard(ui, workbench, EndpointWizard.class);
        EndpointWizard.EndpointPage second = ((EndpointWizard) again.getCurrentPage().getWizard()).page();
        assertEquals(dovecot.host(), second.form.raw("host"));
        assertEquals(fingerprint, second.form.raw("tls.trust"));
        assertEquals("", second.form.raw("admin.password"), "a stored secret is never shown");
        ui.type(second.testUser, "alice");
        org.eclipse.swt.widgets.Event enter = new org.eclipse.swt.widgets.Event();
        enter.detail = SWT.TRAVERSE_RETURN;
        enter.doit = true;
        second.testUser.notifyListeners(SWT.Traverse, enter);
        assertFalse(enter.doit, "Enter in the test's fields tests instead of finishing");
        ui.waitUntil("the test passes with the stored admin password", Duration.ofSeconds(60),
                () -> second.testResult.getText().startsWith("OK: "), () -> second.testResult.getText());
        assertEquals("Remove the stored admin password (when none is typed above)", second.removeSecret.getText());
        second.removeSecret.setSelection(true);
        Shell secondShell = again.getShell();
        ui.click(UiDriver.button(secondShell, "Finish"));
        ui.waitUntil("the wizard closes", secondShell::isDisposed);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertTrue(EngineServices.secrets().get(SecretKeys.sourceEndpoint(project.id())).isEmpty(), "removed");
            assertEquals(fingerprint, project.sourceEndpoint().orElseThrow().get("tls.trust"), "the trust is kept");
        }
    }

    @Test
    void aCertificateNotTrustedLeavesTheSourceUntrustedAndTheTestFailed() throws Exception {
        ui.click(UiDriver.toolItem(workbench, "Set Source..."));
        WizardDialog dialog = openWizard(ui, workbench, EndpointWizard.class);
        EndpointWizard.EndpointPage page = ((EndpointWizard) dialog.getCurrentPage().getWizard()).page();
        ui.type((Text) page.form.field("host"), dovecot.host());
        ui.type((Text) page.form.field("port"), Integer.toString(dovecot.imapsPort()));
        ui.type(page.testUser, "alice");
        ui.type(page.testPassword, "alice-pw");
        ui.click(page.testButton);
        ui.waitUntil("the trust dialog opens", Duration.ofSeconds(60), () -> page.trustDialog != null,
                () -> page.testResult.getText());
        ui.click(UiDriver.button(page.trustDialog.getShell(), "Cancel"));
        ui.waitUntil("the trust dialog closes", () -> page.trustDialog == null);
        assertEquals("", page.form.raw("tls.trust"));
        assertTrue(page.getErrorMessage().startsWith("Test failed: The certificate of the IMAP server"),
                page.getErrorMessage());
        assertFalse(page.testResult.getText().contains("Exception"), "no stack trace: " + page.testResult.getText());
    }
    @Test
    void theOffice365TargetFormIsDrawnFromItsSettingsDescriptionAndItsSecretGoesToTheSecretStore() throws Exception {
        ui.click(UiDriver.toolItem(workbench, "Set Target..."));
        WizardDialog dialog = openWizard(ui, workbench, EndpointWizard.class);
        Shell shell = dialog.getShell();
        EndpointWizard.EndpointPage page = ((EndpointWizard) dialog.getCurrentPage().getWizard()).page();
        Button finish = UiDriver.button(shell, "Finish");
        choose(ui, page.connectorCombo, page.connectorCombo.getItem(indexOf(page.connectorCombo, "(office365)")));
        assertFalse(page.presetCombo.isEnabled(), "presets are for IMAP servers");
        assertNull(page.form.field("host"), "no IMAP fields in the Office 365 form");
        Text tenant = (Text) page.form.field("tenant");
        Text clientId = (Text) page.form.field("client.id");
        Text clientSecret = (Text) page.form.field("client.secret");
        assertTrue((clientSecret.getStyle() & SWT.PASSWORD) != 0, "a secret is typed into a password field");
        assertEquals("imap", ((Combo) page.form.field("mode")).getText(), "the described default is chosen");
        assertEquals("Enter the Tenant.", page.getMessage());
        assertFalse(finish.isEnabled());

        ui.type(tenant, "contoso.onmicrosoft.com");
        ui.type(clientId, "not-a-guid");
        // judged by the connector's checkEndpoint, as 'target set' does
        assertEquals("Setting 'client.id' must be the application's id (a GUID), not 'not-a-guid'.", page.getErrorMessage());
        assertFalse(finish.isEnabled());
        String appId = "7c1e2f4a-93b1-4d6e-8a2f-0b5c3d9e1f20";
        ui.type(clientId, appId);
        ui.type(clientSecret, "client-secret-0815");
        ui.type((Text) page.form.field("connections.max"), "many");
        assertTrue(page.getErrorMessage().startsWith("Connection limit: must be a whole number from 1 to 10000"),
                page.getErrorMessage());
        ui.type((Text) page.form.field("connections.max"), "20");
        assertNull(page.getErrorMessage());
        assertTrue(finish.isEnabled());
        moveMouseAway(shell);
        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, "target-wizard-office365.png"));
        }

        ui.click(finish);
        ui.waitUntil("the wizard closes", shell::isDisposed);
        assertFalse(Files.readString(projectFolder.resolve(MigrationProject.PROJECT_FILE)).contains("client-secret-0815"));
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            Endpoint target = project.targetEndpoint().orElseThrow();
            assertEquals("office365", target.connectorId());
            assertEquals("contoso.onmicrosoft.com", target.get("tenant"));
            assertEquals(appId, target.get("client.id"));
            assertEquals("20", target.get("connections.max"));
            assertNull(target.get("client.secret"));
            assertEquals("client-secret-0815", EngineServices.secrets().get(SecretKeys.targetEndpoint(project.id()))
                    .orElseThrow().reveal());
        }
    }

    @Test
    void theTargetTestChecksEveryMailboxOfTheProjectAsTheCommandLineDoes() throws Exception {
        try (MigrationProject project = MigrationProject.open(projectFolder)) {
            project.putMailboxes(List.of(
                    new MailboxImport(new MailboxEntry("alice@example.com", "alice", null, "alice"), null, Secret.of("alice-pw")),
                    new MailboxImport(new MailboxEntry("zed@example.com", "zed", null, "zed"), null, Secret.of("zed-pw"))),
                    EngineServices.secrets());
        }
        ui.click(UiDriver.toolItem(workbench, "Set Target..."));
        WizardDialog dialog = openWizard(ui, workbench, EndpointWizard.class);
        EndpointWizard.EndpointPage page = ((EndpointWizard) dialog.getCurrentPage().getWizard()).page();
        assertEquals("alice", page.testUser.getText(), "the project's first mailbox logs in by default");
        ui.type((Text) page.form.field("host"), dovecot.host());
        ui.type((Text) page.form.field("port"), Integer.toString(dovecot.imapPort()));
        choose(ui, (Combo) page.form.field("security"), "none");

        ui.click(page.testButton);
        ui.waitUntil("the test and the mailbox checks end", Duration.ofSeconds(60),
                () -> page.testResult.getText().contains("Mailboxes: "), () -> page.testResult.getText());
        String result = page.testResult.getText();
        assertTrue(result.startsWith("OK: "), result);
        assertTrue(result.contains("Mailboxes: 1 ready, 1 not ready"), result);
        assertTrue(result.contains("OK  alice  "), result);
        assertTrue(result.contains("FAILED  zed  "), result);
        assertFalse(result.contains("zed-pw"), "no password in what is shown: " + result);
        assertEquals("1 of 2 mailboxes are not ready (listed below).", page.getMessage());
    }

    private static int indexOf(Combo combo, String suffix) {
        for (int i = 0; i < combo.getItemCount(); i++) {
            if (combo.getItem(i).endsWith(suffix)) {
                return i;
            }
        }
        throw new AssertionError("no " + suffix + " in " + List.of(combo.getItems()));
    }

    /** Tool tips where the pointer happens to rest would cover the screenshot. */
    static void moveMouseAway(Shell shell) {
        org.eclipse.swt.graphics.Rectangle screen = shell.getDisplay().getBounds();
        shell.getDisplay().setCursorLocation(screen.x + screen.width - 1, screen.y + screen.height - 1);
    }
}
