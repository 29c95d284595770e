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
public final class NsdServer implements AutoCloseable {

    private final Path directory;
    private final String address;
    private final int port;
    private final Map<String, String> zones;
    private final DnsDaemon daemon;

    private NsdServer(Builder builder) {
        this.directory = builder.directory;
        this.address = builder.address;
        this.port = builder.port;
        this.zones = new LinkedHashMap<>(builder.zones);
        this.daemon = new DnsDaemon("nsd on " + address + ":" + port, directory.resolve("nsd.log"));
    }

    /** A server in {@code directory} (created if needed) listening on {@code address} (127.x.y.z), UDP and TCP {@code port}. */
    public static Builder builder(Path directory, String address, int port) {
        return new Builder(directory, address, port);
    }

    /** A port free for UDP and TCP on each of the loopback {@code addresses}, for servers that share one port. */
    public static int freePort(List<String> addresses) throws IOException {
        return DnsDaemon.freePort(addresses);
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** {@code address@port}, as unbound's stub-addr takes it. */
    public String addressAtPort() {
        return address + "@" + port;
    }

    /**
     * Serves {@code zoneText} for {@code zone} from now on (null: configured without data, answered with SERVFAIL), by
     * restarting the server on the same address and port, as an administrator's zone change followed by a reload.
     */
    public void replaceZone(String zone, String zoneText) throws IOException {
        zones.put(zone, zoneText);
        daemon.stop();
        launch();
    }

    @Override
    public void close() {
        daemon.stop();
    }

    private void launch() throws IOException {
        StringBuilder config = new StringBuilder();
        config.append("server:\n")
                .append("  ip-address: ").append(address).append('@').append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                // no privilege drop and no chroot: the same as root or as a CI user
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  zonesdir: \"").append(directory).append("\"\n")
                .append("  pidfile: \"").append(directory.resolve("nsd.pid")).append("\"\n")
                .append("  database: \"\"\n")
                .append("  zonelistfile: \"").append(directory.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(directory.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(directory).append("\"\n")
                .append("  logfile: \"").append(directory.resolve("nsd.log")).append("\"\n")
                .append("  server-count: 1\n")
                .append("  do-ip6: no\n")
                .append("  verbosity: 1\n")
                .append("remote-control:\n  control-enable: no\n");
        for (Map.Entry<String, String> zone : zones.entrySet()) {
            String file = zone.getKey() + ".zone";
            Files.deleteIfExists(directory.resolve(file));
            if (zone.getValue() != null) {
                Files.writeString(directory.resolve(file), zone.getValue(), StandardCharsets.UTF_8);
            }
            config.append("zone:\n  name: \"").append(zone.getKey()).append("\"\n  zonefile: \"").append(file).append("\"\n");
        }
        Files.writeString(directory.resolve("nsd.conf"), config, StandardCharsets.UTF_8);
        // zone data of an earlier start is not reused: NSD reads the zone files anew
        Files.deleteIfExists(directory.resolve("zone.list"));
        Files.deleteIfExists(directory.resolve("xfrd.state"));
        daemon.start(List.of(DnsDaemon.binary("nsd", "nsd"), "-d", "-c", directory.resolve("nsd.conf").toString()),
                "nsd started");
    }

    @Override
    public String toString() {
        return "NSD[" + address + ":" + port + ", " + directory + "]";
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
