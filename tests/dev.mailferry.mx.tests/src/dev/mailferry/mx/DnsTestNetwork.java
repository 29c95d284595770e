package dev.mailferry.mx;

import dev.mailferry.demo.dns.NsdServer;
import dev.mailferry.demo.dns.UnboundResolver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small DNS on loopback, all servers on one unprivileged port: NSD as the parent zone {@code test.} (127.0.53.1)
 * delegating each test domain, NSD as the domains' name servers {@code ns-a.test} (127.0.53.2) and {@code ns-b.test}
 * (127.0.53.3), and Unbound as the recursive resolver (127.0.53.100) that asks them.
 */
final class DnsTestNetwork implements AutoCloseable {

    static final String PARENT = "127.0.53.1";
    static final String NS_A = "127.0.53.2";
    static final String NS_B = "127.0.53.3";
    static final String RESOLVER = "127.0.53.100";

    /**
     * One test domain.
     *
     * @param name  e.g. {@code migrated.test}
     * @param onA   what ns-a serves: zone records below the SOA and NS lines (null: configured without data, so
     *              SERVFAIL; absent from {@code servedByA}: not configured, so REFUSED)
     * @param onB   likewise for ns-b
     */
    record Domain(String name, boolean servedByA, String onA, boolean servedByB, String onB, boolean delegated) {

        /** The same records on both servers, delegated to both. */
        static Domain both(String name, String records) {
            return new Domain(name, true, records, true, records, true);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    final int port;
    final NsdServer parent;
    final NsdServer nsA;
    final NsdServer nsB;
    final UnboundResolver resolver;

    DnsTestNetwork(Path directory, List<Domain> domains) throws IOException {
        port = NsdServer.freePort(List.of(PARENT, NS_A, NS_B, RESOLVER));
        try {
            parent = remember(NsdServer.builder(directory.resolve("parent"), PARENT, port).zone("test", parentZone(domains))
                    .start());
            NsdServer.Builder a = NsdServer.builder(directory.resolve("ns-a"), NS_A, port);
            NsdServer.Builder b = NsdServer.builder(directory.resolve("ns-b"), NS_B, port);
            Map<String, List<String>> stubs = new LinkedHashMap<>();
            stubs.put("test", List.of(PARENT + "@" + port));
            for (Domain domain : domains) {
                addZone(a, domain, domain.servedByA(), domain.onA());
                addZone(b, domain, domain.servedByB(), domain.onB());
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
            resolver = remember(unbound.start());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A checker that asks this network's resolver and its name servers on its port. */
    MxChecker checker(Clock clock, Path stateFile) {
        return new MxChecker(options(clock, stateFile));
    }

    MxCheckOptions options(Clock clock, Path stateFile) {
        return MxCheckOptions.defaults().withResolvers(List.of(new InetSocketAddress(RESOLVER, port)))
                .withNameServerPort(port).withTimeout(Duration.ofSeconds(2)).withClock(clock).withStateFile(stateFile);
    }

    /** The zone file for {@code domain}: SOA, NS ns-a.test and ns-b.test, then {@code records}. */
    static String zone(String domain, String records) {
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
