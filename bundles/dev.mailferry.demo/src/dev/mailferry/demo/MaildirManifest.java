package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link MaildirWriter} (or {@link GreenMailServer#fillMailbox}) stored, message by message: enough to check a
 * migrated copy (same bytes, flags, internal date, folder) without the source. Folders are in creation order, messages
 * in write order.
 */
public final class MaildirManifest {

    /**
     * One stored message.
     *
     * @param fileName  the Maildir file name (in cur/); on GreenMail, which has no files, the message's IMAP UID
     * @param sha256    hex SHA-256 of the raw message bytes
     * @param messageId Message-ID header value, null when absent
     * @param oddity    the defect built into the message, null when none
     */
    public record Entry(FolderPath folder, String fileName, String sha256, long size, Instant internalDate,
            MessageFlags flags, boolean deleted, String messageId, CorpusOddity oddity) {

        public Entry {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(internalDate, "internalDate");
            Objects.requireNonNull(flags, "flags");
        }
    }

    private static final String TSV_HEADER = "folder\tfile\tsha256\tsize\tinternal_date\tflags\tdeleted\tmessage_id\toddity";

    private final List<FolderPath> folders;
    private final List<Entry> entries;

    public MaildirManifest(List<FolderPath> folders, List<Entry> entries) {
        this.folders = List.copyOf(folders);
        this.entries = List.copyOf(entries);
    }

    public List<FolderPath> folders() {
        return folders;
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<Entry> entries(FolderPath folder) {
        return entries.stream().filter(e -> e.folder().equals(folder)).collect(Collectors.toList());
    }

    /** Messages per folder, every folder listed (empty ones with 0). */
    public Map<FolderPath, Integer> messageCounts() {
        Map<FolderPath, Integer> counts = new LinkedHashMap<>();
        folders.forEach(f -> counts.put(f, 0));
        entries.forEach(e -> counts.merge(e.folder(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    public int messageCount() {
        return entries.size();
    }

    public long totalBytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    /** The entries whose raw bytes hash to {@code sha256} (more than one only if the same bytes were stored twice). */
    public List<Entry> bySha256(String sha256) {
        return entries.stream().filter(e -> e.sha256().equalsIgnoreCase(sha256)).collect(Collectors.toList());
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** Tab-separated, one message per line, folders as '/'-joined percent-encoded segments (for scripts and diffs). */
    public void writeTsv(Path file) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(TSV_HEADER + "\n");
            for (FolderPath folder : folders) {
                writer.write("#folder\t" + encodeFolder(folder) + "\n");
            }
            for (Entry e : entries) {
                writer.write(String.join("\t", encodeFolder(e.folder()), e.fileName(), e.sha256(), Long.toString(e.size()),
                        e.internalDate().toString(), dashIfEmpty(e.flags().toString()), e.deleted() ? "1" : "0",
                        dashIfEmpty(e.messageId()), e.oddity() == null ? "-" : e.oddity().name()) + "\n");
            }
        }
    }

    public static MaildirManifest readTsv(Path file) throws IOException {
        List<FolderPath> folders = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("#folder")) {
                folders.add(decodeFolder(f[1]));
                continue;
            }
            entries.add(new Entry(decodeFolder(f[0]), f[1], f[2], Long.parseLong(f[3]), Instant.parse(f[4]),
                    f[5].equals("-") ? MessageFlags.NONE : MessageFlags.parse(f[5]), f[6].equals("1"),
                    f[7].equals("-") ? null : f[7], f[8].equals("-") ? null : CorpusOddity.valueOf(f[8])));
        }
        return new MaildirManifest(folders, entries);
    }

    private static String dashIfEmpty(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private static String encodeFolder(FolderPath folder) {
        return folder.segments().stream().map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8))
                .collect(Collectors.joining("/"));
    }

    private static FolderPath decodeFolder(String text) {
        return FolderPath.of(Arrays.stream(text.split("/")).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
                .collect(Collectors.toList()));
    }
}
