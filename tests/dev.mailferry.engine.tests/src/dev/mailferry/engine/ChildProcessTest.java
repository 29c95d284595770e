package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.Office365StandIn;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Migrations in a child JVM: killed with SIGKILL mid-copy and resumed (no duplicates, no gaps), and measured (rate,
 * peak RSS of the whole process).
 */
class ChildProcessTest extends DovecotTestBase {

    /** The jars (or class folders) of every bundle of the test runtime: the child needs engine, connector, libraries. */
    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        // this fragment's own classes (MigrationChild): the fragment shares the host's bundle, not its location
        Path testProject = Path.of(System.getProperty("user.dir"));
        for (String dir : new String[] {"target/classes", "target/test-classes"}) {
            if (Files.isDirectory(testProject.resolve(dir))) {
                entries.add(testProject.resolve(dir).toString());
            }
        }
        java.security.CodeSource own = MigrationChild.class.getProtectionDomain().getCodeSource();
        if (own != null && own.getLocation() != null && "file".equals(own.getLocation().getProtocol())) {
            entries.add(new File(own.getLocation().getPath()).getAbsolutePath());
        }
        for (Bundle b : FrameworkUtil.getBundle(MigrationEngine.class).getBundleContext().getBundles()) {
            String location = b.getLocation();
            if (b.getBundleId() == 0 || location == null) {
                continue;
            }
            // Equinox writes "initial@reference:file:..." for bundles installed from config.ini
            int reference = location.indexOf("reference:");
            if (reference >= 0) {
                location = location.substring(reference + "reference:".length());
            }
            if (!location.startsWith("file:")) {
                continue;
            }
            File file = new File(location.substring("file:".length()));
            if (!file.isAbsolute()) {
                String installArea = System.getProperty("osgi.install.area", "file:" + System.getProperty("user.dir"));
                file = new File(URI.create(installArea).getPath(), file.getPath());
            }
            if (!file.exists()) {
                continue;
            }
            // a bundle installed as a folder with its libraries inside (the Graph SDK's): their jars too
            File[] libraries = new File(file, "lib").listFiles((folder, name) -> name.endsWith(".jar"));
            if (file.isDirectory() && new File(file, "target/classes").isDirectory()) {
                file = new File(file, "target/classes");
            }
            entries.add(file.getAbsolutePath());
            if (libraries != null) {
                for (File library : libraries) {
                    entries.add(library.getAbsolutePath());
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    Process startChild(String batch) throws Exception {
        project.close();
        project = null;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath(), MigrationChild.class.getName(),
                dir.resolve("project").toString(), batch);
        pb.redirectError(dir.resolve("child-stderr.txt").toFile());
        Files.writeString(dir.resolve("child-classpath.txt"), String.join("\n", pb.command()));
        Process child = pb.start();
        try (Writer w = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Secret> e : secrets.secrets.entrySet()) {
                w.write(e.getKey() + "\t" + e.getValue().reveal() + "\n");
            }
            w.write("\n");
        }
        return child;
    }

    @Test
    void killedProcessResumesWithoutDuplicatesOrGaps() throws Exception {
        // 1,600 messages: the INBOX (a third) is large enough to be copied by two lanes side by side
        start(1, CorpusSpec.small(21, 1600));
        project.createBatch("all", List.of(), BatchOptions.defaults());
        MigrationEngine engine = engineService();
        // the second kill comes early in the resumed run: the first run appended more than it reported (outcomes are
        // committed every 200 messages or 0.5 s), and those are recovered as copied without a "copied" line
        for (int killAfter : new int[] {40, 40}) {
            Process child = startChild("all");
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            boolean killed = false;
            String last = "";
            for (String line; (line = out.readLine()) != null;) {
                last = line;
                if (line.equals("copied 1")) {
                    // meanwhile the project is locked against other processes, with a readable reason
                    MigrationException locked = assertThrows(MigrationException.class,
                            () -> MigrationProject.open(dir.resolve("project")).close());
                    assertTrue(locked.getMessage().contains("open in another Mailferry process"), locked.getMessage());
                    // ...but not against reading: the pass is watched from another process as it runs
                    try (MigrationProject reader = MigrationProject.openReadOnly(dir.resolve("project"))) {
                        assertEquals(BatchState.SYNCING, reader.batch("all").orElseThrow().state());
                        assertEquals(MailboxState.SYNCING, reader.status("all").get(0).state());
                    }
                }
                if (line.equals("copied " + killAfter)) {
                    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                    killed = true;
                    break;
                }
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertTrue(killed, "the child copied fewer than " + killAfter + " messages; its last line: " + last + "; "
                    + Files.readString(dir.resolve("child-stderr.txt")));
            // killed: no process runs the pass any more, so the SYNCING it left behind reads INTERRUPTED
            try (MigrationProject reader = MigrationProject.openReadOnly(dir.resolve("project"))) {
                assertEquals(BatchState.INTERRUPTED, reader.batch("all").orElseThrow().state());
                assertEquals(MailboxState.INTERRUPTED, reader.status("all").get(0).state());
            }
            project = MigrationProject.open(dir.resolve("project"));
            assertEquals(BatchState.INTERRUPTED, project.batches().get(0).state());
        }
        BatchRunResult resumed = engine.sync(project, "all", secrets, null);
        assertEquals(MailboxState.SYNCED, resumed.mailboxes().get(0).state(), resumed.toString());
        assertMigrated(demo.users().get(0));
    }

    /** The Office 365 tenant of the kill test, once chosen (the target logins come from it). */
    private TenantUnderTest office365;

    @Override
    String targetUserName(int index, DemoEnvironmentUser u) {
        return office365 != null ? office365.mailbox(index, u) : u.targetUserName();
    }

    /** Runs the batch in a child and kills it with SIGKILL (no shutdown hooks, no finally blocks) after N copies. */
    private void killChildAfter(String batch, int copies) throws Exception {
        Process child = startChild(batch);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        boolean killed = false;
        for (String line; (line = out.readLine()) != null;) {
            if (line.equals("copied " + copies)) {
                child.destroyForcibly();
                killed = true;
                break;
            }
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(killed, "the child did not copy " + copies + " messages: "
                + Files.readString(dir.resolve("child-stderr.txt")));
    }

    /** Into the stand-ins, or the test tenant the MF_O365_* variables name (see {@link TenantUnderTest}). */
    @Test
    void killedProcessResumesIntoOffice365WithoutDuplicatesOrGaps() throws Exception {
        java.util.Optional<TenantUnderTest> named = TenantUnderTest.fromEnvironment();
        Office365StandIn standIn = named.isPresent() ? null : Office365StandIn.builder(dir.resolve("standin")).start();
        try {
            if (named.isPresent()) {
                office365 = named.get();
                start(1, CorpusSpec.small(26, 600));
            } else {
                start(1, CorpusSpec.small(26, 600), servers -> servers.targetExchangeOnline(standIn));
                office365 = TenantUnderTest.standIns(standIn, demo);
            }
            project.setTargetEndpoint(office365.endpoint());
            office365.clientSecret().ifPresent(secret -> secrets.put(SecretKeys.targetEndpoint(project.id()), secret));
            project.createBatch("all", List.of(), office365.batchOptions(sourceTopLevelFolders()));
            MigrationEngine engine = engineService();
            killChildAfter("all", 50); // with appends in flight to Exchange's IMAP
            project = MigrationProject.open(dir.resolve("project"));
            BatchRunResult resumed = engine.sync(project, "all", secrets, null);
            assertEquals(MailboxState.SYNCED, resumed.mailboxes().get(0).state(), resumed.toString());
            // exactly the source's messages: Exchange's folder names aside, every message once
            DemoEnvironmentUser alice = demo.users().get(0);
            List<String> source = new ArrayList<>();
            List<String> target = new ArrayList<>();
            try (ImapProbe s = sourceProbe(alice)) {
                nonEmpty(s.snapshot()).values().forEach(source::addAll);
            }
            office365.readBackMessages(0, alice).values().forEach(target::addAll);
            java.util.Collections.sort(source);
            java.util.Collections.sort(target);
            assertEquals(source, target);
            office365.removeTestFolders(demo.users());
        } finally {
            if (standIn != null) {
                standIn.close();
            }
        }
    }

    @Test
    void killedProcessResumesIntoOffice365GraphOnlyWithoutDuplicatesOrGaps() throws Exception {
        try (Office365StandIn standIn = Office365StandIn.builder(dir.resolve("standin")).start()) {
            start(1, CorpusSpec.small(27, 400), servers -> servers.targetExchangeOnline(standIn));
            project.setTargetEndpoint(Office365GraphOnlyMigrationTest.graphOnly(standIn));
            secrets.put(SecretKeys.targetEndpoint(project.id()), Secret.of(standIn.clientSecret()));
            project.createBatch("all", List.of(), BatchOptions.defaults());
            MigrationEngine engine = engineService();
            killChildAfter("all", 40); // with items being created through Graph
            int createdBeforeTheKill = standIn.graphMessages(demo.users().get(0).targetUserName()).size();
            assertTrue(createdBeforeTheKill >= 40, "items created before the kill: " + createdBeforeTheKill);
            project = MigrationProject.open(dir.resolve("project"));
            BatchRunResult resumed = engine.sync(project, "all", secrets, null);
            assertEquals(MailboxState.SYNCED, resumed.mailboxes().get(0).state(), resumed.toString());
            // exactly the source's messages, each once, found again by the fingerprint each item carries
            DemoEnvironmentUser alice = demo.users().get(0);
            List<String> source;
            try (ImapProbe s = sourceProbe(alice)) {
                source = GraphOnlyComparison.source(s.rawMessages());
            }
            assertEquals(source, GraphOnlyComparison.target(standIn, alice.targetUserName()));
        }
    }

    @Test
    void throughputAndPeakMemoryOfAWholeProcess() throws Exception {
        // -Dtycho.testArgLine=-Dmailferry.bench=benchmark runs the benchmark mailbox (5,000 messages, 414 MB, up to 20 MB)
        boolean benchmark = "benchmark".equals(System.getProperty("mailferry.bench"));
        start(1, benchmark ? CorpusSpec.benchmark(42) : CorpusSpec.small(22, 2000));
        project.createBatch("all", List.of(), BatchOptions.defaults());
        Process child = startChild("all");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String done = null;
        List<String> tail = new ArrayList<>();
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith("done ")) {
                done = line;
            }
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertTrue(done != null, "child did not finish: " + Files.readString(dir.resolve("child-stderr.txt")) + tail);
        System.out.println("THROUGHPUT " + done);
        // kept for people: the rate line and the batch log with its per-folder timestamps
        Path kept = Path.of(System.getProperty("user.dir"), "target");
        Files.writeString(kept.resolve("throughput.txt"), done + "\n");
        try (var logs = Files.list(dir.resolve("project").resolve("logs"))) {
            for (Path log : logs.toList()) {
                Files.copy(log, kept.resolve("throughput-" + log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        project = MigrationProject.open(dir.resolve("project"));
        assertTrue(done.contains("state=SYNCED"), done);
        DemoEnvironmentUser alice = demo.users().get(0);
        assertMigrated(alice);
        long rssKb = Long.parseLong(done.replaceAll(".*rss-kb=(\\d+).*", "$1"));
        assertTrue(rssKb < 512 * 1024, "peak RSS " + rssKb + " KB");
    }
}
