package dev.mailferry.mx;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The MX check before a batch's final sync ({@code batch complete} and the workbench's Complete batch): checks the mail
 * domains of the batch's mailboxes and says, per domain, why the final sync is not safe yet. Both faces ask it the
 * same way, so they refuse (or let the user force) in the same cases.
 *
 * @param domains      the mail domains of the batch, sorted; empty when no mailbox has one (nothing to check)
 * @param checks       one per domain, or empty when the check failed as a whole
 * @param checkFailure why the check failed as a whole (e.g. no resolver), or null
 * @param checkedAt    when the checks were judged
 */
public record FinalSyncGate(List<String> domains, List<DomainCheck> checks, String checkFailure, Instant checkedAt) {

    private static final DateTimeFormatter UTC_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    public FinalSyncGate {
        domains = List.copyOf(domains);
        checks = List.copyOf(checks);
    }

    /** Checks the mail domains of {@code emailAddresses} with {@code options} (its clock judges the TTL). */
    public static FinalSyncGate check(Collection<String> emailAddresses, MxCheckOptions options) {
        List<String> domains = domainsOf(emailAddresses);
        if (domains.isEmpty()) {
            return new FinalSyncGate(domains, List.of(), null, options.clock().instant());
        }
        List<DomainCheck> checks;
        String failure = null;
        try {
            checks = new MxChecker(options).check(domains);
        } catch (RuntimeException e) {
            checks = List.of();
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new FinalSyncGate(domains, checks, failure, options.clock().instant());
    }

    /** The distinct mail domains (lower case, sorted) of {@code addresses}; an address without one is left out. */
    public static List<String> domainsOf(Collection<String> addresses) {
        TreeSet<String> domains = new TreeSet<>();
        for (String address : addresses) {
            int at = address.lastIndexOf('@');
            if (at > 0 && at < address.length() - 1) {
                domains.add(address.substring(at + 1).toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(domains);
    }

    /** True when the final sync may go on without asking: no domain to check, or every one is safe to complete. */
    public boolean clear() {
        return domains.isEmpty() || (!checks.isEmpty() && notReady().isEmpty());
    }

    /** The domains not migrated everywhere yet, or whose old MX may still be cached. */
    public List<DomainCheck> notReady() {
        return checks.stream().filter(c -> !c.safeToComplete(checkedAt)).toList();
    }

    /**
     * One sentence per domain that is not ready, e.g. {@code fabrikam.test is not_migrated: no Exchange Online host
     * anywhere}, or {@code ... is migrated but the old MX can still be cached until 2026-12-06 10:41 (in 0:41:12) UTC}.
     */
    public List<String> problems() {
        List<String> lines = new ArrayList<>();
        for (DomainCheck check : notReady()) {
            lines.add(check.domain() + " is " + check.verdict().label()
                    + (check.verdict() == Verdict.MIGRATED ? " but the old MX can still be cached until "
                            + safeAfter(check, checkedAt) + " UTC" : ": " + check.reason()));
        }
        return lines;
    }

    /** {@code 2026-12-06 10:41 (in 0:41:12)}, {@code 2026-12-06 10:41 (passed)}, or {@code -}. */
    public static String safeAfter(DomainCheck check, Instant now) {
        if (check.safeAfter() == null) {
            return "-";
        }
        Duration left = Duration.between(now, check.safeAfter());
        return UTC_MINUTE.format(check.safeAfter()) + (left.isNegative() || left.isZero() ? " (passed)" : " (in " + countdown(left) + ")");
    }

    /** {@code H:MM:SS} of what is left, never negative. */
    public static String countdown(Duration left) {
        long seconds = Math.max(0, left.toSeconds());
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
