package dev.mailferry.ui.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.MailboxCheck;
import dev.mailferry.engine.EngineSettings;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import dev.mailferry.ui.internal.EndpointConnector.Role;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.IMessageProvider;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.window.Window;
import org.eclipse.jface.wizard.IWizardContainer2;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * Sets a project's source or target, as {@code mailferry source set} / {@code target set} do, and tests it as
 * {@code source test} / {@code target test} do, through the same connector calls. The form is drawn from the
 * connector's settings description; the endpoint's secret goes to the user's secret store, never to the project file.
 * A test refused for an untrusted certificate shows the certificate; trusting it fills in the connector's trusted
 * fingerprint setting (what {@code --trust-cert} sets) and tests again.
 */
final class EndpointWizard extends Wizard {

    /**
     * What the wizard starts from, read off the UI thread.
     *
     * @param current      the endpoint saved now, or null
     * @param secretStored whether the endpoint's secret is in the secret store already
     * @param firstMailbox the project's first mailbox (whose login a test uses by default, as the command line's), or null
     */
    record Input(Path folder, String projectId, String projectName, Role role, List<EndpointConnector> connectors,
            Endpoint current, boolean secretStored, MailboxEntry firstMailbox) {

        static Input read(Path folder, Role role) throws MigrationException, IOException {
            MigrationEngine engine = EngineServices.engine();
            List<EndpointConnector> connectors = EndpointConnector.installed(engine, role);
            if (connectors.isEmpty()) {
                throw new MigrationException("no " + role.title().toLowerCase() + " connector is installed");
            }
            try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
                Endpoint current = (role == Role.SOURCE ? project.sourceEndpoint() : project.targetEndpoint()).orElse(null);
                boolean stored = EngineServices.secrets().get(secretKey(role, project.id())).filter(s -> !s.isEmpty())
                        .isPresent();
                MailboxEntry first = project.mailboxes().stream().findFirst().orElse(null);
                return new Input(folder, project.id(), project.name(), role, connectors, current, stored, first);
            }
        }
    }

    /** Hosts, ports and security of well-known IMAP services, offered for the IMAP connector. */
    record Preset(String name, String host, String port, String security) {
        static final List<Preset> IMAP = List.of(new Preset("Generic IMAP server", null, null, null),
                new Preset("Gmail", "imap.gmail.com", "993", "ssl"),
                new Preset("Outlook.com / Hotmail", "outlook.office365.com", "993", "ssl"));
    }

    private static final String IMAP_CONNECTOR = "imap";
    private static final String HOST = "host";
    private static final String PORT = "port";
    private static final String SECURITY = "security";

    private final Input input;
    private final Runnable saved;
    private final EndpointPage page;

    EndpointWizard(Input input, Runnable saved) {
        this.input = input;
        this.saved = saved;
        this.page = new EndpointPage();
        setWindowTitle(input.role().title() + " of " + input.projectName());
        setNeedsProgressMonitor(true);
    }

    static String secretKey(Role role, String projectId) {
        return role == Role.SOURCE ? SecretKeys.sourceEndpoint(projectId) : SecretKeys.targetEndpoint(projectId);
    }

    @Override
    public void addPages() {
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        SettingsForm.Reading reading = page.form.read(page.connector().id());
        Endpoint endpoint = reading.endpoint();
        String secret = reading.secret();
        boolean removeSecret = secret.isEmpty() && page.removeSecret != null && page.removeSecret.getSelection();
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Saving the " + input.role().title().toLowerCase(), IProgressMonitor.UNKNOWN);
                try (MigrationProject project = MigrationProject.open(input.folder())) {
                    if (input.role() == Role.SOURCE) {
                        project.setSourceEndpoint(endpoint);
                    } else {
                        project.setTargetEndpoint(endpoint);
                    }
                    if (!secret.isEmpty()) {
                        EngineServices.secrets().put(secretKey(input.role(), project.id()), Secret.of(secret));
                    } else if (removeSecret) {
                        EngineServices.secrets().remove(secretKey(input.role(), project.id()));
                    }
                } catch (MigrationException | IOException e) {
                    throw new InvocationTargetException(e);
                }
            });
        } catch (InvocationTargetException e) {
            page.setErrorMessage("Not saved: " + (e.getCause() == null ? e : e.getCause().getMessage()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        saved.run();
        return true;
    }

    /** For tests. */
    EndpointPage page() {
        return page;
    }

    /** Connector, preset, the connector's settings, and the connection test. */
    final class EndpointPage extends WizardPage {

        Combo connectorCombo;
        Combo presetCombo;
        SettingsForm form;
        Text testUser;
        Text testPassword;
        Button testButton;
        Text testResult;
        private Label presetLabel;
        /** Shown when the endpoint's secret is stored: removes it on Finish. */
        Button removeSecret;
        private Composite formHolder;
        private boolean applyingPreset;
        private boolean testing;
        /** The endpoint the last successful test was run with: Finish after it needs no warning. */
        private Endpoint tested;
        /** The trust dialog, while it is open (for tests). */
        CertificateTrustDialog trustDialog;

        EndpointPage() {
            super("endpoint");
            setTitle(input.role().title() + ": " + input.role().meaning());
            setDescription("Choose the connector and fill in its settings; test the connection before Finish.");
            setPageComplete(false);
        }

        EndpointConnector connector() {
            return input.connectors().get(Math.max(connectorCombo.getSelectionIndex(), 0));
        }

        @Override
        public void createControl(Composite parent) {
            Composite page = new Composite(parent, SWT.NONE);
            GridLayoutFactory.swtDefaults().numColumns(2).applyTo(page);

            new Label(page, SWT.NONE).setText("&Connector:");
            connectorCombo = new Combo(page, SWT.DROP_DOWN | SWT.READ_ONLY);
            GridDataFactory.fillDefaults().grab(true, false).applyTo(connectorCombo);
            int selected = 0;
            for (int i = 0; i < input.connectors().size(); i++) {
                EndpointConnector c = input.connectors().get(i);
                connectorCombo.add(c.displayName() + " (" + c.id() + ")");
                if (input.current() != null && c.id().equals(input.current().connectorId())) {
                    selected = i;
                }
            }
            connectorCombo.select(selected);

            presetLabel = new Label(page, SWT.NONE);
            presetLabel.setText("&Preset:");
            presetCombo = new Combo(page, SWT.DROP_DOWN | SWT.READ_ONLY);
            Preset.IMAP.forEach(p -> presetCombo.add(p.name()));
            GridDataFactory.fillDefaults().grab(true, false).applyTo(presetCombo);
            presetCombo.setToolTipText("Fills in host, port and security for a well-known service");

            Group settings = new Group(page, SWT.NONE);
            settings.setText("Settings");
            GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(settings);
            GridLayoutFactory.swtDefaults().applyTo(settings);
            formHolder = settings;

            Group test = new Group(page, SWT.NONE);
            test.setText("Connection test (changes nothing)");
            GridDataFactory.fillDefaults().span(2, 1).grab(true, true).applyTo(test);
            GridLayoutFactory.swtDefaults().numColumns(3).applyTo(test);
            new Label(test, SWT.NONE).setText("Log in &as:");
            testUser = new Text(test, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).applyTo(testUser);
            testUser.setToolTipText("A mailbox's login; with an admin user, the mailbox the admin opens");
            MailboxEntry first = input.firstMailbox();
            if (first != null) {
                testUser.setText(input.role() == Role.SOURCE ? first.sourceUserName() : first.effectiveTargetUserName());
            }
            testButton = new Button(test, SWT.PUSH);
            testButton.setText("&Test Connection");
            GridDataFactory.fillDefaults().span(1, 2).applyTo(testButton);
            new Label(test, SWT.NONE).setText("Pass&word:");
            testPassword = new Text(test, SWT.BORDER | SWT.PASSWORD);
            testPassword.setMessage("the admin's or this mailbox's stored one when empty");
            GridDataFactory.fillDefaults().grab(true, false).applyTo(testPassword);
            testResult = new Text(test, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.V_SCROLL);
            GridDataFactory.fillDefaults().span(3, 1).grab(true, true).hint(520, 70).applyTo(testResult);

            // back on the saved connector, its saved values show again
            connectorCombo.addListener(SWT.Selection, e -> showConnector(input.current()));
            presetCombo.addListener(SWT.Selection, e -> applyPreset(Preset.IMAP.get(presetCombo.getSelectionIndex())));
            testUser.addListener(SWT.Modify, e -> validate());
            testButton.addListener(SWT.Selection, e -> runTest());
            for (Text field : List.of(testUser, testPassword)) {
                field.addListener(SWT.Traverse, e -> { // Enter in the test's fields tests, not Finish
                    if (e.detail == SWT.TRAVERSE_RETURN) {
                        e.doit = false;
                        if (testButton.isEnabled()) {
                            runTest();
                        }
                    }
                });
            }

            showConnector(input.current());
            setControl(page);
            connectorCombo.setFocus();
        }

        /** Draws the form of the selected connector, filled with {@code values} (or its defaults). */
        private void showConnector(Endpoint values) {
            if (form != null) {
                form.control().dispose();
            }
            EndpointConnector connector = connector();
            List<ConnectorSetting> settings = new ArrayList<>(connector.settings());
            settings.addAll(EngineSettings.all());
            Map<String, String> current = values != null && values.connectorId().equals(connector.id()) ? values.settings()
                    : Map.of();
            form = new SettingsForm(formHolder, settings, current, this::settingChanged, help -> setMessage(help));
            GridDataFactory.fillDefaults().grab(true, false).applyTo(form.control());
            boolean imap = IMAP_CONNECTOR.equals(connector.id());
            presetCombo.setEnabled(imap);
            presetLabel.setEnabled(imap);
            presetCombo.select(imap ? presetOf(form.raw(HOST)) : 0);
            if (removeSecret != null) {
                removeSecret.dispose();
                removeSecret = null;
            }
            Optional<ConnectorSetting> secret = form.first(ConnectorSetting.Type.SECRET);
            if (input.secretStored() && secret.isPresent() && input.current() != null
                    && input.current().connectorId().equals(connector.id())) {
                ((Text) form.field(secret.get().key())).setMessage("stored in the secret store; type to replace it");
                // what 'set --password-file' with an empty file does on the command line
                removeSecret = new Button(formHolder, SWT.CHECK);
                removeSecret.setText("Remove the stored " + secret.get().label().toLowerCase(java.util.Locale.ROOT)
                        + " (when none is typed above)");
            }
            tested = null;
            testResult.setText("");
            formHolder.getParent().layout(true, true);
            if (getControl() != null && getContainer() instanceof IWizardContainer2 container) {
                container.updateSize(); // another connector's form may need more room
            }
            validate();
        }

        private static int presetOf(String host) {
            for (int i = 1; i < Preset.IMAP.size(); i++) {
                if (Preset.IMAP.get(i).host().equalsIgnoreCase(host == null ? "" : host.trim())) {
                    return i;
                }
            }
            return 0;
        }

        private void applyPreset(Preset preset) {
            if (preset.host() == null) {
                return; // generic: the user's own values stay
            }
            applyingPreset = true;
            form.set(HOST, preset.host());
            form.set(PORT, preset.port());
            form.set(SECURITY, preset.security());
            applyingPreset = false;
            validate();
        }

        private void settingChanged(String key) {
            if (!applyingPreset && HOST.equals(key) && presetCombo.isEnabled()) {
                presetCombo.select(presetOf(form.raw(HOST)));
            }
            validate();
        }

        /** Checks the form, as the command line checks {@code set}'s options, on every change. */
        void validate() {
            SettingsForm.Reading reading = form.read(connector().id());
            String problem = reading.problem();
            if (problem == null && reading.missing() == null) {
                try {
                    connector().checkEndpoint(reading.endpoint()); // judges the whole endpoint; no network
                } catch (ConnectorException e) {
                    problem = e.getMessage();
                } catch (RuntimeException e) {
                    problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
            }
            boolean complete = problem == null && reading.missing() == null;
            setErrorMessage(problem);
            if (problem == null) {
                if (reading.missing() != null) {
                    setMessage("Enter the " + reading.missing() + ".");
                } else if (reading.endpoint().equals(tested)) {
                    setMessage("Connection tested: the " + input.role().title().toLowerCase() + " answers and the login works.",
                            IMessageProvider.INFORMATION);
                } else {
                    setMessage("Not tested yet: Test Connection checks it before you finish.", IMessageProvider.INFORMATION);
                }
            }
            testButton.setEnabled(complete && !testing && !testUser.getText().isBlank());
            setPageComplete(complete && !testing);
        }

        /** Runs the connector's test in a job; the outcome comes back to this page. */
        void runTest() {
            SettingsForm.Reading reading = form.read(connector().id());
            EndpointConnector connector = connector();
            Endpoint endpoint = reading.endpoint();
            String user = testUser.getText().trim();
            String typedPassword = testPassword.getText();
            String typedSecret = reading.secret();
            Display display = getShell().getDisplay();
            testing = true;
            testResult.setForeground(null);
            testResult.setText("Connecting to " + describe(endpoint) + " as " + user + " ...");
            validate();
            Job job = Job.create("Testing the " + input.role().title().toLowerCase() + " connection", monitor -> {
                ConnectionTestResult result = null;
                String failure = null;
                ConnectorException untrusted = null;
                boolean loginRefused = false;
                try {
                    Credentials credentials = new Credentials(user, password(user, typedPassword, typedSecret));
                    result = connector.testConnection(endpoint, credentials);
                } catch (ConnectorException e) {
                    failure = e.getMessage();
                    untrusted = e.kind() == ConnectorException.Kind.UNTRUSTED_CERTIFICATE ? e : null;
                    loginRefused = e.kind() == ConnectorException.Kind.AUTHENTICATION;
                } catch (MigrationException | IOException | RuntimeException e) {
                    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
                List<MailboxCheck> checks = null;
                MailboxEntry first = input.firstMailbox();
                // as 'target test' without --user: then every mailbox of the project, also when the first one's login
                // was refused (the list says which others are ready)
                if (input.role() == Role.TARGET && first != null && user.equals(first.effectiveTargetUserName())
                        && (result != null || loginRefused)) {
                    try {
                        checks = checkEveryMailbox(connector, endpoint, typedSecret);
                    } catch (MigrationException | IOException | ExecutionException | RuntimeException e) {
                        failure = (failure == null ? "" : failure + "; ") + "checking the mailboxes failed: "
                                + (e.getCause() != null && e instanceof ExecutionException ? e.getCause().getMessage()
                                        : e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ConnectionTestResult found = result;
                String failed = failure;
                ConnectorException certificate = untrusted;
                List<MailboxCheck> checked = checks;
                display.asyncExec(() -> showOutcome(endpoint, found, failed, certificate, checked));
                return Status.OK_STATUS;
            });
            job.setSystem(true);
            job.schedule();
        }

        /**
         * The password a test logs in with, as {@code test} picks it: the one typed for the test; else the endpoint's
         * secret typed above; else the mailbox's credentials the engine would use (when testing as the project's
         * first mailbox); else the endpoint's stored secret.
         */
        private Secret password(String user, String typedPassword, String typedSecret) throws MigrationException, IOException {
            if (!typedPassword.isEmpty()) {
                return Secret.of(typedPassword);
            }
            if (!typedSecret.isEmpty()) {
                return Secret.of(typedSecret);
            }
            SecretStore secrets = EngineServices.secrets();
            MailboxEntry first = input.firstMailbox();
            if (first != null && user.equals(input.role() == Role.SOURCE ? first.sourceUserName()
                    : first.effectiveTargetUserName())) {
                try (MigrationProject project = MigrationProject.openReadOnly(input.folder())) {
                    return (input.role() == Role.SOURCE ? project.sourceCredentials(first, secrets)
                            : project.targetCredentials(first, secrets)).password();
                }
            }
            return secrets.get(secretKey(input.role(), input.projectId())).orElse(Secret.empty());
        }

        /**
         * Checks every mailbox of the project on the target, several at a time within the endpoint's connection
         * limit, with the credentials a pass would use (the secret typed above standing for the stored one).
         */
        private List<MailboxCheck> checkEveryMailbox(EndpointConnector connector, Endpoint endpoint, String typedSecret)
                throws MigrationException, IOException, InterruptedException, ExecutionException {
            SecretStore secrets = EngineServices.secrets();
            boolean needsSecret = connector.needsSecret(endpoint);
            List<Callable<MailboxCheck>> checks = new ArrayList<>();
            try (MigrationProject project = MigrationProject.openReadOnly(input.folder())) {
                for (MailboxEntry entry : project.mailboxes()) {
                    Credentials credentials = typedSecret.isEmpty() ? project.targetCredentials(entry, secrets)
                            : new Credentials(entry.effectiveTargetUserName(), Secret.of(typedSecret));
                    checks.add(() -> needsSecret && credentials.password().isEmpty()
                            ? new MailboxCheck(credentials.userName(), false, "no stored password: import the CSV again or set it")
                            : connector.checkMailbox(endpoint, credentials));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8,
                    endpoint.getInt(Endpoint.MAX_CONNECTIONS, 8))));
            try {
                List<MailboxCheck> results = new ArrayList<>();
                for (Future<MailboxCheck> check : pool.invokeAll(checks)) {
                    results.add(check.get());
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }

        private void showOutcome(Endpoint endpoint, ConnectionTestResult result, String failure, ConnectorException untrusted,
                List<MailboxCheck> checks) {
            if (testResult.isDisposed()) {
                return; // the wizard was closed meanwhile
            }
            testing = false;
            StringBuilder mailboxes = new StringBuilder();
            long notReady = 0;
            if (checks != null) {
                notReady = checks.stream().filter(c -> !c.ok()).count();
                mailboxes.append("\nMailboxes: ").append(checks.size() - notReady).append(" ready, ").append(notReady)
                        .append(" not ready");
                for (MailboxCheck check : checks) {
                    mailboxes.append("\n  ").append(check.ok() ? "OK" : "FAILED").append("  ").append(check.mailbox())
                            .append("  ").append(check.detail());
                }
            }
            if (result != null && failure == null) {
                tested = endpoint;
                testResult.setForeground(null);
                testResult.setText("OK: " + result.server() + "\nSecurity: " + result.security() + "\nFolders: "
                        + result.folderCount() + "; namespaces: " + String.join("; ", result.namespaces()) + mailboxes);
                validate();
                if (notReady > 0) {
                    setMessage(notReady + " of " + checks.size() + " mailboxes are not ready (listed below).",
                            IMessageProvider.WARNING);
                }
                return;
            }
            testResult.setForeground(testResult.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
            testResult.setText(failure + mailboxes);
            validate();
            setErrorMessage("Test failed: " + failure);
            if (untrusted != null && untrusted.certificate() != null) {
                askToTrust(untrusted);
            }
        }

        /** Shows the certificate; trusting it sets the connector's fingerprint setting, then tests again. */
        private void askToTrust(ConnectorException untrusted) {
            Optional<ConnectorSetting> trustSetting = form.first(ConnectorSetting.Type.SHA256);
            if (trustSetting.isEmpty()) {
                setErrorMessage("The " + connector().id() + " connector offers no setting to trust a certificate: "
                        + untrusted.getMessage());
                return;
            }
            String host = form.raw(HOST);
            trustDialog = new CertificateTrustDialog(getShell(), host == null || host.isBlank() ? connector().displayName()
                    : host.trim(), untrusted.certificate());
            trustDialog.setBlockOnOpen(false);
            trustDialog.open();
            CertificateTrustDialog asked = trustDialog;
            asked.getShell().addListener(SWT.Dispose, e -> {
                trustDialog = null;
                if (asked.getReturnCode() == Window.OK && !testResult.isDisposed()) {
                    form.set(trustSetting.get().key(), untrusted.certificateSha256());
                    validate();
                    if (testButton.isEnabled()) {
                        runTest();
                    }
                }
            });
        }

        private String describe(Endpoint endpoint) {
            String host = endpoint.get(HOST);
            String port = endpoint.get(PORT);
            return host == null ? connector().displayName() : host + (port == null ? "" : ":" + port);
        }
    }
}
