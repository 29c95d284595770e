package dev.mailferry.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line that writes a generated mailbox into an existing Maildir (of any Dovecot, not only DovecotServer's),
 * for scripts and a hidden {@code mailferry bench-fill} command.
 *
 * <pre>
 * java -cp dev.mailferry.core.jar:dev.mailferry.demo.jar dev.mailferry.demo.MaildirFill \
 *     --maildir /home/alice/Maildir --layout maildir++ --preset benchmark --seed 42 --owner 65534:65534
 * </pre>
 */
public final class MaildirFill {

    private static final String USAGE = String.join("\n",
            "Usage: MaildirFill --maildir DIR [--layout maildir++|fs] [--preset small|text|benchmark] [--messages N]",
            "         [--seed S] [--near-limit] [--over-limit] [--owner UID:GID] [--manifest FILE]",
            "Writes a generated mailbox into DIR and prints what was written; FILE gets the manifest (TSV).");

    private MaildirFill() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /** Fills the Maildir described by {@code args}; returns the exit code (2 for bad arguments). */
    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path maildir = null;
        Path manifestFile = null;
        MaildirLayout layout = MaildirLayout.MAILDIR_PLUS_PLUS;
        CorpusOptions corpus = new CorpusOptions();
        int uid = -1;
        int gid = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                case "--maildir" -> maildir = Path.of(args[++i]);
                case "--manifest" -> manifestFile = Path.of(args[++i]);
                case "--layout" -> layout = switch (args[++i]) {
                    case "maildir++" -> MaildirLayout.MAILDIR_PLUS_PLUS;
                    case "fs" -> MaildirLayout.FS;
                    default -> throw new IllegalArgumentException("--layout is maildir++ or fs");
                    };
                case "--owner" -> {
                    String[] ids = args[++i].split(":");
                    uid = Integer.parseInt(ids[0]);
                    gid = Integer.parseInt(ids[ids.length - 1]);
                }
                default -> i = corpus.parse(args, i);
                }
            }
            if (maildir == null || !corpus.hasKnownPreset()) {
                throw new IllegalArgumentException("--maildir is required; --preset is small, text or benchmark");
            }
        } catch (RuntimeException e) {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            err.println(USAGE);
            return 2;
        }
        CorpusSpec spec = corpus.spec();
        long started = System.nanoTime();
        Files.createDirectories(maildir);
        MaildirWriter writer = new MaildirWriter(maildir, layout);
        if (uid >= 0) {
            writer.ownedBy(uid, gid);
        }
        MaildirManifest manifest = writer.write(new CorpusGenerator(spec));
        if (manifestFile != null) {
            manifest.writeTsv(manifestFile);
        }
        out.printf("%d messages, %d bytes, %d folders written to %s in %.1f s%n", manifest.messageCount(),
                manifest.totalBytes(), manifest.folders().size(), maildir, (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
