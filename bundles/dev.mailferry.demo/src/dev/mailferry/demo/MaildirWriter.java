package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SystemFlag;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes messages straight into a Dovecot user's Maildir, bypassing IMAP (so the IMAP connector is never tested with
 * itself, and large mailboxes fill in seconds). Per message: a file in {@code cur/} named
 * {@code <time>.<unique>.<host>,S=<size>,W=<size>:2,<flags>} with the internal date as mtime; per folder: the
 * {@code dovecot-keywords} file that gives keyword letters their names; for the mailbox: the {@code subscriptions} file.
 * <p>
 * Dovecot refuses to access mail as root, so when the caller is root the files must belong to the uid Dovecot's mail
 * processes use: pass it with {@link #ownedBy}.
 */
public final class MaildirWriter {

    private static final String HOST = "mailferry-demo";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path maildir;
    private final MaildirLayout layout;
    private int ownerUid = -1;
    private int ownerGid = -1;
    private final Map<FolderPath, List<String>> keywordsByFolder = new LinkedHashMap<>();
    private final Set<FolderPath> subscriptions = new LinkedHashSet<>();
    private final List<MaildirManifest.Entry> entries = new ArrayList<>();

    public MaildirWriter(Path maildir, MaildirLayout layout) {
        this.maildir = maildir;
        this.layout = layout;
    }

    /** Makes every directory and file written belong to {@code uid}:{@code gid} (needs root). */
    public MaildirWriter ownedBy(int uid, int gid) {
        this.ownerUid = uid;
        this.ownerGid = gid;
        return this;
    }

    /** Creates every folder of the corpus, writes all its messages, and finishes the mailbox. */
    public MaildirManifest write(CorpusGenerator corpus) throws IOException {
        for (CorpusFolder folder : corpus.folders()) {
            createFolder(folder.path(), folder.subscribed());
        }
        try {
            for (Iterator<SampleMessage> it = corpus.messages().iterator(); it.hasNext();) {
                add(it.next());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return finish();
    }

    /** Creates the folder (and the directories above it) if missing; records its subscription. */
    public void createFolder(FolderPath folder, boolean subscribed) throws IOException {
        if (!keywordsByFolder.containsKey(folder)) {
            if (!folder.isInbox() && folder.depth() > 1 && layout == MaildirLayout.FS) {
                createDirectories(layout.folderDirectory(maildir, folder.parent()));
            }
            Path dir = layout.folderDirectory(maildir, folder);
            createDirectories(dir);
            for (String sub : List.of("cur", "new", "tmp")) {
                createDirectories(dir.resolve(sub));
            }
            if (!folder.isInbox() && layout == MaildirLayout.MAILDIR_PLUS_PLUS) {
                // Marks a Maildir++ subfolder, as Dovecot and Courier do when they create one.
                Path marker = dir.resolve("maildirfolder");
                if (!Files.exists(marker)) {
                    Files.createFile(marker);
                    own(marker);
                }
            }
            keywordsByFolder.put(folder, new ArrayList<>(readKeywords(dir)));
        }
        if (subscribed) {
            subscriptions.add(folder);
        }
    }

    /** Stores one message in its folder (created unsubscribed if new) and returns its manifest entry. */
    public MaildirManifest.Entry add(SampleMessage message) throws IOException {
        if (!keywordsByFolder.containsKey(message.folder())) {
            createFolder(message.folder(), false);
        }
        Path dir = layout.folderDirectory(maildir, message.folder());
        long seconds = message.internalDate().getEpochSecond();
        String base = seconds + ".M" + message.index() + "P" + ProcessHandle.current().pid() + "Q"
                + SEQUENCE.incrementAndGet() + "." + HOST + ",S=" + message.size() + ",W=" + message.size();
        String fileName = base + ":2," + flagLetters(message, keywordsByFolder.get(message.folder()));
        // Written in tmp/ and renamed into cur/, so a running Dovecot never sees half a message.
        Path temporary = dir.resolve("tmp").resolve(base);
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write(message.raw());
        }
        Files.setLastModifiedTime(temporary, FileTime.from(message.internalDate()));
        own(temporary);
        Files.move(temporary, dir.resolve("cur").resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
        MaildirManifest.Entry entry = new MaildirManifest.Entry(message.folder(), fileName, message.sha256(),
                message.size(), message.internalDate(), message.flags(), message.deleted(), message.messageId(),
                message.oddity());
        entries.add(entry);
        return entry;
    }

    /** Writes the keyword and subscription files and returns what was stored. */
    public MaildirManifest finish() throws IOException {
        for (Map.Entry<FolderPath, List<String>> e : keywordsByFolder.entrySet()) {
            if (!e.getValue().isEmpty()) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < e.getValue().size(); i++) {
                    text.append(i).append(' ').append(e.getValue().get(i)).append('\n');
                }
                writeFile(layout.folderDirectory(maildir, e.getKey()).resolve("dovecot-keywords"), text.toString());
            }
        }
        TreeSet<String> names = new TreeSet<>();
        for (FolderPath folder : subscriptions) {
            names.add(layout.storageName(folder));
        }
        Path subscriptionsFile = maildir.resolve("subscriptions");
        if (Files.exists(subscriptionsFile)) {
            for (String line : Files.readAllLines(subscriptionsFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
        }
        writeFile(subscriptionsFile, names.isEmpty() ? "" : String.join("\n", names) + "\n");
        return new MaildirManifest(new ArrayList<>(keywordsByFolder.keySet()), entries);
    }

    /** Maildir info letters: system flags in ASCII order, then keyword letters a-z from dovecot-keywords. */
    private static String flagLetters(SampleMessage message, List<String> folderKeywords) {
        TreeSet<Character> letters = new TreeSet<>();
        if (message.flags().has(SystemFlag.DRAFT)) {
            letters.add('D');
        }
        if (message.flags().has(SystemFlag.FLAGGED)) {
            letters.add('F');
        }
        if (message.flags().has(SystemFlag.ANSWERED)) {
            letters.add('R');
        }
        if (message.flags().has(SystemFlag.SEEN)) {
            letters.add('S');
        }
        if (message.deleted()) {
            letters.add('T');
        }
        for (String keyword : message.flags().keywords()) {
            int slot = folderKeywords.indexOf(keyword);
            if (slot < 0) {
                if (folderKeywords.size() == 26) {
                    throw new IllegalStateException("Maildir allows 26 keywords per folder; " + message.folder() + " has more");
                }
                folderKeywords.add(keyword);
                slot = folderKeywords.size() - 1;
            }
            letters.add((char) ('a' + slot));
        }
        StringBuilder out = new StringBuilder();
        letters.forEach(out::append);
        return out.toString();
    }

    /** Keywords already defined in the folder, so letters written earlier keep their meaning. */
    private static List<String> readKeywords(Path dir) throws IOException {
        Path file = dir.resolve("dovecot-keywords");
        List<String> keywords = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    int slot = Integer.parseInt(line.substring(0, space));
                    while (keywords.size() <= slot) {
                        keywords.add("");
                    }
                    keywords.set(slot, line.substring(space + 1));
                }
            }
        }
        return keywords;
    }

    private void writeFile(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        own(file);
    }

    private void createDirectories(Path dir) throws IOException {
        Path existing = dir;
        List<Path> created = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            created.add(0, existing);
            existing = existing.getParent();
        }
        for (Path p : created) {
            Files.createDirectory(p);
            own(p);
        }
    }

    private void own(Path path) throws IOException {
        if (ownerUid >= 0) {
            Files.setAttribute(path, "unix:uid", ownerUid);
            Files.setAttribute(path, "unix:gid", ownerGid);
        }
    }
}
