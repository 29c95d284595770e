package dev.mailferry.demo.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the NSD and Unbound instances share: one daemon, in the foreground, on one loopback address and port, its
 * configuration, pid file and log in one directory, with no privilege drop and no chroot (the same as root or not).
 */
public abstract class LoopbackDnsServer implements AutoCloseable {

    final Path directory;
    private final String address;
    private final int port;
    private final String program;
    private final String debianPackage;
    private final DnsDaemon daemon;

    LoopbackDnsServer(Path directory, String address, int port, String program, String debianPackage) {
        this.directory = directory;
        this.address = address;
        this.port = port;
        this.program = program;
        this.debianPackage = debianPackage;
        this.daemon = new DnsDaemon(program + " on " + address + ":" + port, directory.resolve(program + ".log"));
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** Writes the configuration anew and starts the daemon; it is ready once its log says so. */
    abstract void launch() throws IOException;

    /** Stops the daemon and starts it again on the same address and port. */
    void relaunch() throws IOException {
        daemon.stop();
        launch();
    }

    /**
     * The {@code server:} lines both daemons take alike, listening with {@code listenKey} ({@code ip-address} for NSD,
     * {@code interface} for Unbound); the caller adds its own and then {@link #REMOTE_CONTROL_OFF}.
     */
    StringBuilder serverClause(String listenKey) {
        return new StringBuilder("server:\n")
                .append("  ").append(listenKey).append(": ").append(address).append('@').append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  pidfile: \"").append(directory.resolve(program + ".pid")).append("\"\n")
                .append("  logfile: \"").append(directory.resolve(program + ".log")).append("\"\n")
                .append("  do-ip6: no\n")
                .append("  verbosity: 1\n");
    }

    static final String REMOTE_CONTROL_OFF = "remote-control:\n  control-enable: no\n";

    /** Writes {@code config} as {@code <program>.conf} and runs {@code <program> -d -c} on it until {@code readyLine}. */
    void startDaemon(CharSequence config, String readyLine) throws IOException {
        Path file = directory.resolve(program + ".conf");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        daemon.start(List.of(DnsDaemon.binary(program, debianPackage), "-d", "-c", file.toString()), readyLine);
    }

    @Override
    public void close() {
        daemon.stop();
    }

    @Override
    public String toString() {
        return program + "[" + address + ":" + port + ", " + directory + "]";
    }
}
