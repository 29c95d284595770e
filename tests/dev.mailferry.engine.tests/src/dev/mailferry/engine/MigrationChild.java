package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.TargetConnector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one batch pass in a separate JVM, outside OSGi, with the engine and connectors built by their plain
 * constructors: lets a test kill the whole process hard (SIGKILL) in the middle of a copy, and measure the peak memory
 * (VmHWM) of a whole process. Secrets arrive on standard input ("key TAB value" lines), never on the command line.
 * Prints "copied N" after each recorded message and "done ... rss-kb=..." at the end.
 */
public final class MigrationChild {

    static final String SOURCE_CONNECTOR = "dev.mailferry.connector.imap.internal.ImapSourceConnector";
    static final String TARGET_CONNECTOR = "dev.mailferry.connector.imap.internal.ImapTargetConnector";
    static final String OFFICE365_CONNECTOR = "dev.mailferry.connector.office365.internal.Office365TargetConnector";

    private MigrationChild() {
    }

    public static void main(String[] args) throws Exception {
        Path projectDir = Path.of(args[0]);
        String batch = args[1];
        MemorySecretStore secrets = new MemorySecretStore();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.isEmpty();) {
            int tab = line.indexOf('\t');
            secrets.put(line.substring(0, tab), Secret.of(line.substring(tab + 1)));
        }
        SourceConnector source = (SourceConnector) Class.forName(SOURCE_CONNECTOR).getConstructor().newInstance();
        TargetConnector imap = (TargetConnector) Class.forName(TARGET_CONNECTOR).getConstructor().newInstance();
        TargetConnector office365 = (TargetConnector) Class.forName(OFFICE365_CONNECTOR).getConstructor().newInstance();
        // what Declarative Services does in OSGi: the Office 365 target writes through the IMAP target
        java.lang.reflect.Field reference = office365.getClass().getDeclaredField("imap");
        reference.setAccessible(true);
        reference.set(office365, imap);
        MigrationEngine engine = new MigrationEngine(List.of(source), List.of(imap, office365));
        AtomicLong copied = new AtomicLong();
        long start = System.nanoTime();
        try (MigrationProject project = MigrationProject.open(projectDir)) {
            BatchRunResult result = engine.sync(project, batch, secrets, new MigrationListener() {
                @Override
                public void messageCopied(String email, FolderPath folder, MessageInfo message) {
                    System.out.println("copied " + copied.incrementAndGet());
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            long bytes = result.mailboxes().stream().mapToLong(MailboxStatus::bytes).sum();
            System.out.println("done state=" + result.state() + " messages=" + copied.get() + " seconds="
                    + String.format(java.util.Locale.ROOT, "%.2f", seconds) + " bytes=" + bytes + " rss-kb=" + peakRssKb() + " cpu-ms=" + cpuMillis());
        }
        System.out.flush();
        System.exit(0);
    }

    /** User plus system CPU time of this process so far (Linux, 100 ticks per second). */
    static long cpuMillis() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** Peak resident set size of this process (Linux). */
    static long peakRssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
