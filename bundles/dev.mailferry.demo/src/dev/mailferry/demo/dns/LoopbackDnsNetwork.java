package dev.mailferry.demo.dns;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small DNS on loopback, all servers on one unprivileged port (the checker is told to ask name servers on it): NSD as
 * the parent zone {@code test.} (127.0.53.1) delegating each test domain, NSD as the domains' name servers
 * {@code ns-a.test} (127.0.53.2) and {@code ns-b.test} (127.0.53.3), and Unbound as the recursive resolver
 * (127.0.53.100) that asks them.
 *
 * <pre>{@code
 * try (LoopbackDnsNetwork dns = new LoopbackDnsNetwork(dir, List.of(Domain.both("example.test", "@ IN MX 10 mx.example.")))) {
 *     // ask dns.resolverAddress(); name servers on dns.port
 * }
 * }</pre>
 */
public final class LoopbackDnsNetwork implements AutoCloseable {

    public static final String PARENT = "127.0.53.1";
    public static final String NS_A = "127.0.53.2";
    public static final String NS_B = "127.0.53.3";
    public static final String RESOLVER = "127.0.53.100";

    /**
     * One test domain under {@code test.}.
     *
     * @param name      e.g. {@code migrated.test}
     * @param servedByA whether ns-a has the zone at all (when not, it answers REFUSED: a lame delegation)
     * @param onA       what ns-a serves: records written after the SOA and NS lines; null: the zone is configured
     *                  without data, which NSD answers with SERVFAIL
     * @param servedByB likewise for ns-b
     * @param onB       likewise for ns-b
     * @param delegated whether the parent zone delegates it (to ns-a and ns-b); when not, it does not exist
     */
    public record Domain(String name, boolean servedByA, String onA, boolean servedByB, String onB, boolean delegated,
            Signing signing) {

        public Domain(String name, boolean servedByA, String onA, boolean servedByB, String onB, boolean delegated) {
            this(name, servedByA, onA, servedByB, onB, delegated, Signing.UNSIGNED);
        }

        /** The same records on both servers, delegated to both. */
        public static Domain both(String name, String records) {
            return new Domain(name, true, records, true, records, true);
        }

        /** The same records on both servers, DNSSEC-signed, the key a trust anchor of the resolver. */
        public static Domain signed(String name, String records, Signing signing) {
            return new Domain(name, true, records, true, records, true, signing);
        }
    }

    /** Whether a zone is signed, and how. */
    public enum Signing {
        UNSIGNED,
        /** Signatures valid from a day ago for four weeks. */
        VALID,
        /** Signatures that expired a month ago: a validating resolver finds the zone bogus and answers SERVFAIL. */
        EXPIRED
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    /** The port every server listens on. */
    public final int port;
    public final NsdServer parent;
    public final NsdServer nsA;
    public final NsdServer nsB;
    public final UnboundResolver resolver;

    /** Starts the servers below {@code directory}; they stop with {@link #close()}. */
    public LoopbackDnsNetwork(Path directory, List<Domain> domains) throws IOException {
        this(directory, domains, "");
    }

    /**
     * Starts the servers, the parent zone {@code test.} holding {@code parentRecords} too (zone-file lines relative to
     * {@code test.}, e.g. delegations that no server answers for).
     */
    public LoopbackDnsNetwork(Path directory, List<Domain> domains, String parentRecords) throws IOException {
        port = NsdServer.freePort(List.of(PARENT, NS_A, NS_B, RESOLVER));
        try {
            parent = remember(NsdServer.builder(directory.resolve("parent"), PARENT, port)
                    .zone("test", parentZone(domains) + parentRecords + "\n").start());
            NsdServer.Builder a = NsdServer.builder(directory.resolve("ns-a"), NS_A, port);
            NsdServer.Builder b = NsdServer.builder(directory.resolve("ns-b"), NS_B, port);
            Map<String, List<String>> stubs = new LinkedHashMap<>();
            stubs.put("test", List.of(PARENT + "@" + port));
            List<String> trustAnchors = new ArrayList<>();
            for (Domain domain : domains) {
                if (domain.signing() != Signing.UNSIGNED) {
                    Instant now = Instant.now();
                    boolean valid = domain.signing() == Signing.VALID;
                    ZoneSigner.Signed signed = ZoneSigner.sign(directory.resolve("keys"), domain.name(),
                            zone(domain.name(), domain.onA()), now.minus(valid ? Duration.ofDays(1) : Duration.ofDays(60)),
                            now.plus(valid ? Duration.ofDays(28) : Duration.ofDays(-30)));
                    a.zone(domain.name(), signed.zoneText());
                    b.zone(domain.name(), signed.zoneText());
                    trustAnchors.add(signed.trustAnchor());
                } else {
                    addZone(a, domain, domain.servedByA(), domain.onA());
                    addZone(b, domain, domain.servedByB(), domain.onB());
                }
                List<String> servers = new ArrayList<>();
                if (domain.delegated()) {
                    servers.add(NS_A + "@" + port);
                    servers.add(NS_B + "@" + port);
                    stubs.put(domain.name(), servers);
                }
            }
            nsA = remember(a.start());
            nsB = remember(b.start());
            UnboundResolver.Builder unbound = UnboundResolver.builder(directory.resolve("unbound"), RESOLVER, port);
            stubs.forEach(unbound::stubZone);
            trustAnchors.forEach(unbound::trustAnchor);
            resolver = remember(unbound.start());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code 127.0.53.100:PORT}, the resolver as a checker's {@code --resolver} takes it. */
    public String resolverAddress() {
        return RESOLVER + ":" + port;
    }

    /** The zone file for {@code domain}: SOA, NS ns-a.test and ns-b.test, then {@code records}. */
    public static String zone(String domain, String records) {
        return "$ORIGIN " + domain + ".\n$TTL 300\n"
                + "@ IN SOA ns-a.test. hostmaster.test. 1 3600 600 86400 60\n"
                + "@ IN NS ns-a.test.\n@ IN NS ns-b.test.\n" + records + "\n";
    }

    private static void addZone(NsdServer.Builder server, Domain domain, boolean served, String records) {
        if (!served) {
            return;
        }
        if (records == null) {
            server.failingZone(domain.name());
        } else {
            server.zone(domain.name(), zone(domain.name(), records));
        }
    }

    private static String parentZone(List<Domain> domains) {
        StringBuilder zone = new StringBuilder("$ORIGIN test.\n$TTL 3600\n"
                + "@ IN SOA ns-parent.test. hostmaster.test. 1 3600 600 86400 60\n@ IN NS ns-parent.test.\n"
                + "ns-parent IN A " + PARENT + "\nns-a IN A " + NS_A + "\nns-b IN A " + NS_B + "\n");
        for (Domain domain : domains) {
            if (domain.delegated()) {
                String label = domain.name().substring(0, domain.name().length() - ".test".length());
                zone.append(label).append(" IN NS ns-a.test.\n").append(label).append(" IN NS ns-b.test.\n");
            }
        }
        return zone.toString();
    }

    private <T extends AutoCloseable> T remember(T server) {
        started.add(server);
        return server;
    }

    @Override
    public void close() {
        for (AutoCloseable server : started) {
            try {
                server.close();
            } catch (Exception e) {
                // the others are stopped all the same
            }
        }
        started.clear();
    }
}
