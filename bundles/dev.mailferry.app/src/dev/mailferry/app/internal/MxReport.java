package dev.mailferry.app.internal;

import dev.mailferry.mx.CnameFinding;
import dev.mailferry.mx.DomainCheck;
import dev.mailferry.mx.FinalSyncGate;
import dev.mailferry.mx.MxAnswer;
import dev.mailferry.mx.MxHost;
import dev.mailferry.mx.Verdict;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Prints MX cutover checks for people (a table and the answers) or as JSON, and turns them into an exit code. */
final class MxReport {

    private static final DateTimeFormatter UTC_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private MxReport() {
    }

    /** 4 when a lookup failed, else 1 when a domain is not migrated everywhere, else 0. */
    static int exitCode(List<DomainCheck> checks) {
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.ERROR)) {
            return ExitCodes.CONNECTION;
        }
        return checks.stream().allMatch(c -> c.verdict() == Verdict.MIGRATED) ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    static void table(PrintStream out, List<DomainCheck> checks, Instant now) {
        int width = Math.max(6, checks.stream().mapToInt(c -> c.domain().length()).max().orElse(6));
        String row = "%-" + width + "s  %-12s  %-30s  %s%n";
        out.printf(row, "DOMAIN", "VERDICT", "SAFE AFTER (UTC)", "REASON");
        for (DomainCheck check : checks) {
            out.printf(row, check.domain(), check.verdict().label(), safeAfter(check, now), check.reason());
        }
        for (DomainCheck check : checks) {
            out.println();
            out.println(check.domain() + ":");
            for (MxAnswer answer : check.answers()) {
                String who = answer.role() == MxAnswer.Role.RESOLVER ? "resolver " + answer.address()
                        : answer.who() + " [" + String.join(", ", answer.listedBy()) + "]";
                out.println("  " + who + ": " + answer.describe()
                        + (answer.ttlSeconds() >= 0 ? " (TTL " + answer.ttlSeconds() + " s)" : "")
                        + (answer.dnssecValidated() ? " DNSSEC validated" : ""));
            }
            out.println("  SPF: " + check.spf().status().label() + (check.spf().detail().isEmpty() ? "" : " (" + check.spf().detail() + ")")
                    + (check.spf().records().isEmpty() ? "" : ": " + String.join(" | ", check.spf().records())));
            out.println("  autodiscover: " + cname(check.autodiscover()));
            if (check.verification() != null) {
                out.println("  verification TXT " + check.verification().expected() + ": " + check.verification().status().label()
                        + (check.verification().detail().isEmpty() ? "" : " (" + check.verification().detail() + ")"));
            }
            check.dkim().forEach(selector -> out.println("  DKIM " + selector.name() + ": " + cname(selector)));
            if (check.safeAfter() != null) {
                out.println("  safe after: " + UTC_MINUTE.format(check.safeAfter()) + " UTC (" + check.safeAfterBasis() + ")");
            }
            check.notes().forEach(note -> out.println("  note: " + note));
        }
    }

    private static String cname(CnameFinding finding) {
        return finding.status().label() + (finding.target().isEmpty() ? "" : " -> " + finding.target())
                + (finding.detail().isEmpty() ? "" : " (" + finding.detail() + ")");
    }

    /** {@code 2026-12-06 10:41 (in 0:41:12)}, {@code 2026-12-06 10:41 (passed)}, or {@code -}. */
    static String safeAfter(DomainCheck check, Instant now) {
        return FinalSyncGate.safeAfter(check, now);
    }

    static String json(List<DomainCheck> checks, Instant now) {
        StringBuilder json = new StringBuilder("{\"checked_at\":").append(string(now.toString())).append(",\"domains\":[");
        for (int i = 0; i < checks.size(); i++) {
            DomainCheck check = checks.get(i);
            json.append(i == 0 ? "" : ",").append("{\"domain\":").append(string(check.domain()))
                    .append(",\"verdict\":").append(string(check.verdict().label()))
                    .append(",\"reason\":").append(string(check.reason()))
                    .append(",\"error_type\":").append(check.errorType() == null ? "null" : string(check.errorType().label()))
                    .append(",\"authoritative\":").append(answers(check.authoritative()))
                    .append(",\"resolvers\":").append(answers(check.resolvers()))
                    .append(",\"spf\":{\"status\":").append(string(check.spf().status().label()))
                    .append(",\"records\":").append(strings(check.spf().records()))
                    .append(",\"detail\":").append(string(check.spf().detail())).append('}')
                    .append(",\"autodiscover\":").append(cnameJson(check.autodiscover()))
                    .append(",\"verification\":").append(check.verification() == null ? "null"
                            : "{\"expected\":" + string(check.verification().expected()) + ",\"status\":"
                                    + string(check.verification().status().label()) + ",\"detail\":"
                                    + string(check.verification().detail()) + "}")
                    .append(",\"dkim\":[").append(String.join(",", check.dkim().stream().map(MxReport::cnameJson).toList()))
                    .append(']')
                    .append(",\"change_first_seen\":").append(instant(check.changeFirstSeen()))
                    .append(",\"old_mx_ttl\":").append(check.oldTtlSeconds() < 0 ? "null" : Long.toString(check.oldTtlSeconds()))
                    .append(",\"safe_after\":").append(instant(check.safeAfter()))
                    .append(",\"safe_after_basis\":").append(string(check.safeAfterBasis()))
                    .append(",\"safe_now\":").append(check.safeToComplete(now))
                    .append(",\"notes\":").append(strings(check.notes())).append('}');
        }
        return json.append("]}").toString();
    }

    private static String answers(List<MxAnswer> answers) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < answers.size(); i++) {
            MxAnswer answer = answers.get(i);
            json.append(i == 0 ? "" : ",").append("{\"server\":").append(string(answer.server()))
                    .append(",\"address\":").append(string(answer.address()))
                    .append(",\"listed_by\":").append(strings(answer.listedBy()))
                    .append(",\"outcome\":").append(string(answer.outcome().label()))
                    .append(",\"hosts\":[");
            List<MxHost> hosts = answer.hosts();
            for (int h = 0; h < hosts.size(); h++) {
                json.append(h == 0 ? "" : ",").append("{\"priority\":").append(hosts.get(h).priority())
                        .append(",\"host\":").append(string(hosts.get(h).host()))
                        .append(",\"exchange_online\":").append(hosts.get(h).exchangeOnline()).append('}');
            }
            json.append("],\"ttl\":").append(answer.ttlSeconds() < 0 ? "null" : Long.toString(answer.ttlSeconds()))
                    .append(",\"detail\":").append(string(answer.detail()))
                    .append(",\"dnssec_validated\":").append(answer.dnssecValidated()).append('}');
        }
        return json.append(']').toString();
    }

    private static String cnameJson(CnameFinding finding) {
        return "{\"name\":" + string(finding.name()) + ",\"status\":" + string(finding.status().label()) + ",\"target\":"
                + string(finding.target()) + ",\"detail\":" + string(finding.detail()) + "}";
    }

    private static String instant(Instant instant) {
        return instant == null ? "null" : string(instant.toString());
    }

    private static String strings(List<String> values) {
        return "[" + String.join(",", values.stream().map(MxReport::string).toList()) + "]";
    }

    /** A JSON string literal (RFC 8259: quote, backslash and control characters escaped). */
    static String string(String value) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
            case '"' -> json.append("\\\"");
            case '\\' -> json.append("\\\\");
            case '\n' -> json.append("\\n");
            case '\r' -> json.append("\\r");
            case '\t' -> json.append("\\t");
            default -> {
                if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            }
        }
        return json.append('"').toString();
    }
}
