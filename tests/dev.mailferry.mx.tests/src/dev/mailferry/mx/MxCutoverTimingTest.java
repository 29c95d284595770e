package dev.mailferry.mx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.dns.LoopbackDnsNetwork;
import dev.mailferry.demo.dns.LoopbackDnsNetwork.Domain;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cutover as it happens: the old MX (TTL one hour) is served and cached by the resolver, the zone is changed to
 * Exchange Online, the resolver still returns the old set from its cache; "safe after" is the moment the change was
 * first seen plus the old TTL, kept in the state file across checks.
 */
class MxCutoverTimingTest {

    private static final String OLD = "@ 3600 IN MX 10 mx.oldhost.example.\n";
    private static final String NEW = "@ 300 IN MX 0 cutover-test.mail.protection.outlook.com.\n";

    @TempDir
    Path directory;

    @Test
    void safeAfterIsTheFirstSightingPlusTheOldTtlWhileAResolverStillCachesTheOldSet() throws Exception {
        Path stateFile = directory.resolve(MxChecker.STATE_FILE_NAME);
        Instant before = Instant.parse("2026-12-06T09:00:00Z");
        Instant changeSeen = Instant.parse("2026-12-06T10:00:00Z");
        try (LoopbackDnsNetwork network = new LoopbackDnsNetwork(directory.resolve("dns"),
                List.of(Domain.both("cutover.test", OLD)))) {
            DomainCheck old = TestDns.checker(network, Clock.fixed(before, ZoneOffset.UTC), stateFile).check("cutover.test");
            assertEquals(Verdict.NOT_MIGRATED, old.verdict(), old.reason());
            assertEquals(3600, old.oldTtlSeconds());
            assertEquals(3600, old.resolvers().get(0).ttlSeconds(), "fresh in the resolver's cache");

            network.nsA.replaceZone("cutover.test", LoopbackDnsNetwork.zone("cutover.test", NEW));
            network.nsB.replaceZone("cutover.test", LoopbackDnsNetwork.zone("cutover.test", NEW));

            DomainCheck cached = TestDns.checker(network, Clock.fixed(changeSeen, ZoneOffset.UTC), stateFile).check("cutover.test");
            assertEquals(Verdict.MIXED, cached.verdict(), cached.reason());
            assertTrue(cached.reason().contains("still returns 10 mx.oldhost.example"), cached.reason());
            assertTrue(cached.authoritative().stream().allMatch(MxAnswer::exchangeOnlineOnly), cached.authoritative().toString());
            MxAnswer stale = cached.resolvers().get(0);
            assertTrue(stale.hasOtherHosts(), stale.toString());
            assertTrue(stale.ttlSeconds() > 3500 && stale.ttlSeconds() <= 3600, "what is left of the hour: " + stale);
            assertEquals(changeSeen, cached.changeFirstSeen());
            assertEquals(changeSeen.plusSeconds(3600), cached.safeAfter(), cached.safeAfterBasis());
            assertEquals(3600, cached.oldTtlSeconds(), "remembered from the first check");

            network.resolver.restart(); // its cache expired, as it would after the hour
            Instant later = changeSeen.plusSeconds(600);
            DomainCheck migrated = TestDns.checker(network, Clock.fixed(later, ZoneOffset.UTC), stateFile).check("cutover.test");
            assertEquals(Verdict.MIGRATED, migrated.verdict(), migrated.reason());
            assertEquals(changeSeen, migrated.changeFirstSeen(), "the first sighting is kept in the state file");
            assertEquals(changeSeen.plusSeconds(3600), migrated.safeAfter(), migrated.safeAfterBasis());
            assertFalse(migrated.safeToComplete(later));
            assertFalse(migrated.safeToComplete(changeSeen.plusSeconds(3599)));
            assertTrue(migrated.safeToComplete(changeSeen.plusSeconds(3600)));

            // the change rolled back: the sighting is forgotten, nothing is safe
            network.nsA.replaceZone("cutover.test", LoopbackDnsNetwork.zone("cutover.test", OLD));
            network.nsB.replaceZone("cutover.test", LoopbackDnsNetwork.zone("cutover.test", OLD));
            network.resolver.restart();
            DomainCheck rolledBack = TestDns.checker(network, Clock.fixed(later.plusSeconds(60), ZoneOffset.UTC), stateFile)
                    .check("cutover.test");
            assertEquals(Verdict.NOT_MIGRATED, rolledBack.verdict(), rolledBack.reason());
            assertNull(rolledBack.changeFirstSeen());
            assertNull(rolledBack.safeAfter());
        }
    }

    @Test
    void withoutAStateFileTheCheckerRemembersTheFirstSightingItself() throws Exception {
        try (LoopbackDnsNetwork network = new LoopbackDnsNetwork(directory.resolve("dns"),
                List.of(Domain.both("cutover.test", NEW)))) {
            Instant first = Instant.parse("2026-12-06T10:00:00Z");
            AtomicReference<Instant> now = new AtomicReference<>(first);
            Clock clock = new Clock() {
                @Override
                public Instant instant() {
                    return now.get();
                }

                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    throw new UnsupportedOperationException("UTC only");
                }
            };
            MxChecker checker = TestDns.checker(network, clock, null);
            assertEquals(first.plusSeconds(300), checker.check("cutover.test").safeAfter(),
                    "the old set never seen: the new set's TTL is assumed");
            now.set(first.plusSeconds(120));
            DomainCheck again = checker.check("cutover.test");
            assertEquals(first, again.changeFirstSeen());
            assertEquals(first.plusSeconds(300), again.safeAfter());
            assertEquals(first.plusSeconds(120), TestDns.checker(network, clock, null).check("cutover.test").changeFirstSeen(),
                    "a new checker without a state file knows nothing earlier");
        }
    }
}
