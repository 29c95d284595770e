package dev.mailferry.mx;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Checks mail domains for the MX cutover: asks every authoritative name server of the domain directly (those the parent
 * zone delegates to and those the zone lists) and every recursive resolver for the MX set, reads SPF and the
 * autodiscover CNAME, and reckons from when the old MX set can have expired from every cache. Does network I/O; one
 * instance may check domains one after another (not thread-safe: it updates the state file).
 */
public final class MxChecker {

    /** The cutover state file's name in a project folder. */
    public static final String STATE_FILE_NAME = CutoverState.FILE_NAME;

    private final MxCheckOptions options;
    private final DnsAsker asker;
    /** The cutover state of this checker's checks when there is no state file. */
    private final CutoverState memory = CutoverState.load(null);

    public MxChecker(MxCheckOptions options) {
        this.options = options;
        this.asker = new DnsAsker(options.timeout());
    }

    /** The resolvers that will be asked: the ones given, else the system's. */
    public List<InetSocketAddress> resolvers() {
        if (!options.resolvers().isEmpty()) {
            return options.resolvers();
        }
        return ResolverConfig.getCurrentConfig().servers();
    }

    /**
     * Checks one domain.
     *
     * @throws IllegalArgumentException when {@code domain} is not a domain name
     * @throws IllegalStateException    when there is no resolver to ask, or the state file cannot be read or written
     */
    public DomainCheck check(String domain) {
        String domainName = normalize(domain);
        Name name = toName(domainName);
        List<InetSocketAddress> resolverAddresses = resolvers();
        if (resolverAddresses.isEmpty()) {
            throw new IllegalStateException("no recursive resolver to ask: none configured on this system and none given"
                    + " (--resolver HOST[:PORT])");
        }
        Instant now = options.clock().instant();
        List<String> notes = new ArrayList<>();

        List<MxAnswer> resolverAnswers = new ArrayList<>();
        for (InetSocketAddress resolver : resolverAddresses) {
            String address = DnsAsker.address(resolver);
            resolverAnswers.add(mxAnswer(address, address, MxAnswer.Role.RESOLVER, List.of(),
                    asker.ask(resolver, name, Type.MX, false)));
        }

        List<MxAnswer> authoritative = new ArrayList<>();
        for (NameServer server : nameServers(name, resolverAddresses, notes)) {
            if (server.addresses.isEmpty()) {
                authoritative.add(new MxAnswer(server.name, "-", MxAnswer.Role.AUTHORITATIVE, List.copyOf(server.listedBy),
                        server.problem, List.of(), -1, server.addressProblem, false));
                continue;
            }
            for (InetAddress address : server.addresses) {
                InetSocketAddress socket = new InetSocketAddress(address, options.nameServerPort());
                authoritative.add(mxAnswer(server.name, DnsAsker.address(socket), MxAnswer.Role.AUTHORITATIVE,
                        List.copyOf(server.listedBy), asker.ask(socket, name, Type.MX, true)));
            }
        }

        DnsAsker.Reply txt = askResolvers(resolverAddresses, name, Type.TXT);
        SpfFinding spf = spf(txt);
        VerificationFinding verification = options.verificationRecords().containsKey(domainName)
                ? verification(txt, options.verificationRecords().get(domainName)) : null;
        CnameFinding autodiscover = cname("autodiscover." + domainName, resolverAddresses,
                target -> target.equals(CnameFinding.AUTODISCOVER_TARGET));
        List<CnameFinding> dkim = options.dkim()
                ? List.of(cname("selector1._domainkey." + domainName, resolverAddresses, CnameFinding::isExchangeOnlineDkim),
                        cname("selector2._domainkey." + domainName, resolverAddresses, CnameFinding::isExchangeOnlineDkim))
                : List.of();
        return decide(domainName, now, authoritative, resolverAnswers, new Findings(spf, autodiscover, verification, dkim), notes);
    }

    /** Checks each domain in turn. */
    public List<DomainCheck> check(List<String> domains) {
        return domains.stream().map(this::check).toList();
    }

    // ------------------------------------------------------------------------------------------- verdict and timing

    /** What the check found besides the MX sets. */
    private record Findings(SpfFinding spf, CnameFinding autodiscover, VerificationFinding verification,
            List<CnameFinding> dkim) {
    }

    private DomainCheck decide(String domain, Instant now, List<MxAnswer> authoritative, List<MxAnswer> resolverAnswers,
            Findings findings, List<String> notes) {
        List<MxAnswer> all = new ArrayList<>(authoritative);
        all.addAll(resolverAnswers);

        // the state is updated from whatever the authoritative servers said, even when another server failed
        // read anew each time: an "mx watch" in another terminal may have updated the file
        CutoverState state = options.stateFile() == null ? memory : CutoverState.load(options.stateFile());
        long oldTtl = state.oldTtl(domain);
        for (MxAnswer answer : authoritative) {
            if (answer.outcome() == DnsOutcome.ANSWER && answer.hasOtherHosts()) {
                oldTtl = Math.max(oldTtl, answer.ttlSeconds());
            }
        }
        if (oldTtl >= 0) {
            state.setOldTtl(domain, oldTtl);
        }
        boolean authoritativeMigrated = !authoritative.isEmpty()
                && authoritative.stream().allMatch(MxAnswer::exchangeOnlineOnly);
        Instant firstSeen = state.firstSeen(domain);
        if (authoritativeMigrated && firstSeen == null) {
            firstSeen = now;
        } else if (!authoritativeMigrated && authoritative.stream().anyMatch(a -> a.outcome() == DnsOutcome.ANSWER
                || a.outcome() == DnsOutcome.NO_RECORDS)) {
            firstSeen = null; // the change is not (or no longer) served everywhere: it counts from when it is
        }
        state.setFirstSeen(domain, firstSeen);
        state.save();

        Instant safeAfter = null;
        String basis = "";
        if (authoritativeMigrated && firstSeen != null) {
            if (oldTtl >= 0) {
                safeAfter = firstSeen.plusSeconds(oldTtl);
                basis = "change first seen " + firstSeen.truncatedTo(ChronoUnit.SECONDS) + " + old MX TTL " + oldTtl + " s";
            } else {
                long assumed = authoritative.stream().mapToLong(MxAnswer::ttlSeconds).max().orElse(0);
                safeAfter = firstSeen.plusSeconds(assumed);
                basis = "change first seen " + firstSeen.truncatedTo(ChronoUnit.SECONDS) + " + " + assumed + " s: the old MX set was never seen by this"
                        + " checker, its TTL is assumed equal to the new set's";
            }
            for (MxAnswer answer : resolverAnswers) {
                if (answer.outcome() == DnsOutcome.ANSWER && answer.hasOtherHosts()) {
                    Instant cachedUntil = now.plusSeconds(answer.ttlSeconds());
                    if (cachedUntil.isAfter(safeAfter)) {
                        safeAfter = cachedUntil;
                        basis = "resolver " + answer.who() + " caches the old MX set for " + answer.ttlSeconds() + " s more";
                    }
                }
            }
        }

        MxAnswer firstError = all.stream().filter(a -> a.outcome().isError()).findFirst().orElse(null);
        Verdict verdict;
        String reason;
        DnsOutcome errorType = null;
        if (firstError != null) {
            verdict = Verdict.ERROR;
            errorType = firstError.outcome();
            List<String> failures = all.stream().filter(a -> a.outcome().isError())
                    .map(a -> (a.role() == MxAnswer.Role.RESOLVER ? "resolver " : "name server ") + a.who() + ": "
                            + a.outcome().label() + (a.detail().isEmpty() ? "" : " (" + a.detail() + ")"))
                    .toList();
            reason = String.join("; ", failures);
        } else if (authoritative.isEmpty()) {
            verdict = Verdict.ERROR;
            errorType = DnsOutcome.UNREACHABLE;
            reason = "no authoritative name server found for " + domain;
        } else {
            boolean anyExchange = all.stream().anyMatch(a -> a.hosts().stream().anyMatch(MxHost::exchangeOnline));
            Set<List<MxHost>> sets = new LinkedHashSet<>();
            all.forEach(a -> sets.add(a.hosts()));
            if (!anyExchange) {
                verdict = sets.size() > 1 ? Verdict.MIXED : Verdict.NOT_MIGRATED;
                reason = sets.size() > 1 ? "no Exchange Online host anywhere, and the servers disagree: " + disagreement(all)
                        : all.get(0).hosts().isEmpty() ? "no MX record anywhere"
                        : "no Exchange Online host anywhere: MX " + all.get(0).describe();
            } else if (sets.size() > 1) {
                verdict = Verdict.MIXED;
                List<MxAnswer> staleResolvers = resolverAnswers.stream()
                        .filter(r -> !r.hosts().equals(authoritative.get(0).hosts())).toList();
                boolean authoritativeAgree = authoritative.stream().map(MxAnswer::hosts).distinct().count() == 1;
                if (authoritativeAgree && authoritativeMigrated && !staleResolvers.isEmpty()) {
                    reason = "the authoritative servers serve Exchange Online only, but " + String.join(", ",
                            staleResolvers.stream().map(r -> "resolver " + r.who() + " still returns " + r.describe()
                                    + " (TTL left " + r.ttlSeconds() + " s)").toList());
                } else {
                    reason = "the servers disagree: " + disagreement(all);
                }
            } else if (all.get(0).hasOtherHosts()) {
                verdict = Verdict.MIXED;
                reason = "Exchange Online and other hosts in one MX set: " + all.get(0).describe();
            } else {
                verdict = Verdict.MIGRATED;
                reason = "every authoritative server and resolver returns Exchange Online only: " + all.get(0).describe();
            }
        }
        return new DomainCheck(domain, verdict, reason, errorType, authoritative, resolverAnswers, findings.spf(),
                findings.autodiscover(), findings.verification(), findings.dkim(), now, firstSeen, oldTtl, safeAfter, basis,
                notes);
    }

    /** {@code ns1 (addr): 10 a; ns2 (addr): 0 b}: one entry per distinct set, naming who returns it. */
    private static String disagreement(List<MxAnswer> answers) {
        Map<List<MxHost>, List<String>> bySet = new LinkedHashMap<>();
        for (MxAnswer answer : answers) {
            bySet.computeIfAbsent(answer.hosts(), k -> new ArrayList<>())
                    .add((answer.role() == MxAnswer.Role.RESOLVER ? "resolver " : "") + answer.who());
        }
        List<String> parts = new ArrayList<>();
        bySet.forEach((set, who) -> parts.add(String.join(", ", who) + ": "
                + (set.isEmpty() ? "no MX record" : String.join(", ", set.stream().map(MxHost::toString).toList()))));
        return String.join("; ", parts);
    }

    private static MxAnswer mxAnswer(String server, String address, MxAnswer.Role role, List<String> listedBy,
            DnsAsker.Reply reply) {
        if (reply.outcome() != DnsOutcome.ANSWER) {
            return new MxAnswer(server, address, role, listedBy, reply.outcome(), List.of(), -1, reply.detail(), false);
        }
        List<MxHost> hosts = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record record : reply.section(Section.ANSWER, Type.MX)) {
            MXRecord mx = (MXRecord) record;
            hosts.add(MxHost.of(mx.getPriority(), mx.getTarget().toString(true)));
            ttl = Math.min(ttl, mx.getTTL());
        }
        boolean validated = role == MxAnswer.Role.RESOLVER && reply.message().getHeader().getFlag(Flags.AD);
        return new MxAnswer(server, address, role, listedBy, DnsOutcome.ANSWER, hosts, ttl, "", validated);
    }

    // ------------------------------------------------------------------------------------------- name servers

    /** An authoritative server: its NS name, who lists it, its addresses (glue or looked up). */
    private static final class NameServer {
        final String name;
        final Set<String> listedBy = new LinkedHashSet<>();
        final Set<InetAddress> addresses = new LinkedHashSet<>();
        String addressProblem = "";
        DnsOutcome problem = DnsOutcome.UNREACHABLE;

        NameServer(String name) {
            this.name = name;
        }
    }

    /**
     * The zone's name servers: the NS set the resolvers return (the zone's own list) and the delegation the parent
     * zone's servers give (with glue), merged by name.
     */
    private List<NameServer> nameServers(Name domain, List<InetSocketAddress> resolvers, List<String> notes) {
        Map<String, NameServer> servers = new TreeMap<>();
        Name zone = zoneOf(domain, resolvers);
        if (zone == null) {
            // the resolvers failed (their MX answers say how); a delegation loop is one reason worth naming
            DelegationLoop loop = delegationLoop(domain, resolvers);
            if (loop == null) {
                return List.of();
            }
            NameServer server = new NameServer(loop.nameServer());
            server.listedBy.add("parent");
            server.problem = DnsOutcome.DELEGATION_LOOP;
            server.addressProblem = loop.description();
            return List.of(server);
        }
        DnsAsker.Reply zoneNs = askResolvers(resolvers, zone, Type.NS);
        for (Record record : zoneNs.section(Section.ANSWER, Type.NS)) {
            servers.computeIfAbsent(hostName(((NSRecord) record).getTarget()), NameServer::new).listedBy.add("zone");
        }
        if (zoneNs.outcome().isError()) {
            notes.add("the resolvers gave no NS set for " + hostName(zone) + ": " + zoneNs.detail());
        }
        boolean parentRead = parentDelegation(zone, resolvers, servers, notes);
        if (parentRead) {
            // a server only one side names is a stale delegation or a forgotten NS record: worth saying even if it answers
            for (NameServer server : servers.values()) {
                if (server.listedBy.size() == 1) {
                    notes.add(server.name + " is named " + (server.listedBy.contains("zone")
                            ? "by the zone's NS records only, not by the delegation in the parent zone"
                            : "by the parent zone's delegation only, not by the zone's own NS records"));
                }
            }
        }
        for (NameServer server : servers.values()) {
            if (server.addresses.isEmpty()) {
                DnsAsker.Reply a = askResolvers(resolvers, toName(server.name), Type.A);
                for (Record record : a.section(Section.ANSWER, Type.A)) {
                    server.addresses.add(((ARecord) record).getAddress());
                }
                if (server.addresses.isEmpty()) {
                    server.addressProblem = "no IPv4 address for name server " + server.name + ": "
                            + (a.outcome() == DnsOutcome.ANSWER || a.outcome() == DnsOutcome.NO_RECORDS ? "no A record"
                                    : a.detail());
                }
            }
        }
        return List.copyOf(servers.values());
    }

    /** Adds the NS names (and glue) that the parent zone's servers delegate {@code zone} to; false when not read. */
    private boolean parentDelegation(Name zone, List<InetSocketAddress> resolvers, Map<String, NameServer> servers,
            List<String> notes) {
        if (zone.labels() <= 2) {
            return false; // a top-level domain's parent is the root: not asked
        }
        Name parent = zoneOf(new Name(zone, 1), resolvers);
        if (parent == null) {
            notes.add("the parent zone of " + hostName(zone) + " could not be found: its delegation was not checked");
            return false;
        }
        List<String> failures = new ArrayList<>();
        for (InetAddress address : serverAddresses(parent, resolvers)) {
            InetSocketAddress socket = new InetSocketAddress(address, options.nameServerPort());
            DnsAsker.Reply referral = asker.ask(socket, zone, Type.NS, true);
            List<Record> ns = new ArrayList<>(referral.section(Section.AUTHORITY, Type.NS));
            ns.addAll(referral.section(Section.ANSWER, Type.NS));
            // a referral comes without the AA flag: here that is the expected answer, not a lame server
            if (ns.isEmpty()) {
                failures.add(DnsAsker.address(socket) + ": " + (referral.detail().isEmpty() ? "no NS records for "
                        + hostName(zone) : referral.detail()));
                continue;
            }
            for (Record record : ns) {
                if (record.getName().equals(zone)) {
                    servers.computeIfAbsent(hostName(((NSRecord) record).getTarget()), NameServer::new).listedBy
                            .add("parent");
                }
            }
            for (Record glue : referral.section(Section.ADDITIONAL, Type.A)) {
                NameServer server = servers.get(hostName(glue.getName()));
                if (server != null) {
                    server.addresses.add(((ARecord) glue).getAddress());
                }
            }
            return true; // one parent server's delegation is enough
        }
        notes.add("the delegation of " + hostName(zone) + " in " + hostName(parent) + " could not be read"
                + (failures.isEmpty() ? ": no address for the parent's name servers" : ": " + String.join("; ", failures)));
        return false;
    }

    /** The addresses of {@code zone}'s name servers, as the resolvers give them. */
    private List<InetAddress> serverAddresses(Name zone, List<InetSocketAddress> resolvers) {
        List<InetAddress> addresses = new ArrayList<>();
        for (Record record : askResolvers(resolvers, zone, Type.NS).section(Section.ANSWER, Type.NS)) {
            for (Record a : askResolvers(resolvers, ((NSRecord) record).getTarget(), Type.A).section(Section.ANSWER, Type.A)) {
                addresses.add(((ARecord) a).getAddress());
            }
        }
        return addresses;
    }

    /** Hops followed to find a delegation loop; real chains of glueless delegations are short. */
    private static final int MAX_DELEGATION_HOPS = 6;

    /** A loop of glueless delegations: the first name server on it, and the chain for people. */
    private record DelegationLoop(String nameServer, String description) {
    }

    /**
     * Follows the delegations from {@code domain}'s parent, asking the delegating servers directly: when each zone on
     * the way is delegated, without glue, to a name server inside a zone further on, and one of them lies inside a zone
     * already on the way, no server can ever be reached. Follows the first name server of each delegation; null when
     * the chain ends (glue, an address, no answer) without a loop.
     */
    private DelegationLoop delegationLoop(Name domain, List<InetSocketAddress> resolvers) {
        List<Name> zones = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        String firstServer = null;
        Name current = domain;
        for (int hop = 0; hop < MAX_DELEGATION_HOPS; hop++) {
            Message referral = referral(current, resolvers);
            if (referral == null || !referral.getSection(Section.ADDITIONAL).stream()
                    .filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA).toList().isEmpty()) {
                return null; // no delegation found, or one with glue: not a loop
            }
            List<Record> ns = referral.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NS).toList();
            if (ns.isEmpty()) {
                return null;
            }
            Name zone = ns.get(0).getName();
            Name server = ((NSRecord) ns.get(0)).getTarget();
            zones.add(zone);
            if (firstServer == null) {
                firstServer = hostName(server);
            }
            steps.add(hostName(zone) + " is delegated to " + hostName(server) + " without glue");
            for (Name onTheWay : zones) {
                if (server.subdomain(onTheWay)) {
                    return new DelegationLoop(firstServer, "delegation loop: " + String.join(", ", steps) + ", which lies in " + hostName(onTheWay)
                                    + ": no name server of " + hostName(domain) + " can be reached");
                }
            }
            current = server;
        }
        return null;
    }

    /** The referral for {@code name} from the nearest enclosing zone the resolvers can find, asked directly. */
    private Message referral(Name name, List<InetSocketAddress> resolvers) {
        for (Name ancestor = new Name(name, 1); ancestor.labels() > 1; ancestor = new Name(ancestor, 1)) {
            Name zone = zoneOf(ancestor, resolvers);
            if (zone == null) {
                continue; // a zone on the loop itself: look further up
            }
            for (InetAddress address : serverAddresses(zone, resolvers)) {
                DnsAsker.Reply reply = asker.ask(new InetSocketAddress(address, options.nameServerPort()), name, Type.NS, true);
                if (reply.message() != null && !reply.section(Section.AUTHORITY, Type.NS).isEmpty()) {
                    return reply.message();
                }
            }
            return null;
        }
        return null;
    }

    /** The zone holding {@code name} (its SOA's owner), as the resolvers see it; null when they cannot tell. */
    private Name zoneOf(Name name, List<InetSocketAddress> resolvers) {
        DnsAsker.Reply soa = askResolvers(resolvers, name, Type.SOA);
        if (soa.outcome() == DnsOutcome.ANSWER) {
            return soa.section(Section.ANSWER, Type.SOA).get(0).getName();
        }
        if (soa.outcome() == DnsOutcome.NO_RECORDS || soa.outcome() == DnsOutcome.NXDOMAIN) {
            List<Record> authority = soa.section(Section.AUTHORITY, Type.SOA);
            if (!authority.isEmpty() && soa.outcome() == DnsOutcome.NO_RECORDS) {
                return ((SOARecord) authority.get(0)).getName();
            }
        }
        return null;
    }

    /** Asks the resolvers in turn until one answers without failing; else the last failure. */
    private DnsAsker.Reply askResolvers(List<InetSocketAddress> resolvers, Name name, int type) {
        DnsAsker.Reply reply = null;
        for (InetSocketAddress resolver : resolvers) {
            reply = asker.ask(resolver, name, type, false);
            if (!reply.outcome().isError() || reply.outcome() == DnsOutcome.NXDOMAIN) {
                return reply;
            }
        }
        return reply;
    }

    // ------------------------------------------------------------------------------------------- SPF, autodiscover

    private static SpfFinding spf(DnsAsker.Reply txt) {
        if (txt.outcome().isError() && txt.outcome() != DnsOutcome.NXDOMAIN) {
            return new SpfFinding(SpfFinding.Status.LOOKUP_ERROR, List.of(), txt.outcome().label() + ": " + txt.detail());
        }
        if (txt.outcome() == DnsOutcome.NXDOMAIN) {
            return new SpfFinding(SpfFinding.Status.MISSING, List.of(), txt.detail());
        }
        return SpfPolicy.judge(texts(txt));
    }

    private static VerificationFinding verification(DnsAsker.Reply txt, String expected) {
        if (txt.outcome().isError() && txt.outcome() != DnsOutcome.NXDOMAIN) {
            return new VerificationFinding(expected, VerificationFinding.Status.LOOKUP_ERROR, txt.outcome().label() + ": "
                    + txt.detail());
        }
        return new VerificationFinding(expected, texts(txt).contains(expected.trim()) ? VerificationFinding.Status.PRESENT
                : VerificationFinding.Status.MISSING, "");
    }

    /** Each TXT record's text; RFC 7208 3.3: the strings of one record are joined without spaces. */
    private static List<String> texts(DnsAsker.Reply txt) {
        List<String> texts = new ArrayList<>();
        for (Record record : txt.section(Section.ANSWER, Type.TXT)) {
            texts.add(String.join("", ((TXTRecord) record).getStrings()));
        }
        return texts;
    }

    private CnameFinding cname(String nameText, List<InetSocketAddress> resolvers, Predicate<String> exchangeOnline) {
        Name name = toName(nameText);
        DnsAsker.Reply cname = askResolvers(resolvers, name, Type.CNAME);
        if (cname.outcome().isError() && cname.outcome() != DnsOutcome.NXDOMAIN) {
            return new CnameFinding(nameText, CnameFinding.Status.LOOKUP_ERROR, "", cname.outcome().label() + ": "
                    + cname.detail());
        }
        List<Record> records = cname.section(Section.ANSWER, Type.CNAME).stream().filter(r -> r.getName().equals(name))
                .toList();
        if (records.isEmpty()) {
            return new CnameFinding(nameText, CnameFinding.Status.MISSING, "", "");
        }
        String target = hostName(((CNAMERecord) records.get(0)).getTarget());
        return new CnameFinding(nameText, exchangeOnline.test(target) ? CnameFinding.Status.EXCHANGE_ONLINE
                : CnameFinding.Status.ELSEWHERE, target, "");
    }

    // ------------------------------------------------------------------------------------------- names

    private static String normalize(String domain) {
        String name = domain.trim().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static Name toName(String domain) {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name: " + e.getMessage(), e);
        }
    }

    private static String hostName(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
