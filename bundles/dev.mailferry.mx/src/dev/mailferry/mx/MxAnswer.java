package dev.mailferry.mx;

import java.util.List;

/**
 * What one server said about a domain's MX records.
 *
 * @param server     the server's name (an authoritative server's NS name; a resolver's address)
 * @param address    the address and port asked, e.g. {@code 192.0.2.53:53}
 * @param role       authoritative (asked directly, without recursion) or a recursive resolver
 * @param listedBy   for an authoritative server: who names it: {@code parent} (the delegation), {@code zone} (the
 *                   zone's own NS records), or both, sorted; empty for resolvers
 * @param outcome    how it answered
 * @param hosts      the MX set, sorted by priority then name; empty unless {@link DnsOutcome#ANSWER}
 * @param ttlSeconds the TTL of the MX set: the full TTL from an authoritative server, what is left of it in a
 *                   resolver's cache; -1 without records
 * @param detail     for a failed lookup, what happened (never empty then); otherwise empty
 * @param dnssecValidated whether a resolver vouched for the answer with the AD flag (it validated the DNSSEC chain);
 *                   always false for authoritative servers, which do not validate
 */
public record MxAnswer(String server, String address, Role role, List<String> listedBy, DnsOutcome outcome,
        List<MxHost> hosts, long ttlSeconds, String detail, boolean dnssecValidated) {

    /** Who was asked. */
    public enum Role {
        AUTHORITATIVE, RESOLVER
    }

    public MxAnswer {
        listedBy = listedBy.stream().sorted().toList();
        hosts = hosts.stream().sorted().toList();
        detail = detail == null ? "" : detail;
    }

    /** Whether the set holds at least one host and only Exchange Online hosts. */
    public boolean exchangeOnlineOnly() {
        return !hosts.isEmpty() && hosts.stream().allMatch(MxHost::exchangeOnline);
    }

    /** Whether the set holds at least one host that is not Exchange Online's. */
    public boolean hasOtherHosts() {
        return hosts.stream().anyMatch(h -> !h.exchangeOnline());
    }

    /** {@code server (address)}, for messages. */
    public String who() {
        return server.equals(address) ? server : server + " (" + address + ")";
    }

    /** The set as people read it: {@code 0 contoso-com.mail.protection.outlook.com, 10 mx.old.example}, or the outcome. */
    public String describe() {
        if (outcome == DnsOutcome.ANSWER) {
            return String.join(", ", hosts.stream().map(MxHost::toString).toList());
        }
        return outcome == DnsOutcome.NO_RECORDS ? "no MX record" : outcome.label() + (detail.isEmpty() ? "" : ": " + detail);
    }
}
