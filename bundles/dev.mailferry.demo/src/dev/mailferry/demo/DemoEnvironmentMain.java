package dev.mailferry.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Command line for scripts (the benchmark) and for a hidden {@code mailferry} command: starts a {@link DemoEnvironment},
 * writes a shell-sourceable file describing it, and keeps it running until the process is terminated.
 *
 * <pre>
 * java -cp dev.mailferry.core.jar:dev.mailferry.demo.jar dev.mailferry.demo.DemoEnvironmentMain \
 *     --dir /tmp/bench --users 1 --preset benchmark --messages 5000 --seed 42 --env-file /tmp/bench/env.sh
 * </pre>
 */
public final class DemoEnvironmentMain {

    private static final String USAGE = String.join("\n",
            "Usage: DemoEnvironmentMain --dir DIR [--env-file FILE] [--users N] [--preset small|text|benchmark]",
            "         [--messages N] [--seed S] [--near-limit] [--over-limit] [--delimiters ./]",
            "         [--server auto|dovecot|greenmail]",
            "         [--office365 [--throttle EVERY:MILLIS] [--tenant-rate MSGS] [--mailbox-rate MSGS]]",
            "Starts a source IMAP server with generated mailboxes and an empty target on loopback (Dovecot if",
            "installed, else GreenMail; see MAILFERRY_DEMO_SERVER), writes MF_* shell variables to FILE",
            "(default DIR/env.sh), prints READY and runs until terminated. --office365: the target is Dovecot as",
            "Exchange Online's IMAP with the Entra ID and Graph stand-ins (MF_O365_* variables); --throttle: every",
            "EVERY-th APPEND is answered 'Request is throttled. Suggested Backoff Time: MILLIS milliseconds';",
            "--tenant-rate / --mailbox-rate: at most MSGS APPENDs a second over all mailboxes / into each mailbox,",
            "beyond that the same answer with the time until the limit allows the APPEND.");

    private DemoEnvironmentMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Starts the environment described by {@code args} and blocks until the thread is interrupted or the JVM shuts
     * down; returns the exit code (2 for bad arguments). A CLI command can call this directly.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path dir = null;
        Path envFile = null;
        int users = 1;
        CorpusOptions corpus = new CorpusOptions();
        String delimiters = "./";
        DemoServerKind server = DemoServerKind.AUTO;
        boolean fsync = false;
        boolean office365 = false;
        int throttleEvery = 0;
        long throttleMillis = 0;
        double tenantRate = 0;
        double mailboxRate = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--env-file" -> envFile = Path.of(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--delimiters" -> delimiters = args[++i];
                case "--server" -> server = DemoServerKind.parse(args[++i]);
                case "--fsync" -> fsync = true;
                case "--office365" -> office365 = true;
                case "--throttle" -> {
                    String[] every = args[++i].split(":");
                    throttleEvery = Integer.parseInt(every[0]);
                    throttleMillis = Long.parseLong(every[1]);
                }
                case "--tenant-rate" -> tenantRate = Double.parseDouble(args[++i]);
                case "--mailbox-rate" -> mailboxRate = Double.parseDouble(args[++i]);
                default -> i = corpus.parse(args, i);
                }
            }
            if (dir == null || delimiters.length() != 2 || !corpus.hasKnownPreset()) {
                throw new IllegalArgumentException(
                        "--dir is required; --preset is small, text or benchmark; --delimiters two chars");
            }
            if (tenantRate < 0 || mailboxRate < 0 || throttleEvery < 0) {
                throw new IllegalArgumentException("--throttle, --tenant-rate and --mailbox-rate take positive numbers");
            }
        } catch (RuntimeException e) {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            err.println(USAGE);
            return 2;
        }
        CorpusSpec spec = corpus.spec();
        Files.createDirectories(dir);
        long started = System.nanoTime();
        Office365StandIn standIn = office365 ? Office365StandIn.builder(dir.resolve("office365")).start() : null;
        DemoEnvironment.Builder builder = DemoEnvironment.builder(dir).users(users).corpus(spec)
                .delimiters(delimiters.charAt(0), delimiters.charAt(1)).server(server).fsync(fsync);
        if (standIn != null) {
            builder.targetExchangeOnline(standIn);
        }
        DemoEnvironment environment = builder.start();
        ImapThrottlingProxy proxy = standIn != null && (throttleEvery > 0 || tenantRate > 0 || mailboxRate > 0)
                ? ImapThrottlingProxy.builder(standIn, environment.target().host(), environment.target().imapPort())
                        .everyNthAppend(throttleEvery, java.time.Duration.ofMillis(throttleMillis), Integer.MAX_VALUE)
                        .tenantRate(tenantRate).mailboxRate(mailboxRate).start()
                : null;
        Thread stopper = new Thread(() -> {
            if (proxy != null) {
                proxy.close();
                // for the benchmark's log: what the limits did
                out.printf("throttling proxy: %d APPENDs relayed, %d refused by the rate limits, %d by every-n-th%n",
                        proxy.appendsRelayed(), proxy.rateThrottles(), proxy.throttles());
                out.flush();
            }
            environment.stop();
            if (standIn != null) {
                standIn.close();
                // a batch's requests go through the stand-in's counter as if sent alone, besides the batch itself
                out.printf("graph stand-in: %d HTTP requests from clients, %d of them JSON batches holding %d requests;"
                        + " %d answers 429%n", standIn.graphRequests() - standIn.graphBatchedRequests(),
                        standIn.graphBatches(), standIn.graphBatchedRequests(), standIn.graphThrottled());
                out.flush();
            }
        }, "stop demo environment");
        Runtime.getRuntime().addShutdownHook(stopper);
        Path env = envFile != null ? envFile : dir.resolve("env.sh");
        writeEnvFile(environment, dir, env, standIn, proxy);
        long messagesWritten = environment.users().stream().mapToLong(u -> u.sourceManifest().messageCount()).sum();
        long bytesWritten = environment.users().stream().mapToLong(u -> u.sourceManifest().totalBytes()).sum();
        out.printf("%s: source %s:%d (delimiter %s), target %s:%d (delimiter %s); %d messages, %d bytes in %.1f s%n",
                environment.serverKind().displayName(), environment.source().host(), environment.source().imapPort(), environment.source().delimiter(),
                environment.target().host(), environment.target().imapPort(), environment.target().delimiter(),
                messagesWritten, bytesWritten, (System.nanoTime() - started) / 1e9);
        out.println("READY " + env);
        out.flush();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(stopper);
        stopper.run();
        return 0;
    }

    private static void writeEnvFile(DemoEnvironment environment, Path dir, Path env, Office365StandIn standIn,
            ImapThrottlingProxy proxy) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by DemoEnvironmentMain; source it from a shell.");
        if (standIn != null) {
            // the Office 365 stand-ins: the target is Exchange Online's IMAP (through the throttling proxy if any)
            lines.add("MF_O365_TENANT=" + quote(standIn.tenantId()));
            lines.add("MF_O365_CLIENT_ID=" + quote(standIn.clientId()));
            lines.add("MF_O365_CLIENT_SECRET=" + quote(standIn.clientSecret()));
            lines.add("MF_O365_LOGIN_URL=" + quote(standIn.loginUrl()));
            lines.add("MF_O365_GRAPH_URL=" + quote(standIn.graphUrl()));
            lines.add("MF_O365_IMAP_HOST=" + quote(environment.target().host()));
            lines.add("MF_O365_IMAP_PORT=" + (proxy != null ? proxy.port() : environment.target().imapsPort()));
            lines.add("MF_O365_TRUST=" + quote(standIn.certificateSha256()));
        }
        lines.add("MF_PID=" + ProcessHandle.current().pid());
        for (String side : List.of("SOURCE", "TARGET")) {
            DemoEnvironmentServer server = side.equals("SOURCE") ? environment.source() : environment.target();
            DemoImapServer running = side.equals("SOURCE") ? environment.sourceServer() : environment.targetServer();
            lines.add("MF_" + side + "_HOST=" + server.host());
            lines.add("MF_" + side + "_PORT=" + server.imapPort());
            lines.add("MF_" + side + "_IMAPS_PORT=" + server.imapsPort());
            lines.add("MF_" + side + "_DELIMITER=" + quote(String.valueOf(server.delimiter())));
            lines.add("MF_" + side + "_CERT_PEM=" + quote(server.certificatePemFile().toString()));
            lines.add("MF_" + side + "_CERT_SHA256=" + quote(server.certificateSha256()));
            lines.add("MF_" + side + "_STARTTLS=" + server.offersStartTls());
            if (running instanceof DovecotServer dovecot) {
                lines.add("MF_" + side + "_LOG=" + quote(dovecot.logFile().toString()));
            }
        }
        lines.add("MF_SERVER=" + environment.serverKind().name().toLowerCase(java.util.Locale.ROOT));
        Path csv = dir.resolve("mailboxes.csv");
        Files.writeString(csv, environment.csv(), StandardCharsets.UTF_8);
        if (environment.supportsMasterUsers()) {
            lines.add("MF_MASTER_USER=" + quote(environment.masterUserName()));
            lines.add("MF_MASTER_PASSWORD=" + quote(environment.masterPassword()));
            Path masterCsv = dir.resolve("mailboxes-master.csv");
            Files.writeString(masterCsv, environment.masterCsv(), StandardCharsets.UTF_8);
            lines.add("MF_MASTER_CSV=" + quote(masterCsv.toString()));
        }
        Path targetCsv = dir.resolve("mailboxes-with-targets.csv");
        Files.writeString(targetCsv, environment.csvWithTargetLogins(), StandardCharsets.UTF_8);
        lines.add("MF_TARGET_CSV=" + quote(targetCsv.toString()));
        lines.add("MF_CSV=" + quote(csv.toString()));
        lines.add("MF_USER_COUNT=" + environment.users().size());
        long messages = 0;
        long bytes = 0;
        for (int i = 0; i < environment.users().size(); i++) {
            DemoEnvironmentUser user = environment.users().get(i);
            String prefix = "MF_USER_" + (i + 1) + "_";
            Path manifest = dir.resolve("manifest-" + user.sourceUserName() + ".tsv");
            user.sourceManifest().writeTsv(manifest);
            lines.add(prefix + "EMAIL=" + quote(user.emailAddress()));
            lines.add(prefix + "SOURCE_USER=" + quote(user.sourceUserName()));
            lines.add(prefix + "SOURCE_PASSWORD=" + quote(user.sourcePassword()));
            lines.add(prefix + "TARGET_USER=" + quote(user.targetUserName()));
            lines.add(prefix + "TARGET_PASSWORD=" + quote(user.targetPassword()));
            if (environment.sourceServer() instanceof DovecotServer source
                    && environment.targetServer() instanceof DovecotServer target) {
                lines.add(prefix + "SOURCE_MAILDIR=" + quote(source.mailDir(user.sourceUserName()).toString()));
                lines.add(prefix + "TARGET_MAILDIR=" + quote(target.mailDir(user.targetUserName()).toString()));
            }
            lines.add(prefix + "MANIFEST=" + quote(manifest.toString()));
            lines.add(prefix + "MESSAGES=" + user.sourceManifest().messageCount());
            lines.add(prefix + "BYTES=" + user.sourceManifest().totalBytes());
            messages += user.sourceManifest().messageCount();
            bytes += user.sourceManifest().totalBytes();
        }
        lines.add("MF_MESSAGES=" + messages);
        lines.add("MF_BYTES=" + bytes);
        Path temp = env.resolveSibling(env.getFileName() + ".tmp");
        Files.write(temp, lines, StandardCharsets.UTF_8);
        // Renamed into place so a script polling for the file never reads half of it.
        Files.move(temp, env, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
