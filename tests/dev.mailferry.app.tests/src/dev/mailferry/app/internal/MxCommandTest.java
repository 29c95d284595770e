package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.dns.LoopbackDnsNetwork;
import dev.mailferry.demo.dns.LoopbackDnsNetwork.Domain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailferry mx check|watch} and the MX gate of {@code batch complete}, against real NSD and Unbound on loopback. */
class MxCommandTest {

    @TempDir
    static Path root;

    private static LoopbackDnsNetwork dns;

    @BeforeAll
    static void startDns() throws IOException {
        System.setProperty("mailferry.secrets.dir", root.resolve("secrets").toString());
        dns = new LoopbackDnsNetwork(root.resolve("dns"), List.of(
                Domain.both("contoso.test", "@ IN MX 0 contoso-test.mail.protection.outlook.com.\n"
                        + "@ IN TXT \"v=spf1 include:spf.protection.outlook.com -all\"\n"),
                Domain.both("fabrikam.test", "@ IN MX 10 mx.oldhost.example.\n"),
                Domain.both("quick.test", "@ 2 IN MX 0 quick-test.mail.protection.outlook.com.\n"),
                Domain.both("broken.test", null)));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private static String[] mx(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--resolver", dns.resolverAddress(), "--name-server-port", String.valueOf(dns.port)));
        return all.toArray(String[]::new);
    }

    @Test
    void aMigratedDomainExitsZeroWithTheTable() {
        CommandRun run = mailferry(mx("mx", "check", "contoso.test", "-p", root.resolve("nowhere").toString()));
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.out().matches("(?s).*contoso\\.test\\s+migrated\\s+.*"), run.all());
        assertTrue(run.out().contains("ns-a.test (" + LoopbackDnsNetwork.NS_A + ":" + dns.port + ") [parent, zone]: 0 "
                + "contoso-test.mail.protection.outlook.com (TTL 300 s)"), run.all());
        assertTrue(run.out().contains("SPF: includes_exchange_online"), run.all());
    }

    @Test
    void theVerificationTxtIsLookedForWhenGiven() {
        CommandRun run = mailferry(mx("mx", "check", "contoso.test", "--verification-txt", "contoso.test=MS=ms999",
                "--dkim", "-p", root.resolve("nowhere").toString()));
        assertEquals(0, run.exitCode(), "findings besides MX do not change the exit code: " + run.all());
        assertTrue(run.out().contains("verification TXT MS=ms999: missing"), run.all());
        assertTrue(run.out().contains("DKIM selector1._domainkey.contoso.test: missing"), run.all());
    }

    @Test
    void aDomainNotMigratedExitsOneAndJsonSaysWhy() {
        CommandRun run = mailferry(mx("mx", "check", "fabrikam.test", "contoso.test", "--json", "-p",
                root.resolve("nowhere").toString()));
        assertEquals(1, run.exitCode(), run.all());
        String json = run.out().trim();
        assertTrue(json.startsWith("{\"checked_at\":"), json);
        assertTrue(json.contains("{\"domain\":\"fabrikam.test\",\"verdict\":\"not_migrated\",\"reason\":\"no Exchange Online"
                + " host anywhere: MX 10 mx.oldhost.example\",\"error_type\":null"), json);
        assertTrue(json.contains("\"hosts\":[{\"priority\":10,\"host\":\"mx.oldhost.example\",\"exchange_online\":false}]"
                + ",\"ttl\":300"), json);
        assertTrue(json.contains("{\"domain\":\"contoso.test\",\"verdict\":\"migrated\""), json);
        assertTrue(json.contains("\"spf\":{\"status\":\"missing\""), "fabrikam has no SPF: " + json);
        assertTrue(json.contains("\"autodiscover\":{\"name\":\"autodiscover.fabrikam.test\",\"status\":\"missing\""), json);
        assertTrue(json.contains("\"verification\":null,\"dkim\":[]"), json);
    }

    @Test
    void aLookupErrorExitsFour() {
        CommandRun run = mailferry(mx("mx", "check", "broken.test", "contoso.test", "-p", root.resolve("nowhere").toString()));
        assertEquals(4, run.exitCode(), run.all());
        assertTrue(run.out().matches("(?s).*broken\\.test\\s+error\\s+.*servfail.*"), run.all());
    }

    @Test
    void aBadResolverIsAUsageError() {
        CommandRun run = mailferry("mx", "check", "contoso.test", "--resolver", "127.0.0.1:99999");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("port '99999'"), run.all());
    }

    @Test
    void watchWaitsForTheTtlThenSaysTheBatchCanBeCompleted() {
        long start = System.nanoTime();
        CommandRun run = mailferry(mx("mx", "watch", "quick.test", "--interval", "1", "--max-checks", "10", "-p",
                root.resolve("nowhere").toString()));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.out().contains("Check 2 at"), "the first check sees the change, the TTL of 2 s runs: " + run.all());
        assertTrue(run.out().contains("run the final sync now"), run.all());
        assertTrue(seconds >= 2, "waited for the TTL: " + seconds + " s");
    }

    @Test
    void watchGivesUpAfterMaxChecks() {
        CommandRun run = mailferry(mx("mx", "watch", "fabrikam.test", "--interval", "1", "--max-checks", "2", "-p",
                root.resolve("nowhere").toString()));
        assertEquals(1, run.exitCode(), run.all());
        assertTrue(run.out().contains("Not safe yet after 2 checks."), run.all());
    }

    /** A project whose mailboxes are at {@code domain}, with endpoints nobody listens on, and a batch of them all. */
    private static Path project(String name, String domain) throws IOException {
        Path project = root.resolve(name);
        assertEquals(0, mailferry("project", "create", project.toString(), "--name", name).exitCode());
        assertEquals(0, mailferry("source", "set", "-p", project.toString(), "--host", "127.0.0.1", "--port", "9",
                "--security", "none").exitCode());
        assertEquals(0, mailferry("target", "set", "-p", project.toString(), "--host", "127.0.0.1", "--port", "9",
                "--security", "none").exitCode());
        Path csv = root.resolve(name + ".csv");
        Files.writeString(csv, "EmailAddress,UserName,Password\nann@" + domain + ",ann,pw1\nbob@" + domain + ",bob,pw2\n");
        CommandRun imported = mailferry("mailboxes", "import", "-p", project.toString(), csv.toString());
        assertEquals(0, imported.exitCode(), imported.all());
        assertEquals(0, mailferry("batch", "create", "-p", project.toString(), "wave1").exitCode());
        return project;
    }

    @Test
    void checkWithoutDomainsTakesTheProjectsAndKeepsTheFirstSightingThere() throws IOException {
        Path project = project("contoso", "contoso.test");
        CommandRun run = mailferry(mx("mx", "check", "-p", project.toString()));
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.out().contains("contoso.test"), run.all());
        Properties state = new Properties();
        try (var reader = Files.newBufferedReader(project.resolve("mx-cutover.properties"))) {
            state.load(reader);
        }
        assertTrue(state.getProperty("contoso.test.first-seen-migrated", "").startsWith("20"), state.toString());
    }

    @Test
    void batchCompleteRefusesHeadlessWhileADomainIsNotMigratedUnlessForced() throws IOException {
        Path project = project("fabrikam", "fabrikam.test");
        CommandRun refused = mailferry(mx("batch", "complete", "-p", project.toString(), "wave1"));
        assertEquals(1, refused.exitCode(), refused.all());
        assertTrue(refused.err().contains("WARNING: fabrikam.test is not_migrated: no Exchange Online host anywhere"),
                refused.all());
        assertTrue(refused.err().contains("--force"), refused.all());
        assertFalse(refused.out().contains("Batch 'wave1' is"), "no pass ran: " + refused.all());

        CommandRun forced = mailferry(mx("batch", "complete", "-p", project.toString(), "wave1", "--force"));
        assertTrue(forced.err().contains("completing anyway (--force)"), forced.all());
        assertTrue(forced.out().contains("Batch 'wave1' is"), "the pass ran (and failed: no servers): " + forced.all());
    }

    @Test
    void batchCompleteGoesOnQuietlyOnceTheDomainIsMigratedAndTheTtlPassed() throws Exception {
        Path project = project("quick", "quick.test");
        CommandRun first = mailferry(mx("batch", "complete", "-p", project.toString(), "wave1"));
        assertEquals(1, first.exitCode(), "the TTL of 2 s has not passed at the first sighting: " + first.all());
        assertTrue(first.err().contains("quick.test is migrated but the old MX can still be cached until"), first.all());
        Thread.sleep(2_500);
        CommandRun later = mailferry(mx("batch", "complete", "-p", project.toString(), "wave1"));
        assertTrue(later.out().contains("MX: quick.test point to Exchange Online everywhere"), later.all());
        assertTrue(later.out().contains("Batch 'wave1' is"), later.all());
    }
}
