package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * A project made with the engine API between two local Dovecot servers (the demo's), opened in the workbench with its
 * batch selected in the Projects view, so that the Mailboxes view shows the batch's mailboxes.
 */
abstract class DovecotWorkbenchTestBase {

    static final String BATCH = "wave1";
    static final int USERS = 4;
    static final Duration PASS_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    DemoEnvironment demo;
    Path projectFolder;
    IWorkbenchPage page;
    Shell shell;
    UiDriver ui;
    MailboxesView mailboxes;
    ProjectsView projects;

    @BeforeAll
    static void startEngineBundles() throws Exception {
        // as the product's configuration does: DS, then the engine and the IMAP connector it binds
        for (Bundle b : FrameworkUtil.getBundle(MigrationEngine.class).getBundleContext().getBundles()) {
            if (List.of("org.apache.felix.scr", "dev.mailferry.engine", "dev.mailferry.connector.imap")
                    .contains(b.getSymbolicName())) {
                b.start();
            }
        }
    }

    @BeforeEach
    void openProjectInTheWorkbench() throws Exception {
        Path secretsDir = dir.resolve("secrets");
        System.setProperty(EncryptedFileSecretStore.DIRECTORY_PROPERTY, secretsDir.toString());
        demo = DemoEnvironment.builder(dir.resolve("servers")).users(USERS).corpus(CorpusSpec.small(20261206L, 700)).start();
        projectFolder = dir.resolve("project");
        try (MigrationProject project = MigrationProject.create(projectFolder, "Dovecot workbench test")) {
            project.setSourceEndpoint(endpoint(demo.source()));
            project.setTargetEndpoint(endpoint(demo.target()));
            List<MailboxImport> imports = new ArrayList<>();
            for (DemoEnvironmentUser u : demo.users()) {
                imports.add(new MailboxImport(new MailboxEntry(u.emailAddress(), u.sourceUserName(), null, u.targetUserName()),
                        Secret.of(u.sourcePassword()), Secret.of(u.targetPassword())));
            }
            project.putMailboxes(imports, new EncryptedFileSecretStore(secretsDir));
            project.createBatch(BATCH, List.of(), batchOptions());
        }

        page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        shell = page.getWorkbenchWindow().getShell();
        ui = new UiDriver(shell.getDisplay());
        projects = (ProjectsView) page.showView(ProjectsView.ID);
        mailboxes = (MailboxesView) page.showView(MailboxesView.ID);
        projects.openProject(projectFolder);
        ui.waitUntil("the batch shows in the navigator",
                () -> UiDriver.treeItem(projects.viewer().getTree(), BATCH + " — ") != null);
        TreeItem batch = UiDriver.treeItem(projects.viewer().getTree(), BATCH + " — ");
        assertEquals(BATCH + " — CREATED, " + USERS + " mailboxes", batch.getText());
        assertNotNull(UiDriver.treeItem(projects.viewer().getTree(), "Source: imap " + demo.source().host()));
        assertNotNull(UiDriver.treeItem(projects.viewer().getTree(), "Mailboxes (" + USERS + ")"));
        ui.select(projects.viewer().getTree(), batch);
        ui.waitUntil("the mailbox table shows the batch", () -> mailboxes.table().control().getItemCount() == USERS
                && column("State").stream().allMatch("QUEUED"::equals));
    }

    /** One mailbox at a time, so a pass lasts long enough to be stopped half-way. */
    BatchOptions batchOptions() {
        return BatchOptions.defaults().withMaxParallelMailboxes(1);
    }

    @AfterEach
    void closeProjectAndStopServers() {
        if (projects != null) {
            projects.closeProject(projectFolder);
            ui.waitUntil("the project is closed", () -> projects.viewer().getTree().getItemCount() == 0);
            assertEquals("Select a project or a batch in the Projects view.", mailboxes.message().getText());
        }
        if (demo != null) {
            demo.close();
        }
        System.clearProperty(EncryptedFileSecretStore.DIRECTORY_PROPERTY);
    }

    private static Endpoint endpoint(DemoEnvironmentServer server) {
        return new Endpoint("imap", Map.of("host", server.host(), "port", Integer.toString(server.imapPort()),
                "security", "none"));
    }

    /** The texts of one column, read from the table's items as a user sees them. */
    List<String> column(String header) {
        Table table = mailboxes.table().control();
        int index = MailboxTable.column(header);
        return IntStream.range(0, table.getItemCount()).mapToObj(i -> table.getItem(i).getText(index)).toList();
    }

    String tableState() {
        return mailboxes.message().getText() + " | problem: " + mailboxes.problem().getText() + " | states "
                + column("State") + " copied " + column("Copied");
    }

}
