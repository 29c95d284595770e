package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.BODY;

/**
 * Reads and changes a Dovecot mailbox with Jakarta Mail directly (not through the connector under test), to check what
 * the engine did: every message's raw bytes (SHA-256), size, internal date and flags, folder by folder.
 */
final class ImapProbe implements AutoCloseable {

    private final Store store;
    private final ClassLoader previous;

    ImapProbe(String host, int port, String user, String password) throws MessagingException {
        this("imap", new Properties(), host, port, user, password);
    }

    private ImapProbe(String protocol, Properties p, String host, int port, String user, String password)
            throws MessagingException {
        // Jakarta Mail finds Angus through the context class loader
        previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(IMAPStore.class.getClassLoader());
        try {
            p.put("mail." + protocol + ".host", host);
            p.put("mail." + protocol + ".port", Integer.toString(port));
            Session session = Session.getInstance(p);
            store = session.getStore(protocol);
            store.connect(host, port, user, password);
        } catch (MessagingException | RuntimeException e) {
            Thread.currentThread().setContextClassLoader(previous);
            throw e;
        }
    }

    /**
     * Logs in to {@code user}'s mailbox as an app does at Exchange Online: implicit TLS, SASL XOAUTH2 with an
     * access token and nothing else.
     */
    static ImapProbe xoauth2(String host, int port, String user, String accessToken, SSLSocketFactory tls)
            throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imaps.auth.mechanisms", "XOAUTH2");
        p.put("mail.imaps.ssl.socketFactory", tls);
        p.put("mail.imaps.connectiontimeout", "30000");
        p.put("mail.imaps.timeout", "300000");
        return new ImapProbe("imaps", p, host, port, user, accessToken);
    }

    /** Folder path → sorted descriptions "sha256 size internaldate flags" of its messages (\Deleted ones left out). */
    Map<FolderPath, List<String>> snapshot() throws MessagingException {
        Map<FolderPath, List<String>> result = new TreeMap<>();
        for (Folder f : store.getDefaultFolder().list("*")) {
            if ((f.getType() & Folder.HOLDS_MESSAGES) == 0) {
                continue;
            }
            result.put(path(f), describe((IMAPFolder) f));
        }
        return result;
    }

    /**
     * As {@link #snapshot()}, for the folders below {@code root} only (paths as seen from it), so that a mailbox's
     * other mail is never read.
     */
    Map<FolderPath, List<String>> snapshot(FolderPath root) throws MessagingException {
        Map<FolderPath, List<String>> result = new TreeMap<>();
        Folder top = folder(root);
        if (!top.exists()) {
            return result;
        }
        for (Folder f : top.list("*")) {
            if ((f.getType() & Folder.HOLDS_MESSAGES) != 0) {
                FolderPath full = path(f);
                result.put(FolderPath.of(full.segments().subList(root.depth(), full.depth())), describe((IMAPFolder) f));
            }
        }
        return result;
    }

    /** The mailbox's top-level folders (INBOX, Sent...), whether or not they hold messages. */
    List<FolderPath> topLevelFolders() throws MessagingException {
        List<FolderPath> result = new ArrayList<>();
        for (Folder f : store.getDefaultFolder().list("%")) {
            result.add(path(f));
        }
        return result;
    }

    boolean exists(FolderPath path) throws MessagingException {
        return folder(path).exists();
    }

    /** A message as stored: its folder, bytes, internal date (seconds) and flags. */
    record Raw(FolderPath folder, byte[] bytes, long internalDate, Flags flags) {
    }

    /** Every message of every folder (\\Deleted ones left out), with its bytes. */
    List<Raw> rawMessages() throws MessagingException {
        List<Raw> all = new ArrayList<>();
        for (Folder folder : store.getDefaultFolder().list("*")) {
            if ((folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
                continue;
            }
            IMAPFolder f = (IMAPFolder) folder;
            f.open(Folder.READ_ONLY);
            try {
                Message[] messages = f.getMessages();
                jakarta.mail.FetchProfile fp = new jakarta.mail.FetchProfile();
                fp.add(jakarta.mail.FetchProfile.Item.FLAGS);
                fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
                f.fetch(messages, fp);
                for (Message m : messages) {
                    if (m.getFlags().contains(Flags.Flag.DELETED)) {
                        continue;
                    }
                    int number = m.getMessageNumber();
                    byte[] raw = (byte[]) f.doCommand(p -> p.peekBody(number, "").getByteArray().getNewBytes());
                    all.add(new Raw(path(f), raw, m.getReceivedDate().getTime() / 1000, m.getFlags()));
                }
            } finally {
                f.close(false);
            }
        }
        return all;
    }

    static FolderPath path(Folder f) throws MessagingException {
        return FolderPath.parse(f.getFullName(), f.getSeparator());
    }

    private static List<String> describe(IMAPFolder f) throws MessagingException {
        f.open(Folder.READ_ONLY);
        try {
            List<String> list = new ArrayList<>();
            Message[] messages = f.getMessages();
            jakarta.mail.FetchProfile fp = new jakarta.mail.FetchProfile();
            fp.add(jakarta.mail.FetchProfile.Item.FLAGS);
            fp.add(jakarta.mail.FetchProfile.Item.SIZE);
            fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE); // not ENVELOPE: odd headers break its parsing
            f.fetch(messages, fp);
            for (Message m : messages) {
                Flags flags = m.getFlags();
                if (flags.contains(Flags.Flag.DELETED)) {
                    continue;
                }
                int number = m.getMessageNumber();
                byte[] raw = (byte[]) f.doCommand(p -> {
                    BODY body = p.peekBody(number, "");
                    return body.getByteArray().getNewBytes();
                });
                list.add(sha256(raw) + " " + raw.length + " " + m.getReceivedDate().getTime() / 1000 + " "
                        + flagString(flags));
            }
            Collections.sort(list);
            return list;
        } finally {
            f.close(false);
        }
    }

    static String flagString(Flags flags) {
        return String.join(",", dev.mailferry.demo.ImapMailboxReader.flagNames(flags));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Folder folder(FolderPath path) throws MessagingException {
        char sep = store.getDefaultFolder().getSeparator();
        return store.getFolder(path.join(sep));
    }

    /** Appends a raw message with an internal date and flags. */
    void append(FolderPath path, byte[] raw, Date internalDate, Flags flags) throws MessagingException {
        Folder f = folder(path);
        MimeMessage m = new MimeMessage(null, new ByteArrayInputStream(raw)) {
            @Override
            public Date getReceivedDate() {
                return internalDate;
            }
        };
        m.setFlags(flags, true);
        f.appendMessages(new Message[] {m});
    }

    /** Sets (or clears) flags on the message with the given position (1-based) in a source folder. */
    void changeFlags(FolderPath path, int messageNumber, Flags flags, boolean set) throws MessagingException {
        Folder f = folder(path);
        f.open(Folder.READ_WRITE);
        try {
            f.getMessage(messageNumber).setFlags(flags, set);
        } finally {
            f.close(false);
        }
    }

    /** Gives a folder a new UIDVALIDITY and new UIDs, messages unchanged: copy out, delete, rename back. */
    long renumber(FolderPath path) throws MessagingException {
        Folder f = folder(path);
        Folder tmp = folder(FolderPath.of("renumber-tmp"));
        tmp.create(Folder.HOLDS_MESSAGES);
        f.open(Folder.READ_ONLY);
        long before = ((UIDFolder) f).getUIDValidity();
        f.copyMessages(f.getMessages(), tmp);
        f.close(false);
        f.delete(false);
        tmp.renameTo(f);
        Folder again = folder(path);
        again.open(Folder.READ_ONLY);
        long after = ((UIDFolder) again).getUIDValidity();
        again.close(false);
        if (after == before) {
            throw new IllegalStateException("UIDVALIDITY did not change");
        }
        return after;
    }

    /** IMAP RENAME (the server keeps UIDVALIDITY and moves the subfolders along). */
    void rename(FolderPath from, FolderPath to) throws MessagingException {
        if (!folder(from).renameTo(folder(to))) {
            throw new IllegalStateException("RENAME " + from + " " + to + " refused");
        }
    }

    /** Copies every message into a new folder and deletes the old one: the new folder has its own UIDVALIDITY. */
    void moveToNewFolder(FolderPath from, FolderPath to) throws MessagingException {
        Folder f = folder(from);
        Folder created = folder(to);
        created.create(Folder.HOLDS_MESSAGES);
        f.open(Folder.READ_ONLY);
        f.copyMessages(f.getMessages(), created);
        f.close(false);
        f.delete(false);
    }

    void delete(FolderPath path) throws MessagingException {
        folder(path).delete(true);
    }

    void create(FolderPath path) throws MessagingException {
        folder(path).create(Folder.HOLDS_MESSAGES);
    }

    int count(FolderPath path) throws MessagingException {
        Folder f = folder(path);
        return f.exists() ? f.getMessageCount() : 0;
    }

    int total() throws MessagingException {
        int n = 0;
        for (Folder f : store.getDefaultFolder().list("*")) {
            if ((f.getType() & Folder.HOLDS_MESSAGES) != 0) {
                n += f.getMessageCount();
            }
        }
        return n;
    }

    @Override
    public void close() throws MessagingException {
        try {
            store.close();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
