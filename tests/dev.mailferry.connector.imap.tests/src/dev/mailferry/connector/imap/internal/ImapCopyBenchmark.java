package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures the connector's copy rate Dovecot to Dovecot on loopback, like BUILD-NOTES' references (one
 * mailbox, ~5,000 messages averaging ~80 KB, one connection each side). Run with the bundles' classes, Angus Mail and
 * jakarta.mail on the class path:
 * {@code java ... ImapCopyBenchmark [workDir] [messages] [plain|ssl] [copy|read|mbsync-first] [nofsync|fsync]}.
 */
public final class ImapCopyBenchmark {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/mailferry-imap-bench");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        boolean ssl = args.length > 2 && args[2].equals("ssl");
        boolean readOnly = args.length > 3 && args[3].equals("read");
        boolean fsync = args.length > 4 && args[4].equals("fsync");
        try (DovecotServer from = DovecotServer.builder(work.resolve("source")).user("bench", "bench-pw").fsync(fsync)
                .start();
                DovecotServer to = DovecotServer.builder(work.resolve("target")).user("bench", "bench-pw").fsync(fsync)
                        .user("mbsync", "bench-pw").start()) {
            long bytes = fillMaildir(from, count);
            System.out.printf("source: %d messages, %.1f MB%n", count, bytes / 1e6);
            Credentials credentials = new Credentials("bench", Secret.of("bench-pw"));
            // Dovecot indexes a Maildir on first access; do that before timing anything so both tools find it done.
            try (SourceSession warmUp = new ImapSourceConnector().open(endpoint(from, ssl), credentials);
                    SourceFolderReader reader = warmUp.openFolder(warmUp.listFolders().get(0))) {
                reader.scanMessages(1, Long.MAX_VALUE, m -> { });
            }
            boolean mbsyncFirst = args.length > 3 && args[3].equals("mbsync-first");
            if (mbsyncFirst) {
                runMbsync(work, from, to, count, bytes, ssl);
            }
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            AtomicLong copied = new AtomicLong();
            try (SourceSession source = new ImapSourceConnector().open(endpoint(from, ssl), credentials);
                    TargetSession target = new ImapTargetConnector().open(endpoint(to, ssl), credentials)) {
                SourceFolder inbox = source.listFolders().stream().filter(f -> f.path().isInbox()).findFirst()
                        .orElseThrow();
                try (SourceFolderReader reader = source.openFolder(inbox);
                        TargetFolderWriter writer = target.openFolder(target.createFolder(FolderPath.of("INBOX")))) {
                    List<MessageInfo> messages = new ArrayList<>();
                    reader.scanMessages(1, Long.MAX_VALUE, messages::add);
                    double scanned = (System.nanoTime() - start) / 1e9;
                    System.out.printf("scanned %d messages in %.2f s%n", messages.size(), scanned);
                    TargetFolderWriter.AppendListener listener = new TargetFolderWriter.AppendListener() {
                        @Override
                        public void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags) {
                            copied.incrementAndGet();
                        }

                        @Override
                        public void rejected(MessageInfo message, String reason) {
                            System.out.println("rejected " + message.uid() + ": " + reason);
                        }
                    };
                    reader.readMessages(messages, new SourceFolderReader.MessageBodyHandler() {
                        @Override
                        public void body(MessageInfo message, InputStream rawMessage) throws ConnectorException {
                            if (readOnly) {
                                try {
                                    rawMessage.transferTo(java.io.OutputStream.nullOutputStream());
                                } catch (java.io.IOException e) {
                                    throw new IllegalStateException(e);
                                }
                                copied.incrementAndGet();
                            } else {
                                writer.append(message, message.flags(), rawMessage, listener);
                            }
                        }

                        @Override
                        public void vanished(MessageInfo message) {
                            System.out.println("vanished " + message.uid());
                        }
                    });
                    writer.flush();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            System.out.printf("copied %d messages (%.1f MB) in %.2f s: %.0f msg/s, %.1f MB/s, JVM CPU %.1f s%s%n",
                    copied.get(), bytes / 1e6, seconds, copied.get() / seconds, bytes / 1e6 / seconds, cpu,
                    (ssl ? " (TLS)" : "") + (fsync ? " (fsync)" : ""));
            if (Files.isExecutable(Path.of("/usr/bin/mbsync")) && !readOnly && !mbsyncFirst) {
                runMbsync(work, from, to, count, bytes, ssl);
            }
        }
    }

    /** The same copy with isync's mbsync into another target user, for comparison on the same machine and load. */
    private static void runMbsync(Path work, DovecotServer from, DovecotServer to, int count, long bytes, boolean ssl)
            throws Exception {
        Path state = Files.createDirectories(work.resolve("mbsync-state"));
        String account = "IMAPAccount %s\nHost %s\nPort %d\nUser %s\nPass bench-pw\n%s\nAuthMechs LOGIN\n\n"
                + "IMAPStore %s\nAccount %s\n\n";
        String tls = ssl ? "SSLType IMAPS\nCertificateFile " : "SSLType None";
        String config = String.format(account, "src", from.host(), ssl ? from.imapsPort() : from.imapPort(), "bench",
                ssl ? tls + from.certificatePemFile() : tls, "src", "src")
                + String.format(account, "dst", to.host(), ssl ? to.imapsPort() : to.imapPort(), "mbsync",
                        ssl ? tls + to.certificatePemFile() : tls, "dst", "dst")
                + "Channel copy\nFar :src:INBOX\nNear :dst:INBOX\nSync Pull\nCreate Near\nSyncState " + state
                + "/\n";
        Path rc = work.resolve("mbsyncrc");
        Files.writeString(rc, config);
        long start = System.nanoTime();
        Process mbsync = new ProcessBuilder("/usr/bin/mbsync", "-q", "-c", rc.toString(), "copy")
                .redirectErrorStream(true).redirectOutput(work.resolve("mbsync.log").toFile()).start();
        int exit = mbsync.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("mbsync (exit %d): %d messages in %.2f s: %.0f msg/s, %.1f MB/s%n", exit, count, seconds,
                count / seconds, bytes / 1e6 / seconds);
    }

    /** CPU time of this JVM only (the Dovecot processes are not counted). */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static Endpoint endpoint(DovecotServer server, boolean ssl) {
        return new Endpoint(ImapSettings.CONNECTOR_ID, ssl
                ? Map.of(ImapSettings.HOST, server.host(), ImapSettings.PORT, Integer.toString(server.imapsPort()),
                        ImapSettings.SECURITY, ImapSettings.SECURITY_SSL, ImapSettings.TLS_TRUST,
                        server.certificateSha256())
                : Map.of(ImapSettings.HOST, server.host(), ImapSettings.PORT, Integer.toString(server.imapPort()),
                        ImapSettings.SECURITY, ImapSettings.SECURITY_NONE));
    }

    /** Writes messages straight into the source Maildir: mostly 5-60 KB, some 200 KB-2 MB, ~80 KB on average. */
    private static long fillMaildir(DovecotServer server, int count) throws Exception {
        Path cur = server.mailDir("bench").resolve("cur");
        Files.createDirectories(cur);
        Files.createDirectories(server.mailDir("bench").resolve("new"));
        Files.createDirectories(server.mailDir("bench").resolve("tmp"));
        Random random = new Random(42);
        long total = 0;
        long time = 1_600_000_000L;
        for (int i = 0; i < count; i++) {
            int size = random.nextInt(100) < 96 ? 5_000 + random.nextInt(55_000) : 200_000 + random.nextInt(1_300_000);
            StringBuilder text = new StringBuilder(size + 400);
            text.append("From: a").append(i % 50).append("@example.org\r\nTo: bench@example.net\r\nSubject: message ")
                    .append(i).append("\r\nMessage-ID: <bench").append(i).append("@example.org>\r\n")
                    .append("Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n");
            while (text.length() < size) {
                text.append("Benchmark line ").append(random.nextInt()).append(" lorem ipsum dolor sit amet\r\n");
            }
            byte[] raw = text.toString().getBytes(StandardCharsets.US_ASCII);
            total += raw.length;
            time += 60;
            Path file = cur.resolve(time + ".M" + i + "P1.bench,S=" + raw.length + ":2," + (i % 3 == 0 ? "" : "S"));
            Files.write(file, raw);
            file.toFile().setLastModified(time * 1000);
        }
        server.fixMailOwnership();
        return total;
    }
}
