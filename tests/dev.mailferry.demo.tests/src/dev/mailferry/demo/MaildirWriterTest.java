package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SystemFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maildir files as written, before any Dovecot looks at them. */
class MaildirWriterTest {

    private static final Pattern FILE_NAME = Pattern
            .compile("(\\d+)\\.M\\d+P\\d+Q\\d+\\.mailferry-demo,S=(\\d+),W=(\\d+):2,([A-Z]*)([a-z]*)");

    @TempDir
    Path dir;

    @Test
    void maildirPlusPlusUsesDotFoldersInModifiedUtf7() throws Exception {
        MaildirManifest manifest = new MaildirWriter(dir, MaildirLayout.MAILDIR_PLUS_PLUS)
                .write(new CorpusGenerator(CorpusSpec.small(2, 60)));
        for (String name : List.of("cur", ".Archive.2024/cur", ".Projects.Apollo.Specs/new", ".Entw&APw-rfe &AMQ-/tmp",
                ".&BB8EQAQ+BDUEOgRCBEs-/cur", ".&ZeVnLIqe-/cur", ".Customer Feedback/cur", ".R&-D/cur", ".Archive/cur")) {
            assertTrue(Files.isDirectory(dir.resolve(name)), name);
        }
        assertTrue(Files.exists(dir.resolve(".Archive.2024/maildirfolder")));
        assertFilesMatchManifest(manifest, MaildirLayout.MAILDIR_PLUS_PLUS);
    }

    @Test
    void fsLayoutNestsFolderDirectories() throws Exception {
        MaildirManifest manifest = new MaildirWriter(dir, MaildirLayout.FS).write(new CorpusGenerator(CorpusSpec.small(2, 60)));
        for (String name : List.of("cur", "Archive/2024/cur", "Projects/Apollo/Specs/cur", "Entw&APw-rfe &AMQ-/cur",
                "&ZeVnLIqe-/new", "R&-D/tmp")) {
            assertTrue(Files.isDirectory(dir.resolve(name)), name);
        }
        assertFilesMatchManifest(manifest, MaildirLayout.FS);
    }

    @Test
    void subscriptionsListSubscribedFoldersByStorageName() throws Exception {
        new MaildirWriter(dir, MaildirLayout.MAILDIR_PLUS_PLUS).write(new CorpusGenerator(CorpusSpec.small(2, 30)));
        List<String> lines = Files.readAllLines(dir.resolve("subscriptions"), StandardCharsets.UTF_8);
        assertTrue(lines.containsAll(List.of("INBOX", "Archive.2024", "Entw&APw-rfe &AMQ-", "&ZeVnLIqe-")), lines.toString());
        // The corpus leaves "R&D" unsubscribed, so a migration must not rely on LSUB.
        assertTrue(!lines.contains("R&-D"), lines.toString());
    }

    @Test
    void manifestSurvivesTsvRoundTrip() throws Exception {
        MaildirManifest manifest = new MaildirWriter(dir.resolve("Maildir"), MaildirLayout.FS)
                .write(new CorpusGenerator(CorpusSpec.small(4, 80)));
        Path tsv = dir.resolve("manifest.tsv");
        manifest.writeTsv(tsv);
        MaildirManifest read = MaildirManifest.readTsv(tsv);
        assertEquals(manifest.folders(), read.folders());
        assertEquals(manifest.entries(), read.entries());
        assertEquals(80, read.messageCount());
        assertEquals(0, read.messageCounts().get(FolderPath.of("Archive")));
    }

    @Test
    void writingMoreMailKeepsKeywordLettersOfEarlierFiles() throws Exception {
        FolderPath inbox = FolderPath.of("INBOX");
        SampleMessage first = sample(0, inbox, MessageFlags.of(List.of(SystemFlag.SEEN), List.of("Important")));
        SampleMessage second = sample(1, inbox, MessageFlags.of(List.of(), List.of("$Label1", "Important")));
        MaildirWriter writer = new MaildirWriter(dir, MaildirLayout.MAILDIR_PLUS_PLUS);
        writer.add(first);
        writer.finish();
        MaildirWriter later = new MaildirWriter(dir, MaildirLayout.MAILDIR_PLUS_PLUS);
        later.createFolder(inbox, true);
        MaildirManifest.Entry entry = later.add(second);
        later.finish();
        assertEquals(List.of("0 Important", "1 $Label1"), Files.readAllLines(dir.resolve("dovecot-keywords")));
        assertTrue(entry.fileName().endsWith(":2,ab"), entry.fileName());
    }

    private static SampleMessage sample(int index, FolderPath folder, MessageFlags flags) {
        byte[] raw = ("Subject: test " + index + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        return new SampleMessage(index, folder, raw, flags, false, java.time.Instant.parse("2024-02-29T12:00:00Z"), null,
                null, "UTF-8", SampleMessageKind.PLAIN_TEXT, raw.length);
    }

    private void assertFilesMatchManifest(MaildirManifest manifest, MaildirLayout layout) throws Exception {
        assertEquals(60, manifest.messageCount());
        for (MaildirManifest.Entry entry : manifest.entries()) {
            Path folderDir = layout.folderDirectory(dir, entry.folder());
            Path file = folderDir.resolve("cur").resolve(entry.fileName());
            byte[] raw = Files.readAllBytes(file);
            assertEquals(entry.sha256(), MaildirManifest.sha256Hex(raw));
            assertEquals(entry.internalDate(), Files.getLastModifiedTime(file).toInstant(), entry.fileName());
            Matcher name = FILE_NAME.matcher(entry.fileName());
            assertTrue(name.matches(), entry.fileName());
            assertEquals(raw.length, Long.parseLong(name.group(2)));
            assertEquals(raw.length, Long.parseLong(name.group(3)), "CRLF files: virtual size equals file size");
            assertEquals(expectedSystemLetters(entry), name.group(4), entry.fileName());
            List<String> keywords = keywords(folderDir);
            StringBuilder letters = new StringBuilder();
            entry.flags().keywords().stream().map(k -> (char) ('a' + keywords.indexOf(k))).sorted().forEach(letters::append);
            assertEquals(letters.toString(), name.group(5), entry.fileName() + " " + entry.flags());
        }
        Map<FolderPath, Integer> counts = manifest.messageCounts();
        for (Map.Entry<FolderPath, Integer> e : counts.entrySet()) {
            try (var files = Files.list(layout.folderDirectory(dir, e.getKey()).resolve("cur"))) {
                assertEquals(e.getValue().longValue(), files.count(), e.getKey().toString());
            }
        }
    }

    private static String expectedSystemLetters(MaildirManifest.Entry entry) {
        StringBuilder letters = new StringBuilder();
        if (entry.flags().has(SystemFlag.DRAFT)) {
            letters.append('D');
        }
        if (entry.flags().has(SystemFlag.FLAGGED)) {
            letters.append('F');
        }
        if (entry.flags().has(SystemFlag.ANSWERED)) {
            letters.append('R');
        }
        if (entry.flags().has(SystemFlag.SEEN)) {
            letters.append('S');
        }
        if (entry.deleted()) {
            letters.append('T');
        }
        return letters.toString();
    }

    private static List<String> keywords(Path folderDir) throws Exception {
        Path file = folderDir.resolve("dovecot-keywords");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
    }
}
