package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.internal.JdbcStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/** Two real Dovecot servers with generated mailboxes, a project between them, and checks read with Jakarta Mail. */
abstract class DovecotTestBase {


    @TempDir
    Path dir;

    DemoEnvironment demo;
    MigrationProject project;
    final MemorySecretStore secrets = new MemorySecretStore();

    @AfterEach
    void tearDown() throws Exception {
        if (project != null) {
            project.close();
            assertTotalsAgreeWithMessages(dir.resolve("project"));
        }
        if (demo != null) {
            demo.close();
        }
    }

    /** The message totals the state database keeps by triggers equal the message map's rows counted one by one. */
    static void assertTotalsAgreeWithMessages(Path projectFolder) throws Exception {
        if (!Files.isRegularFile(projectFolder.resolve(JdbcStateStore.FILE_NAME))) {
            return;
        }
        try (JdbcStateStore store = JdbcStateStore.openReadOnly(projectFolder)) {
            assertEquals(List.of(), store.totalsDisagreeing(), "message totals of " + projectFolder);
        }
    }

    /** The engine service, with the IMAP connector bound by DS. */
    static MigrationEngine engineService() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(MigrationEngine.class).getBundleContext();
        if (context == null) {
            FrameworkUtil.getBundle(MigrationEngine.class).start();
            context = FrameworkUtil.getBundle(MigrationEngine.class).getBundleContext();
        }
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals("dev.mailferry.connector.imap") || b.getSymbolicName().equals("org.apache.felix.scr")
                    || b.getSymbolicName().equals("dev.mailferry.connector.office365")) {
                b.start();
            }
        }
        ServiceTracker<MigrationEngine, MigrationEngine> tracker = new ServiceTracker<>(context, MigrationEngine.class, null);
        tracker.open();
        MigrationEngine engine = tracker.waitForService(20_000);
        if (engine == null) {
            throw new AssertionError("MigrationEngine service not registered");
        }
        for (int i = 0; i < 200 && (engine.sourceConnector("imap").isEmpty() || engine.targetConnector("imap").isEmpty()); i++) {
            Thread.sleep(50);
        }
        assertTrue(engine.sourceConnector("imap").isPresent(), "IMAP source connector bound");
        assertTrue(engine.targetConnector("imap").isPresent(), "IMAP target connector bound");
        engine.setRetryPolicy(2, Duration.ofMillis(200));
        engine.setPipelineHook(null);
        return engine;
    }

    static Endpoint endpoint(DemoEnvironmentServer server) {
        return new Endpoint("imap", Map.of("host", server.host(), "port", Integer.toString(server.imapPort()),
                "security", "none"));
    }

    void start(int users, CorpusSpec corpus) throws Exception {
        start(users, corpus, UnaryOperator.identity());
    }

    /** As {@link #start(int, CorpusSpec)}, with more settings of the servers (a target quota...). */
    void start(int users, CorpusSpec corpus, UnaryOperator<DemoEnvironment.Builder> servers) throws Exception {
        demo = servers.apply(DemoEnvironment.builder(dir.resolve("servers")).users(users).corpus(corpus)).start();
        project = MigrationProject.create(dir.resolve("project"), "Dovecot test");
        project.setSourceEndpoint(endpoint(demo.source()));
        project.setTargetEndpoint(endpoint(demo.target()));
        List<MailboxImport> imports = new ArrayList<>();
        for (int i = 0; i < demo.users().size(); i++) {
            DemoEnvironmentUser u = demo.users().get(i);
            imports.add(new MailboxImport(new MailboxEntry(u.emailAddress(), u.sourceUserName(), null,
                    targetUserName(i, u)), Secret.of(u.sourcePassword()), Secret.of(u.targetPassword())));
        }
        project.putMailboxes(imports, secrets);
    }

    /** The top-level folders of all source mailboxes (for a batch's folder mapping). */
    List<FolderPath> sourceTopLevelFolders() throws Exception {
        java.util.Set<FolderPath> topLevel = new java.util.TreeSet<>();
        for (DemoEnvironmentUser u : demo.users()) {
            try (ImapProbe s = sourceProbe(u)) {
                topLevel.addAll(s.topLevelFolders());
            }
        }
        return List.copyOf(topLevel);
    }

    /** The target login of the {@code index}-th user: the demo target's own unless a test migrates elsewhere. */
    String targetUserName(int index, DemoEnvironmentUser u) {
        return u.targetUserName();
    }

    ImapProbe sourceProbe(DemoEnvironmentUser u) throws Exception {
        return new ImapProbe(demo.source().host(), demo.source().imapPort(), u.sourceUserName(), u.sourcePassword());
    }

    ImapProbe targetProbe(DemoEnvironmentUser u) throws Exception {
        return new ImapProbe(demo.target().host(), demo.target().imapPort(), u.targetUserName(), u.targetPassword());
    }

    static Map<FolderPath, List<String>> nonEmpty(Map<FolderPath, List<String>> snapshot) {
        Map<FolderPath, List<String>> result = new TreeMap<>();
        snapshot.forEach((k, v) -> {
            if (!v.isEmpty()) {
                result.put(k, v);
            }
        });
        return result;
    }

    /** Every source message is on the target in the same folder, byte for byte, with date and flags; nothing more. */
    void assertMigrated(DemoEnvironmentUser u) throws Exception {
        Map<FolderPath, List<String>> source;
        Map<FolderPath, List<String>> target;
        try (ImapProbe s = sourceProbe(u); ImapProbe t = targetProbe(u)) {
            source = nonEmpty(s.snapshot());
            target = nonEmpty(t.snapshot());
        }
        assertFalse(source.isEmpty());
        assertEquals(source.keySet(), target.keySet(), "folders with messages");
        for (FolderPath folder : source.keySet()) {
            assertEquals(source.get(folder), target.get(folder), "messages of " + folder);
        }
    }

}
