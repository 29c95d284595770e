package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line that scripts use to fill a Maildir. */
class MaildirFillTest {

    @TempDir
    Path dir;

    @Test
    void fillsTheMaildirAndWritesTheManifest() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path manifestFile = dir.resolve("manifest.tsv");
        int exit = MaildirFill.run(new String[] { "--maildir", dir.resolve("Maildir").toString(), "--layout", "fs",
                "--messages", "25", "--seed", "9", "--manifest", manifestFile.toString() },
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, exit);
        MaildirManifest manifest = MaildirManifest.readTsv(manifestFile);
        assertEquals(25, manifest.messageCount());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("25 messages, " + manifest.totalBytes() + " bytes"));
        assertTrue(Files.isDirectory(dir.resolve("Maildir/Archive/2024/cur")));
        // Same seed, same bytes: the manifest matches a fresh generation.
        assertEquals(new CorpusGenerator(CorpusSpec.small(9, 25)).message(0).sha256(), manifest.entries().get(0).sha256());
    }

    @Test
    void badArgumentsExitWithUsage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MaildirFill.run(new String[] { "--layout", "mbox" }, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: MaildirFill"));
    }
}
