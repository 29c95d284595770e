package dev.mailferry.demo.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private, throwaway Unbound recursive (caching) resolver on one loopback address and port, that resolves the zones
 * given as stub zones by asking their authoritative servers ({@code address@port}, since servers on loopback test
 * ports cannot be found through real delegations). It caches answers for their TTL, as resolvers on the Internet do,
 * and validates DNSSEC below the trust anchors it is given.
 */
public final class UnboundResolver extends LoopbackDnsServer {

    private final Map<String, List<String>> stubZones;
    private final List<String> trustAnchors;

    private UnboundResolver(Builder builder) {
        super(builder.directory, builder.address, builder.port, "unbound", "unbound");
        this.stubZones = new LinkedHashMap<>(builder.stubZones);
        this.trustAnchors = List.copyOf(builder.trustAnchors);
    }

    public static Builder builder(Path directory, String address, int port) {
        return new Builder(directory, address, port);
    }

    /** {@code address:port}, as the checker's {@code --resolver} takes it. */
    public String hostAndPort() {
        return address() + ":" + port();
    }

    /** Starts afresh with an empty cache. */
    public void restart() throws IOException {
        relaunch();
    }

    @Override
    void launch() throws IOException {
        StringBuilder config = serverClause("interface")
                .append("  directory: \"").append(directory).append("\"\n")
                .append("  use-syslog: no\n")
                .append("  do-daemonize: no\n")
                .append("  num-threads: 1\n")
                .append("  so-reuseport: no\n")
                .append("  outgoing-range: 64\n")
                // the authoritative servers are on loopback, which unbound does not ask by default
                .append("  do-not-query-localhost: no\n")
                .append("  access-control: 127.0.0.0/8 allow\n")
                // validating only with trust anchors: there is no root key to validate the rest from
                .append("  module-config: \"").append(trustAnchors.isEmpty() ? "iterator" : "validator iterator").append("\"\n")
                // unbound answers NXDOMAIN for the reserved test. TLD by default (RFC 6761); these zones live there
                .append("  local-zone: \"test.\" nodefault\n")
                .append("  domain-insecure: \"test.\"\n")
                // a failing server is asked again at once, not after unbound's usual back-off
                .append("  infra-host-ttl: 1\n");
        for (String anchor : trustAnchors) {
            // a trust anchor for a zone overrides domain-insecure above it
            config.append("  trust-anchor: \"").append(anchor.replaceAll("\\s+", " ")).append("\"\n");
        }
        config.append(REMOTE_CONTROL_OFF);
        for (Map.Entry<String, List<String>> stub : stubZones.entrySet()) {
            config.append("stub-zone:\n  name: \"").append(stub.getKey()).append("\"\n");
            for (String server : stub.getValue()) {
                config.append("  stub-addr: ").append(server).append('\n');
            }
        }
        startDaemon(config, "start of service");
    }

    /** Stub zones, trust anchors and where to listen. */
    public static final class Builder {
        private final Path directory;
        private final String address;
        private final int port;
        private final Map<String, List<String>> stubZones = new LinkedHashMap<>();
        private final List<String> trustAnchors = new ArrayList<>();

        private Builder(Path directory, String address, int port) {
            this.directory = directory;
            this.address = address;
            this.port = port;
        }

        /** Resolves names in {@code zone} by asking {@code servers} ({@code address@port} each). */
        public Builder stubZone(String zone, List<String> servers) {
            stubZones.put(zone, List.copyOf(servers));
            return this;
        }

        /** Validates DNSSEC below the key's zone with {@code dnskey} (a DNSKEY record line) as trust anchor. */
        public Builder trustAnchor(String dnskey) {
            trustAnchors.add(dnskey);
            return this;
        }

        public UnboundResolver start() throws IOException {
            Files.createDirectories(directory);
            UnboundResolver resolver = new UnboundResolver(this);
            resolver.launch();
            return resolver;
        }
    }
}
