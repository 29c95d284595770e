package dev.mailferry.demo.dns;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One DNS daemon process in the foreground: started with its own configuration, ready once its log says so, stopped
 * with its children. The log goes to a file: the daemons keep the caller's stderr, and a pipe nobody reads blocks them.
 */
final class DnsDaemon {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(6);

    private final String what;
    private final Path log;
    private Process process;
    private Thread shutdownHook;

    DnsDaemon(String what, Path log) {
        this.what = what;
        this.log = log;
    }

    /** Starts {@code command} and waits until {@code log} holds {@code readyLine}. */
    void start(List<String> command, String readyLine) throws IOException {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command);
        Path output = log.resolveSibling(log.getFileName() + ".out");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        process = builder.start();
        Process started = process;
        shutdownHook = new Thread(() -> kill(started), "stop " + what);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (logSince(logStart).contains(readyLine)) {
                return;
            }
            if (!process.isAlive()) {
                String tail = logSince(logStart) + read(output);
                stop();
                throw new IOException(what + " exited at start (exit code " + started.exitValue() + "): " + tail);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IOException("interrupted while starting " + what, e);
            }
        }
        String tail = logSince(logStart) + read(output);
        stop();
        throw new IOException(what + " did not say '" + readyLine + "' within " + START_TIMEOUT.toSeconds() + " s: " + tail);
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    void stop() {
        if (process == null) {
            return;
        }
        kill(process);
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs already
        }
    }

    private String logSince(long offset) {
        String text = read(log);
        // a log shorter than before was started anew by the daemon: all of it is new
        return offset <= text.length() ? text.substring((int) offset) : text;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // nsd's server and xfrd processes normally leave with their parent; none may keep the port
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    /** The binary at one of the usual places, or a clear error saying which package installs it. */
    static String binary(String name, String debianPackage) {
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (apt-get install --no-install-recommends "
                + debianPackage + "; .ci/run does it)");
    }

    /**
     * A port that is free for UDP and TCP on every one of {@code addresses} (loopback addresses, which Linux routes
     * for all of 127.0.0.0/8), so that several servers can share it, as name servers share port 53.
     */
    static int freePort(List<String> addresses) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
                port = probe.getLocalPort();
            }
            if (freeEverywhere(addresses, port)) {
                return port;
            }
        }
        throw new IOException("no port free on all of " + addresses + " after 50 tries");
    }

    private static boolean freeEverywhere(List<String> addresses, int port) {
        for (String address : addresses) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(InetAddress.getByName(address), port));
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), port))) {
                    // both free
                }
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
