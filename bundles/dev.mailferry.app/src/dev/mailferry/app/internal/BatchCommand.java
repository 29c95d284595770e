package dev.mailferry.app.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.ByteSizes;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.ReportFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailferry batch ...}: the life cycle of a migration batch. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Create, start (sync), watch, report and complete migration batches.",
        subcommands = { BatchCommand.Create.class, BatchCommand.ListBatches.class, BatchCommand.Start.class,
                BatchCommand.Stop.class, BatchCommand.Status.class, BatchCommand.Report.class,
                BatchCommand.Complete.class, BatchCommand.Remove.class, BatchCommand.SetOptions.class })
final class BatchCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a batch of some or all mailboxes.")
    static final class Create implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "Batch name, unique in the project.")
        String name;

        @Option(names = "--mailbox", paramLabel = "EMAIL", description = "A mailbox of the batch; repeatable (default: all).")
        List<String> mailboxes = new ArrayList<>();

        @Option(names = "--exclude-folder", paramLabel = "FOLDER",
                description = "Source folder not to copy, with its subfolders, written with '/' (e.g. 'Junk', 'Archive/Old'); repeatable.")
        List<String> excluded = new ArrayList<>();

        @Option(names = "--map-folder", paramLabel = "SOURCE=TARGET",
                description = "Copy a source folder (and its subfolders) into another target folder; repeatable.")
        Map<String, String> mapping = new LinkedHashMap<>();

        @Option(names = "--max-message-size", paramLabel = "SIZE", defaultValue = "35MB",
                description = "Skip larger messages (e.g. 35MB, 150MB, bytes; default ${DEFAULT-VALUE}).")
        String maxMessageSize;

        @Option(names = "--max-items", paramLabel = "N", defaultValue = "500000",
                description = "Copy at most N messages per mailbox, newest first (default ${DEFAULT-VALUE}).")
        long maxItems;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
                description = "Mailboxes migrated at once (default ${DEFAULT-VALUE}).")
        int parallel;

        @Option(names = "--mirror-deletions",
                description = "Mirror deletion (off by default): messages copied earlier that are later expunged on the"
                        + " source are deleted on the target by the next pass, by the target ids recorded when they were"
                        + " copied. Nothing else on the target is ever deleted; without this option they stay there.")
        boolean mirrorDeletions;

        @Override
        public Integer call() {
            BatchOptions options;
            atLeastOne("--parallel", parallel);
            atLeastOne("--max-items", maxItems);
            for (String folder : excluded) {
                if (FolderPath.parse(folder, '/').isRoot()) {
                    throw new CommandFailure(ExitCodes.USAGE, "--exclude-folder '" + folder
                            + "' names no folder: it would exclude every folder of every mailbox");
                }
            }
            try {
                Map<FolderPath, FolderPath> folderMapping = new LinkedHashMap<>();
                mapping.forEach((from, to) -> folderMapping.put(FolderPath.parse(from, '/'), FolderPath.parse(to, '/')));
                options = BatchOptions.defaults()
                        .withExcludedFolders(excluded.stream().map(f -> FolderPath.parse(f, '/')).toList())
                        .withFolderMapping(folderMapping).withMaxMessageSize(parseSize(maxMessageSize))
                        .withMaxItemsPerMailbox(maxItems).withMaxParallelMailboxes(parallel)
                        .withMirrorDeletions(mirrorDeletions);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
            }
            try (MigrationProject p = project.open()) {
                BatchInfo batch = p.createBatch(name, mailboxes, options);
                System.out.println("Created batch '" + batch.name() + "' with " + batch.mailboxes().size() + " mailboxes."
                        + (batch.options().mirrorDeletions() ? mirrorDeletionNote() : ""));
                System.out.println("Start it with: mailferry batch start -p " + project.folder() + " " + batch.name());
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    /** Says that a batch deletes on the target, wherever its state is shown. */
    static String mirrorDeletionNote() {
        return " Mirror deletion is on: messages expunged on the source are deleted on the target.";
    }

    /** A count that must be positive, checked before the engine sees it, so the message names the option. */
    static void atLeastOne(String option, long value) {
        if (value < 1) {
            throw new CommandFailure(ExitCodes.USAGE, option + " must be at least 1, not " + value);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the project's batches.")
    static final class ListBatches implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Override
        public Integer call() {
            try (MigrationProject p = project.openForReading()) {
                System.out.printf("%-24s %-20s %9s %6s  %s%n", "Batch", "State", "Mailboxes", "Passes", "Last sync");
                for (BatchInfo b : p.batches()) {
                    System.out.printf("%-24s %-20s %9d %6d  %s%n", b.name(), b.state(), b.mailboxes().size(), b.passes(),
                            b.lastSyncEnd() == null ? "never" : b.lastSyncEnd());
                }
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    /** A sync pass: {@code start} or {@code complete}. */
    abstract static class PassCommand implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "The batch.")
        String name;

        @Option(names = "--quiet", description = "No live progress, only the summary.")
        boolean quiet;

        abstract boolean finalPass();

        /** How long after a pass's start the next one starts, or null for one pass. */
        java.time.Duration every() {
            return null;
        }

        /** The mailboxes of the batch the pass is over, or null for all. */
        List<String> only() {
            return null;
        }

        @Override
        public Integer call() {
            return run(project, name, quiet, finalPass(), every(), only());
        }
    }

    @Command(name = "start", aliases = "sync", mixinStandardHelpOptions = true,
            description = { "Run a pass over the batch: the first copies everything, later ones only what is new,",
                    "and update changed flags. Safe to interrupt (Ctrl-C, kill, crash): the next start resumes." })
    static final class Start extends PassCommand {
        @Option(names = "--every", paramLabel = "DURATION", converter = PassInterval.class,
                description = { "Keep the batch in sync: start a pass every DURATION (24h, 90m, 1h30m, 2d...) until",
                        "stopped (Ctrl-C, SIGTERM, or 'mailferry batch stop NAME' from elsewhere)." })
        java.time.Duration every;

        @Option(names = "--mailbox", paramLabel = "EMAIL", description = { "Run the pass over this mailbox of the batch",
                "only (to start or retry it); repeatable. The others keep their state. Not with --every." })
        List<String> mailboxes;

        @Override
        boolean finalPass() {
            return false;
        }

        @Override
        java.time.Duration every() {
            return every;
        }

        @Override
        List<String> only() {
            if (mailboxes != null && every != null) {
                throw new CommandFailure(ExitCodes.USAGE, "--mailbox and --every do not go together: a batch is kept in"
                        + " sync as a whole");
            }
            return mailboxes;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = { "Take mailboxes out of a batch (not while a pass runs). What was copied stays on the target,",
                    "and the mailbox stays in the project." })
    static final class Remove implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(index = "0", paramLabel = "NAME", description = "The batch.")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "EMAIL", description = "The mailboxes to take out.")
        List<String> emails;

        @Override
        public Integer call() {
            try (MigrationProject p = project.open()) {
                BatchInfo batch = p.removeFromBatch(name, emails);
                System.out.println("Removed " + emails.size() + " mailboxes from batch '" + name + "'; it has "
                        + batch.mailboxes().size() + " now.");
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = { "Change a batch's options for its next passes (not while a pass runs): the options given",
                    "replace the batch's, the others stay as they are." })
    static final class SetOptions implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "The batch.")
        String name;

        @Option(names = "--exclude-folder", paramLabel = "FOLDER",
                description = "Replaces the excluded folders ('/' separated, with subfolders); repeatable.")
        List<String> excluded;

        @Option(names = "--no-excluded-folders", description = "Exclude no folder any more.")
        boolean noExcluded;

        @Option(names = "--map-folder", paramLabel = "SOURCE=TARGET",
                description = "Replaces the folder mapping; repeatable.")
        Map<String, String> mapping;

        @Option(names = "--no-folder-mapping", description = "Map no folder any more (special-use mapping stays).")
        boolean noMapping;

        @Option(names = "--max-message-size", paramLabel = "SIZE", description = "Largest message copied (35MB...).")
        String maxMessageSize;

        @Option(names = "--max-items", paramLabel = "N", description = "Most messages per mailbox, the newest.")
        Long maxItems;

        @Option(names = "--parallel", paramLabel = "N", description = "Mailboxes migrated at once.")
        Integer parallel;

        @Option(names = "--mirror-deletions", negatable = true, description = { "Turn mirror deletion on (or off with",
                "--no-mirror-deletions): see batch create --mirror-deletions." })
        Boolean mirrorDeletions;

        @Override
        public Integer call() {
            try (MigrationProject p = project.open()) {
                BatchInfo batch = p.batch(name).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                        "no batch '" + name + "' in the project"));
                BatchOptions options = batch.options();
                try {
                    if (noExcluded || excluded != null) {
                        List<FolderPath> folders = new ArrayList<>();
                        for (String folder : excluded == null ? List.<String>of() : excluded) {
                            FolderPath path = FolderPath.parse(folder, '/');
                            if (path.isRoot()) {
                                throw new IllegalArgumentException("--exclude-folder '" + folder
                                        + "' names no folder: it would exclude every folder of every mailbox");
                            }
                            folders.add(path);
                        }
                        options = options.withExcludedFolders(folders);
                    }
                    if (noMapping || mapping != null) {
                        Map<FolderPath, FolderPath> folderMapping = new LinkedHashMap<>();
                        (mapping == null ? Map.<String, String>of() : mapping).forEach(
                                (from, to) -> folderMapping.put(FolderPath.parse(from, '/'), FolderPath.parse(to, '/')));
                        options = options.withFolderMapping(folderMapping);
                    }
                    if (maxMessageSize != null) {
                        options = options.withMaxMessageSize(parseSize(maxMessageSize));
                    }
                    if (maxItems != null) {
                        atLeastOne("--max-items", maxItems);
                        options = options.withMaxItemsPerMailbox(maxItems);
                    }
                    if (parallel != null) {
                        atLeastOne("--parallel", parallel);
                        options = options.withMaxParallelMailboxes(parallel);
                    }
                    if (mirrorDeletions != null) {
                        options = options.withMirrorDeletions(mirrorDeletions);
                    }
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
                }
                p.setBatchOptions(name, options);
                System.out.println("Batch '" + name + "' now: " + describe(options));
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    /** A batch's options in one line, as people write them. */
    static String describe(BatchOptions o) {
        return "excluded folders " + (o.excludedFolders().isEmpty() ? "none" : o.excludedFolders()) + ", folder mapping "
                + (o.folderMapping().isEmpty() ? "none" : o.folderMapping()) + ", largest message " + o.maxMessageSize()
                + " bytes, at most " + o.maxItemsPerMailbox() + " messages per mailbox, " + o.maxParallelMailboxes()
                + " mailboxes at once, mirror deletion " + (o.mirrorDeletions() ? "on" : "off");
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = { "Stop the pass running over the batch in another process (or a batch kept in sync with",
                    "--every) at its next safe point, as Ctrl-C there would, and wait until it has." })
    static final class Stop implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "The batch.")
        String name;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
                description = "How long to wait for the pass to stop (default ${DEFAULT-VALUE}); 0: do not wait.")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            try (MigrationProject p = project.openForReading()) {
                p.batch(name).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                        "no batch '" + name + "' in the project"));
                if (!p.requestStop(name)) {
                    System.out.println("No pass is running over batch '" + name + "'.");
                    return ExitCodes.OK;
                }
                System.out.println("Asked the pass over batch '" + name + "' to stop.");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, waitSeconds));
                while (p.passMayRun(name)) {
                    if (System.nanoTime() >= deadline) {
                        System.out.println("It is still stopping; it stops at its next safe point.");
                        return ExitCodes.PARTIAL;
                    }
                    Thread.sleep(200);
                }
                BatchInfo batch = p.batch(name).orElseThrow();
                System.out.println("Batch '" + name + "' stopped: " + batch.state() + ".");
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true,
            description = { "Run the final incremental pass (after the MX change), then stop syncing the batch.",
                    "First checks the MX records of the batch's mail domains (as mailferry mx check): when one is not",
                    "migrated everywhere or its old MX TTL has not passed, asks (or, without a terminal, needs --force)." })
    static final class Complete extends PassCommand {

        @Option(names = "--force", description = "Complete even when the MX check says the change is not visible everywhere yet.")
        boolean force;

        @Mixin
        MxLookupOptions mxLookup;

        @Override
        boolean finalPass() {
            return true;
        }

        @Override
        public Integer call() {
            List<String> mailboxes;
            try (MigrationProject p = project.openForReading()) {
                BatchInfo batch = p.batch(name).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                        "no batch '" + name + "' in the project"));
                mailboxes = batch.mailboxes();
                MxCommand.confirmFinalSync(p, mailboxes, mxLookup, force, java.time.Clock.systemUTC());
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
            return super.call();
        }
    }

    /**
     * How long Ctrl-C (or a plain kill) waits for the pass to stop and record where it stands. Longer only when a
     * message is on its way; a pass that is not done by then is shown INTERRUPTED, and resumes all the same.
     */
    static final long STOP_WAIT_MILLIS = 8_000;

    /** The shutdown hook of the pass running now, if any: for tests, which cannot press Ctrl-C. */
    static volatile Thread runningStopHook;

    static int run(ProjectOption project, String name, boolean quiet, boolean complete, java.time.Duration every) {
        return run(project, name, quiet, complete, every, null);
    }

    /** As {@link #run(ProjectOption, String, boolean, boolean, java.time.Duration)}, over {@code only} these mailboxes. */
    static int run(ProjectOption project, String name, boolean quiet, boolean complete, java.time.Duration every,
            List<String> only) {
        CountDownLatch recorded = new CountDownLatch(1);
        try (MigrationProject p = project.open()) {
            ProgressPrinter progress = new ProgressPrinter(System.out, quiet);
            AtomicBoolean stop = new AtomicBoolean();
            // the JVM ends once the hooks have run: this one waits until the engine has recorded the stop
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    recorded.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mailferry-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            runningStopHook = hook;
            BatchRunResult result;
            try {
                var engine = EndpointCommand.services().engine();
                var secrets = EndpointCommand.services().secrets();
                result = complete ? engine.complete(p, name, secrets, progress)
                        : every != null ? engine.keepInSync(p, name, secrets, progress, stop::get, every)
                        : only != null ? engine.sync(p, name, only, secrets, progress, stop::get, mailbox -> false)
                        : engine.sync(p, name, secrets, progress, stop::get);
            } finally {
                runningStopHook = null;
                progress.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already stopping: the hook has run
                }
            }
            printStatus(p.status(name));
            System.out.println("Batch '" + name + "' is " + result.state() + " after " + ProgressPrinter.duration(result.duration())
                    + ". Log: " + result.log());
            ReportFiles report = p.writeReport(name);
            System.out.println("Report: " + report.summary() + " and " + report.details());
            if (stop.get() || (only == null && result.state() == BatchState.STOPPED)) {
                return ExitCodes.INTERRUPTED;
            }
            if (only != null) {
                // the batch stays STOPPED while other mailboxes wait: the exit code is that of the mailboxes run
                boolean allSynced = result.mailboxes().stream().filter(m -> only.contains(m.emailAddress()))
                        .allMatch(m -> m.state() == MailboxState.SYNCED);
                return result.unreachable() != null ? ExitCodes.CONNECTION : allSynced ? ExitCodes.OK : ExitCodes.PARTIAL;
            }
            if (result.unreachable() != null) {
                System.err.println(result.unreachable());
                return ExitCodes.CONNECTION;
            }
            return result.state() == BatchState.SYNCED || result.state() == BatchState.COMPLETED ? ExitCodes.OK
                    : ExitCodes.PARTIAL;
        } catch (MigrationException e) {
            throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
        } finally {
            recorded.countDown();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Per-mailbox (and per-folder) status of a batch.")
    static final class Status implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "The batch.")
        String name;

        @Option(names = "--folders", description = "Also list every folder of every mailbox.")
        boolean folders;

        @Override
        public Integer call() {
            try (MigrationProject p = project.openForReading()) {
                BatchInfo batch = p.batch(name).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                        "no batch '" + name + "' in the project"));
                System.out.println("Batch '" + batch.name() + "': " + batch.state() + ", " + batch.passes() + " passes, last sync "
                        + (batch.lastSyncEnd() == null ? "never" : batch.lastSyncEnd())
                        + p.nextPass(name).map(next -> ", next pass " + next.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                                .orElse("")
                        + (batch.options().mirrorDeletions() ? "." + mirrorDeletionNote() : ""));
                List<MailboxStatus> status = p.status(name);
                printStatus(status);
                if (folders) {
                    for (MailboxStatus m : status) {
                        System.out.println();
                        System.out.println(m.emailAddress() + ":");
                        System.out.printf("  %-36s %-36s %8s %8s %7s %10s%n", "Source folder", "Target folder", "Copied", "Skipped", "Failed", "MB");
                        for (FolderStatus f : p.folderStatus(m.emailAddress())) {
                            System.out.printf("  %-36s %-36s %8d %8d %7d %10.1f%s%n", f.source(), f.target() == null ? "" : f.target(),
                                    f.copied(), f.skipped(), f.failed(), f.bytes() / 1e6, f.note() == null ? "" : "  " + f.note());
                        }
                    }
                }
                return status.stream().anyMatch(m -> m.lastError() != null) ? ExitCodes.PARTIAL : ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Write the batch report: a summary CSV per mailbox and folder, and a CSV of every skipped or failed message.")
    static final class Report implements Callable<Integer> {

        @Mixin
        ProjectOption project;

        @Parameters(paramLabel = "NAME", description = "The batch.")
        String name;

        @Override
        public Integer call() {
            try (MigrationProject p = project.openForReading()) {
                ReportFiles files = p.writeReport(name);
                System.out.println(files.summary());
                System.out.println(files.details());
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    static void printStatus(List<MailboxStatus> status) {
        System.out.printf("%-36s %-18s %9s %8s %7s %10s %9s  %s%n", "Mailbox", "State", "Copied", "Skipped", "Failed", "MB",
                "Duration", "Last error");
        for (MailboxStatus m : status) {
            System.out.printf("%-36s %-18s %9d %8d %7d %10.1f %9s  %s%n", m.emailAddress(), m.state(), m.copied(), m.skipped(),
                    m.failed(), m.bytes() / 1e6, ProgressPrinter.duration(m.lastPassDuration()),
                    m.lastError() == null ? "" : m.lastError());
        }
    }

    /** Parses a size as {@link ByteSizes#parse} does, naming the option in the error. */
    static long parseSize(String text) {
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--max-message-size: " + e.getMessage(), e);
        }
    }
}
