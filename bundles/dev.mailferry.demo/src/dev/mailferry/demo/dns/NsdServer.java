package dev.mailferry.demo.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private, throwaway NSD authoritative name server on one loopback address and port, serving the zones given as
 * zone-file text. Everything lives below one directory: configuration, zone files, log. A zone added with
 * {@link Builder#failingZone(String)} is configured without data, which NSD answers with SERVFAIL.
 *
 * <pre>{@code
 * try (NsdServer ns = NsdServer.builder(dir, "127.0.53.2", port).zone("example.test", zoneText).start()) { ... }
 * }</pre>
 */
public final class NsdServer extends LoopbackDnsServer {

    private final Map<String, String> zones;

    private NsdServer(Builder builder) {
        super(builder.directory, builder.address, builder.port, "nsd", "nsd");
        this.zones = new LinkedHashMap<>(builder.zones);
    }

    /** A server in {@code directory} (created if needed) listening on {@code address} (127.x.y.z), UDP and TCP {@code port}. */
    public static Builder builder(Path directory, String address, int port) {
        return new Builder(directory, address, port);
    }

    /** A port free for UDP and TCP on each of the loopback {@code addresses}, for servers that share one port. */
    public static int freePort(List<String> addresses) throws IOException {
        return DnsDaemon.freePort(addresses);
    }

    /**
     * Serves {@code zoneText} for {@code zone} from now on (null: configured without data, answered with SERVFAIL), by
     * restarting the server on the same address and port, as an administrator's zone change followed by a reload.
     */
    public void replaceZone(String zone, String zoneText) throws IOException {
        zones.put(zone, zoneText);
        relaunch();
    }

    @Override
    void launch() throws IOException {
        StringBuilder config = serverClause("ip-address")
                .append("  zonesdir: \"").append(directory).append("\"\n")
                .append("  database: \"\"\n")
                .append("  zonelistfile: \"").append(directory.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(directory.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(directory).append("\"\n")
                .append("  server-count: 1\n")
                .append(REMOTE_CONTROL_OFF);
        for (Map.Entry<String, String> zone : zones.entrySet()) {
            String file = zone.getKey() + ".zone";
            Files.deleteIfExists(directory.resolve(file));
            if (zone.getValue() != null) {
                Files.writeString(directory.resolve(file), zone.getValue(), StandardCharsets.UTF_8);
            }
            config.append("zone:\n  name: \"").append(zone.getKey()).append("\"\n  zonefile: \"").append(file).append("\"\n");
        }
        // zone data of an earlier start is not reused: NSD reads the zone files anew
        Files.deleteIfExists(directory.resolve("zone.list"));
        Files.deleteIfExists(directory.resolve("xfrd.state"));
        startDaemon(config, "nsd started");
    }

    /** Zones and where to listen. */
    public static final class Builder {
        private final Path directory;
        private final String address;
        private final int port;
        private final Map<String, String> zones = new LinkedHashMap<>();

        private Builder(Path directory, String address, int port) {
            this.directory = directory;
            this.address = address;
            this.port = port;
        }

        /** Serves {@code zone} (e.g. {@code example.test}) from {@code zoneText} (zone-file syntax, with $ORIGIN or not). */
        public Builder zone(String zone, String zoneText) {
            zones.put(zone, zoneText);
            return this;
        }

        /** Configures {@code zone} without data: NSD answers SERVFAIL for every name in it. */
        public Builder failingZone(String zone) {
            zones.put(zone, null);
            return this;
        }

        public NsdServer start() throws IOException {
            Files.createDirectories(directory);
            NsdServer server = new NsdServer(this);
            server.launch();
            return server;
        }
    }
}
