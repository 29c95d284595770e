package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.ToolItem;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * A project made with the engine API between two local Dovecot servers (the demo's), opened in the workbench; passes
 * are started and stopped with the Mailboxes view's tool bar, and the mailbox table is read from its real items.
 */
class BatchFromWorkbenchTest {

    private static final String BATCH = "wave1";
    private static final int USERS = 4;
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private DemoEnvironment demo;
    private Path projectFolder;
    private IWorkbenchPage page;
    private Shell shell;
    private UiDriver ui;
    private MailboxesView mailboxes;
    private ProjectsView projects;

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
            // one mailbox at a time, so a pass lasts long enough to be stopped half-way
            project.createBatch(BATCH, List.of(), BatchOptions.defaults().withMaxParallelMailboxes(1));
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
    private List<String> column(String header) {
        Table table = mailboxes.table().control();
        int index = MailboxTable.column(header);
        return IntStream.range(0, table.getItemCount()).mapToObj(i -> table.getItem(i).getText(index)).toList();
    }

    private String tableState() {
        return mailboxes.message().getText() + " | problem: " + mailboxes.problem().getText() + " | states "
                + column("State") + " copied " + column("Copied");
    }

    @Test
    void startStopAndResumeFromTheToolBarUntilEveryMailboxIsSynced() throws Exception {
        ToolItem start = UiDriver.toolItem(shell, "Start pass");
        ToolItem stop = UiDriver.toolItem(shell, "Stop");
        assertTrue(start.isEnabled());
        assertFalse(stop.isEnabled());

        ui.click(start);
        ui.waitUntil("a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);
        assertNotNull(BatchPassJob.running(projectFolder, BATCH), "the pass runs in a job");
        ui.waitUntil("Stop is enabled", Duration.ofSeconds(10), stop::isEnabled, this::tableState);
        ui.click(stop);
        ui.waitUntil("the pass stopped", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && mailboxes.message().getText().contains(": STOPPED"),
                this::tableState);
        assertTrue(column("State").contains("STOPPED"), tableState());
        assertFalse(column("State").stream().allMatch("SYNCED"::equals), "stopped half-way: " + tableState());

        ui.waitUntil("Start is enabled again", Duration.ofSeconds(10), start::isEnabled, this::tableState);
        ui.click(start);
        // the batch's line follows the mailboxes' rows at the view's next read of the project
        ui.waitUntil("every mailbox and the batch are synced", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null
                        && column("State").stream().allMatch("SYNCED"::equals)
                        && mailboxes.message().getText().contains(": SYNCED"),
                this::tableState);
        assertTrue(column("Failed").stream().allMatch("0"::equals), tableState());
        assertTrue(column("Copied").stream().noneMatch("0"::equals), tableState());
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.SYNCED, project.batch(BATCH).orElseThrow().state());
            assertEquals(project.status(BATCH).stream().mapToLong(s -> s.copied()).sum(),
                    column("Copied").stream().mapToLong(Long::parseLong).sum(), "the table shows what the project holds");
        }

        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, "workbench-mailboxes.png"));
        }
    }

    @Test
    void aPassRunOutsideTheWorkbenchShowsAsRunningIsNotStartedTwiceAndCanBeStopped() throws Exception {
        // what 'mailferry batch start' does, on another thread, outside the workbench's jobs
        MigrationEngine engine = EngineServices.engine();
        AtomicReference<BatchRunResult> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // the other pass holds after its first mailbox until the workbench has shown it and asked it to stop: without
        // this, a fast machine finishes the pass before the view's next poll
        CountDownLatch stopAsked = new CountDownLatch(1);
        MigrationListener holdAfterFirstMailbox = new MigrationListener() {
            @Override
            public void mailboxFinished(MailboxStatus status) {
                try {
                    stopAsked.await(PASS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Thread commandLine = new Thread(() -> {
            try (MigrationProject project = MigrationProject.open(projectFolder)) {
                result.set(engine.sync(project, BATCH, EngineServices.secrets(), holdAfterFirstMailbox, () -> false));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "command-line pass");
        commandLine.start();
        try {
            ToolItem start = UiDriver.toolItem(shell, "Start pass");
            ToolItem stop = UiDriver.toolItem(shell, "Stop");
            ui.waitUntil("the view shows the batch as running outside the workbench", PASS_TIMEOUT,
                    () -> mailboxes.message().getText().contains("runs outside this workbench"), this::tableState);
            assertFalse(start.isEnabled(), "never a second pass over the batch");
            assertTrue(stop.isEnabled());
            ui.waitUntil("the table follows the other pass", PASS_TIMEOUT,
                    () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);

            ui.click(stop); // asks the other pass through the project, as 'mailferry batch stop' does
            ui.pump(1_000); // the request is written by a job, in a few milliseconds
            assertEquals("", mailboxes.problem().getText());
            stopAsked.countDown();
            ui.waitUntil("the other pass stopped", PASS_TIMEOUT, () -> !commandLine.isAlive(), this::tableState);
        } finally {
            stopAsked.countDown();
            commandLine.join(PASS_TIMEOUT.toMillis());
        }
        assertEquals(null, failure.get());
        assertEquals(BatchState.STOPPED, result.get().state());
        ui.waitUntil("the view shows it stopped and offers to start it again", Duration.ofSeconds(10),
                () -> mailboxes.message().getText().contains(": STOPPED")
                        && UiDriver.toolItem(shell, "Start pass").isEnabled(), this::tableState);
    }

    @Test
    void closingTheWorkbenchDuringAPassAsksThenStopsThePassCleanly() throws Exception {
        ui.click(UiDriver.toolItem(shell, "Start pass"));
        ui.waitUntil("a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);

        // the question is modal: answer it from the event loop it runs, once it is open
        Runnable answerYes = new Runnable() {
            @Override
            public void run() {
                for (Shell open : shell.getDisplay().getShells()) {
                    if (open.isVisible() && "Passes are running".equals(open.getText())) {
                        ui.click(UiDriver.button(open, "Yes"));
                        return;
                    }
                }
                shell.getDisplay().timerExec(50, this);
            }
        };
        shell.getDisplay().timerExec(50, answerYes);
        // what the workbench asks its advisor when the window is closed
        assertTrue(new MailferryWorkbenchAdvisor().preShutdown(), "closes once the pass stopped");

        assertEquals(null, BatchPassJob.running(projectFolder, BATCH), "the pass ended before the workbench closes");
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.STOPPED, project.batch(BATCH).orElseThrow().state(), "stopped, resumable");
        }
    }
}
