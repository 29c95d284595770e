package dev.mailferry.demo;

import com.icegreen.greenmail.imap.AuthorizationException;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SystemFlag;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * An embedded GreenMail IMAP server on loopback, for machines without Dovecot: plain IMAP (no STARTTLS, which GreenMail
 * does not implement) and IMAPS on free ports, mail kept in memory, '.' as hierarchy delimiter, folder roles only by
 * name (no SPECIAL-USE), no master users.
 *
 * <pre>{@code
 * try (GreenMailServer server = GreenMailServer.builder(dir).user("alice", "secret").start()) {
 *     server.fillMailbox("alice", new CorpusGenerator(CorpusSpec.small(1, 50)));
 * }
 * }</pre>
 *
 * <p>TLS: GreenMail loads one server key per JVM, the first time any GreenMail serves IMAPS. Unless something else in
 * the JVM got there first, that key is a fresh self-signed one made here (GreenMail's bundled key is public); either
 * way {@link #certificate()} is the one actually presented.
 */
public final class GreenMailServer implements DemoImapServer {

    /** GreenMail's IMAP knows only this delimiter. */
    public static final char HIERARCHY_DELIMITER = '.';

    private static final String LOOPBACK = "127.0.0.1";
    private static final String KEYSTORE_FILE_PROPERTY = "greenmail.tls.keystore.file";
    private static final String KEYSTORE_PASSWORD_PROPERTY = "greenmail.tls.keystore.password";
    private static boolean serverKeyConfigured;

    private final Path directory;
    private final Map<String, String> initialUsers;
    private GreenMail greenMail;
    private X509Certificate certificate;
    private int imapPort;
    private int imapsPort;

    private GreenMailServer(Builder builder) {
        this.directory = builder.directory.toAbsolutePath().normalize();
        this.initialUsers = new LinkedHashMap<>(builder.users);
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Configures and starts a {@link GreenMailServer}. */
    public static final class Builder {
        private final Path directory;
        private final Map<String, String> users = new LinkedHashMap<>();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        public Builder user(String name, String password) {
            users.put(DemoUserNames.check(name), checkPassword(password));
            return this;
        }

        /** Starts IMAP and IMAPS on free loopback ports; returns once both accept connections. */
        public GreenMailServer start() throws IOException {
            GreenMailServer server = new GreenMailServer(this);
            server.start();
            return server;
        }
    }

    private synchronized void start() throws IOException {
        Files.createDirectories(directory);
        certificate = serverCertificate(directory);
        Files.writeString(certificatePemFile(), SelfSignedCertificate.pem(certificate), StandardCharsets.UTF_8);
        ServerSetup[] setups = { new ServerSetup(0, LOOPBACK, ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, LOOPBACK, ServerSetup.PROTOCOL_IMAPS) };
        // GreenMail's listener threads (made in its constructor and again in start()) and their connection threads
        // inherit this context class loader; Jakarta Mail finds its providers through it when they parse APPENDs.
        GreenMailImapService.TunedGreenMail started = withMailClassLoader(() -> {
            GreenMailImapService.TunedGreenMail created = new GreenMailImapService.TunedGreenMail(setups);
            try {
                created.start();
            } catch (RuntimeException e) {
                created.stop();
                throw e;
            }
            return created;
        });
        greenMail = started;
        imapPort = started.service(ServerSetup.PROTOCOL_IMAP).getPort();
        imapsPort = started.service(ServerSetup.PROTOCOL_IMAPS).getPort();
        for (Map.Entry<String, String> user : initialUsers.entrySet()) {
            addUser(user.getKey(), user.getValue());
        }
    }

    @Override
    public DemoServerKind kind() {
        return DemoServerKind.GREENMAIL;
    }

    @Override
    public String host() {
        return LOOPBACK;
    }

    @Override
    public int imapPort() {
        return imapPort;
    }

    @Override
    public int imapsPort() {
        return imapsPort;
    }

    @Override
    public boolean offersStartTls() {
        return false;
    }

    @Override
    public boolean supportsMasterUsers() {
        return false;
    }

    @Override
    public char hierarchyDelimiter() {
        return HIERARCHY_DELIMITER;
    }

    @Override
    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public Path certificatePemFile() {
        return directory.resolve("cert.pem");
    }

    @Override
    public synchronized boolean isRunning() {
        return greenMail != null && greenMail.isRunning();
    }

    /** The login is also GreenMail's e-mail address for the user (it must be unique, nothing else). */
    @Override
    public synchronized void addUser(String name, String password) {
        requireRunning().setUser(DemoUserNames.check(name), name, checkPassword(password));
    }

    /**
     * Stores the corpus through GreenMail's API rather than IMAP APPEND (far slower, one round trip each): folders,
     * subscriptions, and each message's exact bytes with flags, keywords and internal date. The manifest's "file name"
     * of a message is its UID.
     */
    @Override
    public MaildirManifest fillMailbox(String user, CorpusGenerator corpus) throws IOException {
        return withMailClassLoader(() -> store(user, corpus));
    }

    private MaildirManifest store(String userName, CorpusGenerator corpus) throws FolderException, MessagingException {
        GreenMailUser user;
        ImapHostManager mailboxes;
        synchronized (this) {
            user = requireRunning().getUserManager().getUser(userName);
            mailboxes = greenMail.getManagers().getImapHostManager();
        }
        if (user == null) {
            throw new IllegalArgumentException("No user " + userName + " on " + this);
        }
        Map<FolderPath, MailFolder> folders = new HashMap<>();
        List<FolderPath> folderOrder = new ArrayList<>();
        // Parents first: GreenMail creates a missing parent as a non-selectable folder that cannot be created again.
        List<CorpusFolder> byDepth = new ArrayList<>(corpus.folders());
        byDepth.sort((a, b) -> Integer.compare(a.path().depth(), b.path().depth()));
        for (CorpusFolder folder : byDepth) {
            folders.put(folder.path(), folder(mailboxes, user, folder.path()));
            if (folder.subscribed()) {
                mailboxes.subscribe(user, storeName(folder.path()));
            }
        }
        corpus.folders().forEach(f -> folderOrder.add(f.path()));
        // allowutf8 off: headers are then kept as bytes (ISO-8859-1 in, ISO-8859-1 out), so FETCH returns them as
        // generated, 8-bit legacy charsets included.
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "false");
        Session session = Session.getInstance(properties);
        List<MaildirManifest.Entry> entries = new ArrayList<>();
        for (Iterator<SampleMessage> it = corpus.messages().iterator(); it.hasNext();) {
            SampleMessage message = it.next();
            MailFolder folder = folders.get(message.folder());
            if (folder == null) {
                folder = folder(mailboxes, user, message.folder());
                folders.put(message.folder(), folder);
                folderOrder.add(message.folder());
            }
            MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(message.raw()));
            long uid = folder.appendMessage(mime, flagsOf(message), Date.from(message.internalDate()));
            entries.add(new MaildirManifest.Entry(message.folder(), Long.toString(uid), message.sha256(), message.size(),
                    message.internalDate(), message.flags(), message.deleted(), message.messageId(), message.oddity()));
        }
        return new MaildirManifest(folderOrder, entries);
    }

    private static MailFolder folder(ImapHostManager mailboxes, GreenMailUser user, FolderPath path) throws FolderException {
        if (path.isInbox()) {
            return mailboxes.getInbox(user);
        }
        String name = storeName(path);
        MailFolder existing = mailboxes.getFolder(user, name);
        try {
            return existing != null ? existing : mailboxes.createMailbox(user, name);
        } catch (AuthorizationException e) {
            throw new FolderException("Cannot create " + name + " for " + user.getLogin() + ": " + e.getMessage());
        }
    }

    /** GreenMail keeps names decoded (it converts from and to modified UTF-7 in its IMAP commands). */
    static String storeName(FolderPath path) {
        for (String segment : path.segments()) {
            if (segment.indexOf(HIERARCHY_DELIMITER) >= 0) {
                throw new IllegalArgumentException("GreenMail cannot store a folder name containing '"
                        + HIERARCHY_DELIMITER + "': " + path);
            }
        }
        return path.isInbox() ? "INBOX" : path.join(HIERARCHY_DELIMITER);
    }

    private static Flags flagsOf(SampleMessage message) {
        Flags flags = new Flags();
        for (SystemFlag flag : message.flags().system()) {
            flags.add(switch (flag) {
            case SEEN -> Flags.Flag.SEEN;
            case ANSWERED -> Flags.Flag.ANSWERED;
            case FLAGGED -> Flags.Flag.FLAGGED;
            case DRAFT -> Flags.Flag.DRAFT;
            });
        }
        if (message.deleted()) {
            flags.add(Flags.Flag.DELETED);
        }
        message.flags().keywords().forEach(flags::add);
        return flags;
    }

    /** Stops both listeners and closes open connections; the mail, held in memory, is gone. */
    @Override
    public synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    @Override
    public String toString() {
        return "GreenMail[" + host() + ":" + imapPort + ", imaps " + imapsPort + ", " + directory + "]";
    }

    private GreenMail requireRunning() {
        if (greenMail == null) {
            throw new IllegalStateException("GreenMail is stopped");
        }
        return greenMail;
    }

    /**
     * The certificate GreenMail's IMAPS presents. Its socket factory reads a keystore once per JVM, from a system
     * property if set: point that at a fresh key for the first server, then put the properties back.
     */
    private static X509Certificate serverCertificate(Path directory) throws IOException {
        synchronized (GreenMailServer.class) {
            if (!serverKeyConfigured) {
                Path keystore = directory.resolve("greenmail-key.p12");
                SelfSignedCertificate generated = SelfSignedCertificate.create(keystore);
                String previousFile = System.getProperty(KEYSTORE_FILE_PROPERTY);
                String previousPassword = System.getProperty(KEYSTORE_PASSWORD_PROPERTY);
                System.setProperty(KEYSTORE_FILE_PROPERTY, keystore.toString());
                System.setProperty(KEYSTORE_PASSWORD_PROPERTY, new String(generated.password()));
                try {
                    DummySSLServerSocketFactory.getDefault();
                } finally {
                    restoreProperty(KEYSTORE_FILE_PROPERTY, previousFile);
                    restoreProperty(KEYSTORE_PASSWORD_PROPERTY, previousPassword);
                    Files.deleteIfExists(keystore);
                }
                serverKeyConfigured = true;
            }
        }
        KeyStore keyStore = ((DummySSLServerSocketFactory) DummySSLServerSocketFactory.getDefault()).getKeyStore();
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    return (X509Certificate) keyStore.getCertificate(alias);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read GreenMail's TLS keystore", e);
        }
        throw new IOException("GreenMail's TLS keystore holds no key");
    }

    private static void restoreProperty(String name, String previous) {
        if (previous == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, previous);
        }
    }

    /** Jakarta Mail finds its providers through the context class loader, which in OSGi must be Angus Mail's. */
    private static <T> T withMailClassLoader(Callable<T> work) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(IMAPStore.class.getClassLoader());
        try {
            return work.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String checkPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("Passwords must be non-empty");
        }
        return password;
    }
}
