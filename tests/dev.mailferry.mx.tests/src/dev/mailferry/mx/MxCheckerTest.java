package dev.mailferry.mx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.dns.LoopbackDnsNetwork;
import dev.mailferry.demo.dns.LoopbackDnsNetwork.Domain;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verdicts, SPF and autodiscover findings for each state a domain can be in, against real NSD and Unbound servers. */
class MxCheckerTest {

    private static final String EXO_SPF = "@ IN TXT \"v=spf1 include:spf.protection.outlook.com -all\"\n";
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    /** An address where a test holds the name server's port open and never answers. */
    private static final String SILENT = "127.0.53.9";

    @TempDir
    static Path directory;

    static LoopbackDnsNetwork network;

    @BeforeAll
    static void startServers() throws Exception {
        network = new LoopbackDnsNetwork(directory, List.of(
                Domain.both("migrated.test", "@ IN MX 0 migrated-test.mail.protection.outlook.com.\n" + EXO_SPF
                        + "autodiscover IN CNAME autodiscover.outlook.com.\n@ IN TXT \"MS=ms12345678\"\n"
                        + "selector1._domainkey IN CNAME selector1-migrated-test._domainkey.contoso.onmicrosoft.com.\n"),
                Domain.both("newmx.test", "@ 600 IN MX 0 newmx-test.o-v1.mx.microsoft.\n" + EXO_SPF),
                Domain.both("notmigrated.test", "@ IN MX 10 mx1.oldhost.example.\n@ IN MX 20 mx2.oldhost.example.\n"
                        + "@ IN TXT \"v=spf1 mx -all\"\nautodiscover IN CNAME mail.oldhost.example.\n"),
                Domain.both("mixed.test", "@ IN MX 0 mixed-test.mail.protection.outlook.com.\n@ IN MX 10 mx.oldhost.example.\n"
                        + "@ IN TXT \"v=spf1 include:spf.protection.outlook.com -all\"\n@ IN TXT \"v=spf1 mx -all\"\n"),
                new Domain("disagree.test", true, "@ IN MX 0 disagree-test.mail.protection.outlook.com.\n", true,
                        "@ IN MX 10 mx.oldhost.example.\n", true),
                Domain.both("nospf.test", "@ IN MX 0 nospf-test.mail.protection.outlook.com.\n@ IN TXT \"hello\"\n"),
                Domain.both("badspf.test", "@ IN MX 0 badspf-test.mail.protection.outlook.com.\n"
                        + "@ IN TXT \"v=spf1 include:spf.protection.outlook.com ip4:300.1.2.3 -all\"\n"),
                Domain.both("servfail.test", null),
                Domain.both("silent.test", "@ IN NS ns-silent.silent.test.\nns-silent IN A " + SILENT + "\n"
                        + "@ IN MX 0 silent-test.mail.protection.outlook.com.\n"),
                Domain.both("stale.test", "@ IN NS ns-c.test.\n@ IN MX 0 stale-test.mail.protection.outlook.com.\n"),
                new Domain("lame.test", true, "@ IN MX 0 lame-test.mail.protection.outlook.com.\n", false, null, true),
                Domain.signed("signed.test", "@ IN MX 0 signed-test.mail.protection.outlook.com.\n" + EXO_SPF,
                        LoopbackDnsNetwork.Signing.VALID),
                Domain.signed("bogus.test", "@ IN MX 0 bogus-test.mail.protection.outlook.com.\n",
                        LoopbackDnsNetwork.Signing.EXPIRED)),
                // two zones delegated, without glue, to name servers inside each other
                "loopa IN NS ns.loopb.test.\nloopb IN NS ns.loopa.test.\n");
    }

    @AfterAll
    static void stopServers() {
        if (network != null) {
            network.close();
        }
    }

    private static DomainCheck check(String domain) {
        return TestDns.checker(network, Clock.fixed(NOW, ZoneOffset.UTC), null).check(domain);
    }

    @Test
    void exchangeOnlineEverywhereIsMigrated() {
        DomainCheck check = check("migrated.test");
        assertEquals(Verdict.MIGRATED, check.verdict(), check.reason());
        assertEquals(2, check.authoritative().size(), "ns-a and ns-b, each asked directly: " + check.authoritative());
        for (MxAnswer answer : check.authoritative()) {
            assertEquals(List.of("parent", "zone"), answer.listedBy().stream().sorted().toList(),
                    "named by the delegation and by the zone: " + answer);
            assertEquals(List.of(MxHost.of(0, "migrated-test.mail.protection.outlook.com")), answer.hosts());
            assertEquals(300, answer.ttlSeconds(), "the full TTL from the authoritative server");
        }
        assertEquals(List.of(LoopbackDnsNetwork.NS_A + ":" + network.port, LoopbackDnsNetwork.NS_B + ":" + network.port),
                check.authoritative().stream().map(MxAnswer::address).toList());
        assertEquals(1, check.resolvers().size());
        assertTrue(check.resolvers().get(0).exchangeOnlineOnly());
        assertFalse(check.resolvers().get(0).dnssecValidated(), "an unsigned zone");
        assertEquals(SpfFinding.Status.INCLUDES_EXCHANGE_ONLINE, check.spf().status(), check.spf().detail());
        assertEquals(CnameFinding.Status.EXCHANGE_ONLINE, check.autodiscover().status());
        assertEquals("autodiscover.outlook.com", check.autodiscover().target());
        assertEquals(SpfFinding.Status.INCLUDES_EXCHANGE_ONLINE, check.spf().status(), "the MS= TXT record is no SPF record");
        assertEquals(null, check.verification(), "not asked for");
        assertEquals(List.of(), check.dkim(), "not asked for");
        // the old set was never seen and no state is kept: the change counts from now, with the new set's TTL
        assertEquals(NOW, check.changeFirstSeen());
        assertEquals(NOW.plusSeconds(300), check.safeAfter(), check.safeAfterBasis());
        assertTrue(check.safeAfterBasis().contains("assumed"), check.safeAfterBasis());
    }

    @Test
    void theNewerMxMicrosoftHostsAreExchangeOnline() {
        DomainCheck check = check("newmx.test");
        assertEquals(Verdict.MIGRATED, check.verdict(), check.reason());
        assertEquals(600, check.authoritative().get(0).ttlSeconds());
        assertEquals(CnameFinding.Status.MISSING, check.autodiscover().status());
    }

    @Test
    void onlyTheOldHostsIsNotMigrated() {
        DomainCheck check = check("notmigrated.test");
        assertEquals(Verdict.NOT_MIGRATED, check.verdict(), check.reason());
        assertTrue(check.reason().contains("10 mx1.oldhost.example, 20 mx2.oldhost.example"), check.reason());
        assertNull(check.safeAfter());
        assertNull(check.changeFirstSeen());
        assertEquals(300, check.oldTtlSeconds());
        assertEquals(SpfFinding.Status.WITHOUT_EXCHANGE_ONLINE, check.spf().status());
        assertEquals(CnameFinding.Status.ELSEWHERE, check.autodiscover().status());
        assertEquals("mail.oldhost.example", check.autodiscover().target());
    }

    @Test
    void exchangeOnlineAndOldHostsInOneSetIsMixed() {
        DomainCheck check = check("mixed.test");
        assertEquals(Verdict.MIXED, check.verdict(), check.reason());
        assertTrue(check.reason().contains("Exchange Online and other hosts in one MX set"), check.reason());
        assertNull(check.safeAfter(), "the old host is still served");
        assertEquals(SpfFinding.Status.PERMERROR_MULTIPLE_RECORDS, check.spf().status());
        assertEquals(2, check.spf().records().size());
    }

    @Test
    void nameServersThatDisagreeAreMixed() {
        DomainCheck check = check("disagree.test");
        assertEquals(Verdict.MIXED, check.verdict(), check.reason());
        assertTrue(check.reason().contains("disagree"), check.reason());
        // each server's answer is named; the resolver, which asks either server, joins the group of the one it asked
        assertTrue(answerGroup(check.reason(), "ns-a.test (" + LoopbackDnsNetwork.NS_A + ":" + network.port + ")")
                .endsWith(": 0 disagree-test.mail.protection.outlook.com"), check.reason());
        assertTrue(answerGroup(check.reason(), "ns-b.test (" + LoopbackDnsNetwork.NS_B + ":" + network.port + ")")
                .endsWith(": 10 mx.oldhost.example"), check.reason());
        assertNull(check.safeAfter());
    }

    /** The part of a "servers disagree" reason that holds {@code server}: up to the next "; " or the end. */
    private static String answerGroup(String reason, String server) {
        int start = reason.indexOf(server);
        assertTrue(start >= 0, server + " not in: " + reason);
        int end = reason.indexOf("; ", start);
        return (end < 0 ? reason.substring(start) : reason.substring(start, end)).strip();
    }

    @Test
    void missingAndBrokenSpf() {
        DomainCheck missing = check("nospf.test");
        assertEquals(Verdict.MIGRATED, missing.verdict(), missing.reason());
        assertEquals(SpfFinding.Status.MISSING, missing.spf().status());
        DomainCheck broken = check("badspf.test");
        assertEquals(SpfFinding.Status.PERMERROR_SYNTAX, broken.spf().status());
        assertTrue(broken.spf().detail().contains("ip4:300.1.2.3"), broken.spf().detail());
    }

    @Test
    void serverFailureIsAnErrorNotNotMigrated() {
        DomainCheck check = check("servfail.test");
        assertEquals(Verdict.ERROR, check.verdict(), check.reason());
        assertEquals(DnsOutcome.SERVFAIL, check.errorType(), check.reason());
        assertTrue(check.reason().contains("servfail"), check.reason());
    }

    @Test
    void aDomainThatDoesNotExistIsAnNxdomainError() {
        DomainCheck check = check("absent.test");
        assertEquals(Verdict.ERROR, check.verdict(), check.reason());
        assertEquals(DnsOutcome.NXDOMAIN, check.errorType());
        assertTrue(check.reason().contains("absent.test"), check.reason());
        assertEquals(SpfFinding.Status.MISSING, check.spf().status());
        assertTrue(check.spf().detail().contains("does not exist"), check.spf().detail());
    }

    @Test
    void aDelegatedServerWithoutTheZoneIsALameDelegation() {
        DomainCheck check = check("lame.test");
        assertEquals(Verdict.ERROR, check.verdict(), check.reason());
        assertEquals(DnsOutcome.LAME, check.errorType(), check.reason());
        MxAnswer lame = check.authoritative().stream().filter(a -> a.server().equals("ns-b.test")).findFirst().orElseThrow();
        assertEquals(DnsOutcome.LAME, lame.outcome());
        assertTrue(check.reason().contains("ns-b.test"), check.reason());
        MxAnswer good = check.authoritative().stream().filter(a -> a.server().equals("ns-a.test")).findFirst().orElseThrow();
        assertTrue(good.exchangeOnlineOnly(), "the other server answers: " + good);
    }

    @Test
    void aResolverThatNeverAnswersIsATimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.53.99"), 0))) {
            MxCheckOptions options = TestDns.options(network, Clock.fixed(NOW, ZoneOffset.UTC), null)
                    .withResolvers(List.of(new InetSocketAddress("127.0.53.99", silent.getLocalPort())))
                    .withTimeout(Duration.ofMillis(700));
            DomainCheck check = new MxChecker(options).check("migrated.test");
            assertEquals(Verdict.ERROR, check.verdict(), check.reason());
            assertEquals(DnsOutcome.TIMEOUT, check.errorType(), check.reason());
            assertFalse(check.safeToComplete(NOW.plusSeconds(86_400)));
        }
    }

    @Test
    void aDnssecSignedZoneResolvesAndIsValidated() {
        DomainCheck check = check("signed.test");
        assertEquals(Verdict.MIGRATED, check.verdict(), check.reason());
        assertTrue(check.resolvers().get(0).dnssecValidated(), "the resolver validated the chain: " + check.resolvers());
        assertEquals(SpfFinding.Status.INCLUDES_EXCHANGE_ONLINE, check.spf().status(), "TXT validated too");
    }

    @Test
    void expiredSignaturesAreAServfailFromTheValidatingResolver() {
        DomainCheck check = check("bogus.test");
        assertEquals(Verdict.ERROR, check.verdict(), check.reason());
        assertEquals(DnsOutcome.SERVFAIL, check.errorType(), check.reason());
        assertTrue(check.reason().startsWith("resolver " + LoopbackDnsNetwork.RESOLVER), check.reason());
        assertTrue(check.authoritative().stream().allMatch(MxAnswer::exchangeOnlineOnly),
                "the name servers serve the records; only validation fails: " + check.authoritative());
    }

    @Test
    void theVerificationTxtAndDkimSelectorsWhenAskedFor() {
        MxCheckOptions options = TestDns.options(network, Clock.fixed(NOW, ZoneOffset.UTC), null)
                .withVerificationRecords(java.util.Map.of("migrated.test", "MS=ms12345678", "notmigrated.test", "MS=ms1"))
                .withDkim(true);
        MxChecker checker = new MxChecker(options);
        DomainCheck migrated = checker.check("migrated.test");
        assertEquals(VerificationFinding.Status.PRESENT, migrated.verification().status());
        assertEquals(2, migrated.dkim().size());
        CnameFinding selector1 = migrated.dkim().get(0);
        assertEquals("selector1._domainkey.migrated.test", selector1.name());
        assertEquals(CnameFinding.Status.EXCHANGE_ONLINE, selector1.status());
        assertEquals("selector1-migrated-test._domainkey.contoso.onmicrosoft.com", selector1.target());
        assertEquals(CnameFinding.Status.MISSING, migrated.dkim().get(1).status());
        DomainCheck notMigrated = checker.check("notmigrated.test");
        assertEquals(VerificationFinding.Status.MISSING, notMigrated.verification().status());
        assertNull(checker.check("newmx.test").verification(), "no record given for it");
    }

    @Test
    void aNameServerOnlyTheZoneNamesIsAskedAndReported() {
        DomainCheck check = check("stale.test");
        assertEquals(Verdict.ERROR, check.verdict(), "ns-c.test has no address: " + check.reason());
        assertEquals(DnsOutcome.UNREACHABLE, check.errorType());
        MxAnswer stale = check.authoritative().stream().filter(a -> a.server().equals("ns-c.test")).findFirst().orElseThrow();
        assertEquals(List.of("zone"), stale.listedBy());
        assertTrue(stale.detail().contains("no IPv4 address for name server ns-c.test"), stale.detail());
        assertTrue(check.notes().contains("ns-c.test is named by the zone's NS records only, not by the delegation in the"
                + " parent zone"), check.notes().toString());
        assertEquals(3, check.authoritative().size(), "ns-a, ns-b and ns-c: " + check.authoritative());
    }

    @Test
    void anAuthoritativeServerThatNeverAnswersIsATimeout() throws Exception {
        InetSocketAddress silentServer = new InetSocketAddress(InetAddress.getByName(SILENT), network.port);
        try (DatagramSocket udp = new DatagramSocket(silentServer); ServerSocket tcp = new ServerSocket()) {
            tcp.bind(silentServer); // accepts nothing: a TCP retry would wait too
            MxCheckOptions options = TestDns.options(network, Clock.fixed(NOW, ZoneOffset.UTC), null)
                    .withTimeout(Duration.ofMillis(700));
            DomainCheck check = new MxChecker(options).check("silent.test");
            assertEquals(Verdict.ERROR, check.verdict(), check.reason());
            assertEquals(DnsOutcome.TIMEOUT, check.errorType(), check.reason());
            MxAnswer silent = check.authoritative().stream().filter(a -> a.server().equals("ns-silent.silent.test"))
                    .findFirst().orElseThrow();
            assertEquals(DnsOutcome.TIMEOUT, silent.outcome());
            assertEquals(SILENT + ":" + network.port, silent.address());
            assertTrue(check.reason().contains("name server ns-silent.silent.test (" + SILENT + ":" + network.port
                    + "): timeout"), check.reason());
            assertTrue(check.resolvers().get(0).exchangeOnlineOnly(), "the resolver asks ns-a and ns-b only");
        }
    }

    @Test
    void gluelessDelegationsInACircleAreADelegationLoop() {
        DomainCheck check = check("loopa.test");
        assertEquals(Verdict.ERROR, check.verdict(), check.reason());
        assertEquals(DnsOutcome.DELEGATION_LOOP, check.errorType(), check.reason());
        assertTrue(check.reason().contains("loopa.test is delegated to ns.loopb.test without glue, loopb.test is delegated"
                + " to ns.loopa.test without glue, which lies in loopa.test"), check.reason());
        assertTrue(check.resolvers().get(0).outcome().isError(), "the resolver gives up on it (SERVFAIL, or a timeout first): "
                + check.resolvers());
    }
}
