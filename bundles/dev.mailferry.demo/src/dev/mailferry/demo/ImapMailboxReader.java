package dev.mailferry.demo;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * Reads one folder of a mailbox back over plain IMAP with Jakarta Mail, to check what a target connector stored
 * without asking the connector: each message's raw bytes, flags and internal date, in UID order.
 */
public final class ImapMailboxReader {

    /** One stored message: its raw bytes, its flags as IMAP names ({@code \Seen}, keywords) and its internal date. */
    public record StoredMessage(long uid, byte[] bytes, List<String> flags, Instant internalDate) {
    }

    private ImapMailboxReader() {
    }

    /** The messages of {@code folder} (IMAP name with the server's delimiter), \Recent left out of the flags. */
    public static List<StoredMessage> read(String host, int port, String user, String password, String folder)
            throws MessagingException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Jakarta Mail finds Angus through the context class loader
        Thread.currentThread().setContextClassLoader(IMAPStore.class.getClassLoader());
        Properties properties = new Properties();
        properties.put("mail.imap.host", host);
        properties.put("mail.imap.port", Integer.toString(port));
        Store store = Session.getInstance(properties).getStore("imap");
        try {
            store.connect(host, port, user, password);
            Folder opened = store.getFolder(folder);
            opened.open(Folder.READ_ONLY);
            try {
                List<StoredMessage> messages = new ArrayList<>();
                for (Message message : opened.getMessages()) {
                    int number = message.getMessageNumber();
                    // BODY.PEEK[]: the exact bytes, and the \Seen flag stays as it is
                    byte[] raw = (byte[]) ((IMAPFolder) opened).doCommand(
                            protocol -> protocol.peekBody(number, "").getByteArray().getNewBytes());
                    messages.add(new StoredMessage(((IMAPFolder) opened).getUID(message), raw,
                            flagNames(message.getFlags()), message.getReceivedDate().toInstant()));
                }
                return messages;
            } finally {
                opened.close(false);
            }
        } finally {
            store.close();
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** The IMAP names of {@code flags}, sorted: system flags ({@code \Seen}...) and keywords; \Recent left out. */
    public static List<String> flagNames(Flags flags) {
        TreeSet<String> names = new TreeSet<>();
        for (Flags.Flag flag : flags.getSystemFlags()) {
            if (flag == Flags.Flag.SEEN) {
                names.add("\\Seen");
            } else if (flag == Flags.Flag.ANSWERED) {
                names.add("\\Answered");
            } else if (flag == Flags.Flag.FLAGGED) {
                names.add("\\Flagged");
            } else if (flag == Flags.Flag.DRAFT) {
                names.add("\\Draft");
            } else if (flag == Flags.Flag.DELETED) {
                names.add("\\Deleted");
            }
        }
        names.addAll(List.of(flags.getUserFlags()));
        return List.copyOf(names);
    }
}
