package dev.mailferry.app.internal;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.mx.DomainCheck;
import dev.mailferry.mx.FinalSyncGate;
import dev.mailferry.mx.MxChecker;
import dev.mailferry.mx.Verdict;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailferry mx ...}: the MX cutover checker. */
@Command(name = "mx", mixinStandardHelpOptions = true,
        description = { "Check the MX cutover: is each mail domain on Exchange Online everywhere, and since when.",
                "Every authoritative name server is asked directly and every resolver; the old MX set's TTL says from",
                "when the final sync (batch complete) is safe." },
        subcommands = { MxCommand.Check.class, MxCommand.Watch.class })
final class MxCommand {

    /** The domains to check and where their cutover state is kept. */
    record Domains(List<String> names, Path stateFile) {
    }

    /** Domains and state shared by {@code check} and {@code watch}. */
    abstract static class DomainsCommand {

        @Mixin
        ProjectOption project;

        @Mixin
        MxLookupOptions lookup;

        @Parameters(paramLabel = "DOMAIN", arity = "0..*",
                description = "Mail domains to check (default: the domains of the project's mailboxes).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--json", description = "Print JSON instead of the table.")
        boolean json;

        Domains domains() {
            Path folder = project.folder();
            boolean isProject = Files.exists(folder.resolve(MigrationProject.PROJECT_FILE));
            Path stateFile = isProject ? folder.resolve(MxChecker.STATE_FILE_NAME) : null;
            if (!domains.isEmpty()) {
                return new Domains(domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).distinct().toList(), stateFile);
            }
            try (MigrationProject p = project.openForReading()) {
                List<String> names = domainsOf(p.mailboxes().stream().map(MailboxEntry::emailAddress).toList());
                if (names.isEmpty()) {
                    throw new CommandFailure(ExitCodes.CONFIGURATION, p.folder() + " has no mailboxes yet: name the domains"
                            + " (mailferry mx check DOMAIN...) or import mailboxes first (mailferry mailboxes import FILE)");
                }
                return new Domains(names, stateFile);
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }

        List<DomainCheck> checkAll(MxChecker checker, List<String> names) {
            try {
                return checker.check(names);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = { "Check each domain once: a table (or --json) of verdicts (migrated, not_migrated, mixed, error),",
                    "the answers of each server, SPF, autodiscover and the safe-after time.",
                    "Exit codes: 0 all migrated, 1 some not yet, 4 a lookup failed." })
    static final class Check extends DomainsCommand implements Callable<Integer> {

        @Override
        public Integer call() {
            Domains target = domains();
            MxChecker checker = new MxChecker(lookup.toOptions(target.stateFile()));
            List<DomainCheck> checks = checkAll(checker, target.names());
            Instant now = Instant.now();
            if (json) {
                System.out.println(MxReport.json(checks, now));
            } else {
                MxReport.table(System.out, checks, now);
            }
            return MxReport.exitCode(checks);
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = { "Check again and again until every domain points to Exchange Online everywhere and the old MX",
                    "TTL has passed, showing the time left; then say that the batch can be completed.",
                    "Exit codes: 0 safe to complete, 1 --max-checks reached before, 4 the last check had a lookup error." })
    static final class Watch extends DomainsCommand implements Callable<Integer> {

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
                description = "Seconds between checks (default ${DEFAULT-VALUE}).")
        int intervalSeconds;

        @Option(names = "--max-checks", paramLabel = "N", defaultValue = "0",
                description = "Give up after N checks (default: never).")
        int maxChecks;

        @Override
        public Integer call() {
            if (intervalSeconds < 1) {
                throw new CommandFailure(ExitCodes.USAGE, "--interval " + intervalSeconds + " must be at least 1 second");
            }
            Domains target = domains();
            MxChecker checker = new MxChecker(lookup.toOptions(target.stateFile()));
            PrintStream out = System.out;
            for (int round = 1;; round++) {
                List<DomainCheck> checks = checkAll(checker, target.names());
                Instant now = Instant.now();
                if (json) {
                    out.println(MxReport.json(checks, now));
                } else {
                    out.println("Check " + round + " at " + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ":");
                    for (DomainCheck check : checks) {
                        out.println("  " + check.domain() + ": " + check.verdict().label() + ", safe after "
                                + MxReport.safeAfter(check, now) + (check.verdict() == Verdict.MIGRATED ? "" : " - " + check.reason()));
                    }
                }
                if (checks.stream().allMatch(c -> c.safeToComplete(now))) {
                    if (!json) {
                        out.println("Every domain points to Exchange Online on every server and resolver, and the old MX TTL"
                                + " has passed: run the final sync now (mailferry batch complete NAME).");
                    }
                    return ExitCodes.OK;
                }
                if (maxChecks > 0 && round >= maxChecks) {
                    if (!json) {
                        out.println("Not safe yet after " + round + " checks.");
                    }
                    return checks.stream().anyMatch(c -> c.verdict() == Verdict.ERROR) ? ExitCodes.CONNECTION
                            : ExitCodes.PARTIAL;
                }
                Duration wait = nextWait(checks, now);
                if (!json) {
                    out.println("  next check in " + wait.toSeconds() + " s");
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.INTERRUPTED;
                }
            }
        }

        /** The interval, or less when every domain is migrated and only the TTL is left: wake when it runs out. */
        private Duration nextWait(List<DomainCheck> checks, Instant now) {
            Duration interval = Duration.ofSeconds(intervalSeconds);
            if (checks.stream().allMatch(c -> c.verdict() == Verdict.MIGRATED && c.safeAfter() != null)) {
                Instant latest = checks.stream().map(DomainCheck::safeAfter).max(Instant::compareTo).orElse(now);
                Duration untilSafe = Duration.between(now, latest).plusSeconds(1);
                if (untilSafe.compareTo(interval) < 0) {
                    return untilSafe.isNegative() ? Duration.ofSeconds(1) : untilSafe;
                }
            }
            return interval;
        }
    }

    /** The distinct domains of the addresses, sorted. */
    static List<String> domainsOf(Collection<String> addresses) {
        return FinalSyncGate.domainsOf(addresses);
    }

    /**
     * Before {@code batch complete}: checks the batch's mail domains and, when one is not migrated everywhere or its old
     * MX TTL has not passed, says which and why; goes on only with {@code force} or when the user says yes at a terminal.
     *
     * @throws CommandFailure (exit 1) when the user says no, or there is no terminal to ask and no {@code force}
     */
    static void confirmFinalSync(MigrationProject project, List<String> mailboxes, MxLookupOptions lookup, boolean force,
            Clock clock) {
        FinalSyncGate gate = FinalSyncGate.check(mailboxes,
                lookup.toOptions(project.folder().resolve(MxChecker.STATE_FILE_NAME)).withClock(clock));
        if (gate.domains().isEmpty()) {
            return;
        }
        if (gate.checkFailure() != null) {
            System.err.println("mailferry: WARNING: the MX check failed: " + gate.checkFailure());
        }
        if (gate.clear()) {
            System.out.println("MX: " + String.join(", ", gate.domains()) + " point to Exchange Online everywhere and the old TTL"
                    + " has passed.");
            return;
        }
        for (String problem : gate.problems()) {
            System.err.println("mailferry: WARNING: " + problem);
        }
        System.err.println("mailferry: mail sent to these domains may still arrive on the old server after the final sync.");
        if (force) {
            System.err.println("mailferry: completing anyway (--force).");
            return;
        }
        java.io.Console console = System.console();
        if (console != null) {
            String answer = console.readLine("Complete the batch anyway? [y/N] ");
            if (answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
                return;
            }
            throw new CommandFailure(ExitCodes.PARTIAL, "not completed; check again with: mailferry mx watch");
        }
        throw new CommandFailure(ExitCodes.PARTIAL, "not completed: the MX change is not visible everywhere yet (see above);"
                + " wait (mailferry mx watch) or complete anyway with --force");
    }
}
