package dev.mailferry.mx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of checking one mail domain.
 *
 * @param domain          the mail domain, lower case
 * @param verdict         where the MX change stands
 * @param reason          one sentence for people saying why
 * @param errorType       for {@link Verdict#ERROR}, the first failed lookup's outcome; null otherwise
 * @param authoritative   each authoritative server's answer, asked directly
 * @param resolvers       each recursive resolver's answer
 * @param spf             the SPF finding
 * @param autodiscover    the autodiscover CNAME finding
 * @param verification    the Microsoft domain-verification TXT finding, null when no record was given to look for
 * @param dkim            the DKIM selector CNAME findings (selector1, selector2), empty unless asked for
 * @param checkedAt       when the check ran
 * @param changeFirstSeen when every authoritative server was first seen serving Exchange Online hosts only (kept in
 *                        the cutover state file between checks); null while they do not
 * @param oldTtlSeconds   the old (non-Exchange Online) MX set's TTL as last served by an authoritative server; -1 when
 *                        never seen
 * @param safeAfter       from when the old MX set can have expired from every cache, so the final sync may run; null
 *                        while the authoritative servers do not all serve Exchange Online hosts only
 * @param safeAfterBasis  how {@code safeAfter} was reckoned, for people (empty when it is null)
 * @param notes           what else people should know: a parent zone that could not be asked, a name server without an
 *                        address...
 */
public record DomainCheck(String domain, Verdict verdict, String reason, DnsOutcome errorType, List<MxAnswer> authoritative,
        List<MxAnswer> resolvers, SpfFinding spf, CnameFinding autodiscover, VerificationFinding verification,
        List<CnameFinding> dkim, Instant checkedAt,
        Instant changeFirstSeen, long oldTtlSeconds, Instant safeAfter, String safeAfterBasis, List<String> notes) {

    public DomainCheck {
        authoritative = List.copyOf(authoritative);
        resolvers = List.copyOf(resolvers);
        safeAfterBasis = safeAfterBasis == null ? "" : safeAfterBasis;
        notes = List.copyOf(notes);
        dkim = List.copyOf(dkim);
    }

    /** Every answer, authoritative servers first. */
    public List<MxAnswer> answers() {
        List<MxAnswer> all = new ArrayList<>(authoritative);
        all.addAll(resolvers);
        return all;
    }

    /** Migrated everywhere and the old MX set expired from every cache at {@code now}: the final sync may run. */
    public boolean safeToComplete(Instant now) {
        return verdict == Verdict.MIGRATED && safeAfter != null && !now.isBefore(safeAfter);
    }
}
