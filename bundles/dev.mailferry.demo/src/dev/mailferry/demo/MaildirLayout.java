package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * How Dovecot maps folders to directories under a user's Maildir. Both keep INBOX in the Maildir itself and store
 * names in modified UTF-7 (Dovecot's default without the UTF8 option).
 */
public enum MaildirLayout {
    /** Maildir++: every folder is a dot-directory at the top, hierarchy by '.': {@code .Archive.2024}. */
    MAILDIR_PLUS_PLUS('.'),
    /** Dovecot's LAYOUT=fs: folders are nested directories, hierarchy by '/': {@code Archive/2024}. */
    FS('/');

    private final char delimiter;

    MaildirLayout(char delimiter) {
        this.delimiter = delimiter;
    }

    /** The hierarchy delimiter on disk, which is also the natural IMAP delimiter of a namespace over this layout. */
    public char delimiter() {
        return delimiter;
    }

    public static MaildirLayout forDelimiter(char delimiter) {
        for (MaildirLayout layout : values()) {
            if (layout.delimiter == delimiter) {
                return layout;
            }
        }
        throw new IllegalArgumentException("No Maildir layout uses '" + delimiter + "' as delimiter");
    }

    /** Dovecot's {@code mail_location} for a Maildir at {@code maildir}. */
    public String dovecotMailLocation(String maildir) {
        return "maildir:" + maildir + (this == FS ? ":LAYOUT=fs" : "");
    }

    /** The folder's name as stored: modified UTF-7 segments joined by the delimiter ("INBOX" for the inbox). */
    public String storageName(FolderPath folder) {
        if (folder.isInbox()) {
            return "INBOX";
        }
        for (String segment : folder.segments()) {
            if (segment.indexOf(delimiter) >= 0) {
                throw new IllegalArgumentException("Folder name '" + segment + "' contains the delimiter '" + delimiter
                        + "' of " + this);
            }
        }
        return folder.segments().stream().map(MaildirModifiedUtf7::encode)
                .collect(Collectors.joining(String.valueOf(delimiter)));
    }

    /** The directory that holds the folder's cur/new/tmp. */
    public Path folderDirectory(Path maildir, FolderPath folder) {
        if (folder.isInbox()) {
            return maildir;
        }
        String name = storageName(folder);
        return this == MAILDIR_PLUS_PLUS ? maildir.resolve("." + name) : maildir.resolve(name);
    }
}
