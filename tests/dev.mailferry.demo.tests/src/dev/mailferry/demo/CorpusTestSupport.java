package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.IMAPStore;

/** Jakarta Mail access for the tests, with the class loader OSGi needs. */
final class CorpusTestSupport {

    private CorpusTestSupport() {
    }

    /**
     * Runs {@code work} with Angus Mail's class loader as context class loader: Jakarta Mail finds its providers
     * (IMAP, base64/QP streams) through it, which fails in OSGi otherwise.
     */
    static <T> T withMail(Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(IMAPStore.class.getClassLoader());
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static Session session() {
        Properties properties = new Properties();
        properties.setProperty("mail.imap.partialfetch", "false");
        properties.setProperty("mail.imap.connectiontimeout", "10000");
        properties.setProperty("mail.imap.timeout", "30000");
        return Session.getInstance(properties);
    }

    static Store connect(String host, int port, String user, String password) throws MessagingException {
        Store store = session().getStore("imap");
        store.connect(host, port, user, password);
        return store;
    }

    /** The decoded path of an IMAP folder, independent of the server's delimiter. */
    static FolderPath pathOf(Folder folder) throws MessagingException {
        return FolderPath.parse(folder.getFullName(), folder.getSeparator());
    }

    /**
     * Asserts that {@code store} lists exactly the corpus's standard folders and has exactly the subscribed ones
     * subscribed, whatever the server's delimiter.
     */
    static void assertStandardFoldersListedAndSubscribed(Store store) throws MessagingException {
        assertEquals(CorpusSpec.standardFolders().stream().map(CorpusFolder::path).collect(Collectors.toSet()),
                pathsOf(store.getDefaultFolder().list("*")));
        assertEquals(CorpusSpec.standardFolders().stream().filter(CorpusFolder::subscribed).map(CorpusFolder::path)
                .collect(Collectors.toSet()), pathsOf(store.getDefaultFolder().listSubscribed("*")));
    }

    private static Set<FolderPath> pathsOf(Folder[] folders) throws MessagingException {
        Set<FolderPath> paths = new HashSet<>();
        for (Folder folder : folders) {
            paths.add(pathOf(folder));
        }
        return paths;
    }

    static Folder folder(Store store, FolderPath path, char delimiter) throws MessagingException {
        return store.getFolder(path.join(delimiter));
    }

    static MessageFlags flagsOf(Message message) throws MessagingException {
        Flags flags = message.getFlags();
        List<String> names = new ArrayList<>();
        for (Flags.Flag flag : flags.getSystemFlags()) {
            if (flag == Flags.Flag.SEEN) {
                names.add("\\Seen");
            } else if (flag == Flags.Flag.ANSWERED) {
                names.add("\\Answered");
            } else if (flag == Flags.Flag.FLAGGED) {
                names.add("\\Flagged");
            } else if (flag == Flags.Flag.DRAFT) {
                names.add("\\Draft");
            }
        }
        names.addAll(List.of(flags.getUserFlags()));
        return MessageFlags.fromImap(names);
    }

    static byte[] rawBytes(Message message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }
}
