package dev.mailferry.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A private, throwaway Dovecot IMAP server on loopback, for tests, the {@code mailferry demo} command and the
 * benchmark. Everything it uses lives below one directory: its configuration, passwd files, a self-signed certificate
 * generated at start, its sockets and state, its log and the users' Maildirs.
 *
 * <pre>{@code
 * try (DovecotServer dovecot = DovecotServer.builder(dir).user("alice", "secret").masterUser("admin", "adminpw").start()) {
 *     // IMAP on dovecot.host():dovecot.imapPort(), IMAPS on dovecot.imapsPort()
 *     // "alice*admin" / "adminpw" logs in as alice; so does SASL PLAIN with authzid "alice" and authcid "admin"
 * }
 * }</pre>
 *
 * <p>When the JVM runs as root, mail is owned by uid/gid 65534 (Dovecot refuses mail access as root). Code that writes
 * Maildir files directly below {@link #mailDir(String)} should call {@link #fixMailOwnership()} afterwards. Failed
 * logins are answered without Dovecot's growing penalty delays (a ~0.5 s answer delay remains, Dovecot's timer
 * granularity).
 */
public final class DovecotServer implements DemoImapServer, ExchangeMailStore {

    /** Maildir++ layout: folders are {@code Maildir/.Parent.Child}, the IMAP hierarchy delimiter is '.'. */
    public static final char MAILDIR_PLUS_PLUS_DELIMITER = '.';
    /** Maildir with {@code LAYOUT=fs}: folders are {@code Maildir/Parent/Child}, the delimiter is '/'. */
    public static final char FS_LAYOUT_DELIMITER = '/';
    /** Separates user and master user in a master login: {@code alice*admin}. */
    public static final String MASTER_USER_SEPARATOR = "*";

    private static final int NOBODY_ID = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(6);
    /** Dovecot's passwd-file driver checks the file's mtime at most once per second. */
    private static final Duration PASSWD_RELOAD_INTERVAL = Duration.ofMillis(1100);
    /** Unix socket paths are limited to 108 bytes; Dovecot's longest socket name below base_dir is ~30. */
    private static final int MAX_BASE_DIR_LENGTH = 70;

    private final Path directory;
    private final char delimiter;
    private final boolean specialUseMailboxes;
    private final long maxMessageSize;
    private final String imapCapability;
    private final long storageQuota;
    private final boolean fsync;
    private final Office365StandIn exchangeOnline;
    private final Map<String, String> users;
    private final Map<String, String> masterUsers;
    private final int mailUid;
    private final int mailGid;
    private final boolean runningAsRoot;
    private final Path baseDir;
    private final boolean baseDirIsTemporary;

    private X509Certificate certificate;
    private int imapPort;
    private int imapsPort;
    private Process process;
    private Thread shutdownHook;

    private DovecotServer(Builder builder) throws IOException {
        this.directory = builder.directory.toAbsolutePath().normalize();
        this.delimiter = builder.delimiter;
        this.specialUseMailboxes = builder.specialUseMailboxes;
        this.maxMessageSize = builder.maxMessageSize;
        this.imapCapability = builder.imapCapability;
        this.storageQuota = builder.storageQuota;
        this.fsync = builder.fsync;
        this.exchangeOnline = builder.exchangeOnline;
        this.users = new LinkedHashMap<>(builder.users);
        this.masterUsers = new LinkedHashMap<>(builder.masterUsers);
        Files.createDirectories(directory);
        Path probe = Files.createTempFile(directory, "uid", ".probe");
        int ownUid = (Integer) Files.getAttribute(probe, "unix:uid");
        int ownGid = (Integer) Files.getAttribute(probe, "unix:gid");
        Files.delete(probe);
        this.runningAsRoot = ownUid == 0;
        this.mailUid = ownUid == 0 ? NOBODY_ID : ownUid;
        this.mailGid = ownUid == 0 ? NOBODY_ID : ownGid;
        Path preferredBaseDir = directory.resolve("run");
        if (preferredBaseDir.toString().length() <= MAX_BASE_DIR_LENGTH) {
            this.baseDir = preferredBaseDir;
            this.baseDirIsTemporary = false;
        } else {
            this.baseDir = Files.createTempDirectory("mf-dovecot");
            this.baseDirIsTemporary = true;
        }
    }

    /** Starts configuring a server whose files all live below {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Configures and starts a {@link DovecotServer}. */
    public static final class Builder {
        private final Path directory;
        private char delimiter = MAILDIR_PLUS_PLUS_DELIMITER;
        private boolean specialUseMailboxes = true;
        private long maxMessageSize;
        private String imapCapability;
        private long storageQuota;
        private boolean fsync;
        private Office365StandIn exchangeOnline;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> masterUsers = new LinkedHashMap<>();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** '.' (Maildir++, the default) or '/' (Maildir LAYOUT=fs). */
        public Builder hierarchyDelimiter(char value) {
            if (value != MAILDIR_PLUS_PLUS_DELIMITER && value != FS_LAYOUT_DELIMITER) {
                throw new IllegalArgumentException("Hierarchy delimiter must be '.' or '/', not '" + value + "'");
            }
            this.delimiter = value;
            return this;
        }

        /**
         * Whether Sent, Drafts, Trash, Junk and Archive carry RFC 6154 SPECIAL-USE attributes (default true); false
         * imitates a server without SPECIAL-USE roles.
         */
        public Builder specialUseMailboxes(boolean value) {
            this.specialUseMailboxes = value;
            return this;
        }

        /**
         * The capabilities the server announces after login (Dovecot's imap_capability), to stand in for a server that
         * lacks some (UIDPLUS, CONDSTORE...). Dovecot still understands the commands; a client that looks at the
         * announcement, as it should, does without them. Null (the default): Dovecot's own list.
         */
        public Builder imapCapability(String capabilities) {
            this.imapCapability = capabilities;
            return this;
        }

        /** Makes APPEND of larger messages fail with NO (Dovecot's quota_max_mail_size); 0 means no limit. */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Gives every user a storage quota of {@code bytes} (Dovecot's quota plugin): an APPEND beyond it fails with
         * {@code NO [OVERQUOTA]}; 0 means no quota.
         */
        public Builder storageQuota(long bytes) {
            this.storageQuota = bytes;
            return this;
        }

        /**
         * Whether Dovecot fsyncs every saved message (its default). Off by default here: a throwaway server's mail
         * need not survive a power cut, and one fsync per APPEND would cap any copy into it at the disk's fsync
         * rate.
         */
        public Builder fsync(boolean value) {
            this.fsync = value;
            return this;
        }

        /**
         * Makes this server stand in for Exchange Online's IMAP: SASL XOAUTH2 logins whose tokens {@code standIn}
         * issued and finds active (Dovecot's oauth2 passdb asks its introspection endpoint; the XOAUTH2 user must be a
         * user of this server), Exchange's capability list after login (no MULTIAPPEND, CONDSTORE or SPECIAL-USE),
         * the '/' delimiter, Exchange's English folder names (Sent Items, Deleted Items, Junk Email...) and the
         * stand-in's certificate. Password logins of the users stay possible, for tests that look at the mail.
         */
        public Builder exchangeOnline(Office365StandIn standIn) {
            this.exchangeOnline = Objects.requireNonNull(standIn, "standIn");
            this.delimiter = FS_LAYOUT_DELIMITER;
            return this;
        }

        public Builder user(String name, String password) {
            users.put(DemoUserNames.check(name), checkPassword(password));
            return this;
        }

        /** A master user who may log in as any user: {@code user*master} or SASL PLAIN with an authorization id. */
        public Builder masterUser(String name, String password) {
            masterUsers.put(DemoUserNames.check(name), checkPassword(password));
            return this;
        }

        /**
         * Writes the configuration, generates the certificate and starts Dovecot; returns once the IMAP port greets.
         *
         * @throws IllegalStateException when Dovecot is not installed
         */
        public DovecotServer start() throws IOException {
            DovecotServer server = new DovecotServer(this);
            server.start();
            return server;
        }
    }

    @Override
    public DemoServerKind kind() {
        return DemoServerKind.DOVECOT;
    }

    @Override
    public boolean offersStartTls() {
        return true;
    }

    @Override
    public boolean supportsMasterUsers() {
        return true;
    }

    /** Writes the mailbox straight into the user's Maildir (see {@link MaildirWriter}), then fixes its ownership. */
    @Override
    public MaildirManifest fillMailbox(String user, CorpusGenerator corpus) throws IOException {
        MaildirManifest manifest = new MaildirWriter(mailDir(user), MaildirLayout.forDelimiter(delimiter)).write(corpus);
        fixMailOwnership();
        return manifest;
    }

    /**
     * Drops an empty (zero-byte) message file into {@code user}'s INBOX, as an interrupted delivery or a full disk leaves
     * one behind: Dovecot lists it as a message of size 0, and refuses to store such a message by APPEND ("Can't save a
     * zero byte message"), which makes it a message every Dovecot target refuses whatever its size limits.
     */
    public void addEmptyInboxMessage(String user) throws IOException {
        Path cur = mailDir(user).resolve("cur");
        Files.createDirectories(cur);
        Files.createFile(cur.resolve(System.currentTimeMillis() / 1000 + ".M" + System.nanoTime() % 1_000_000
                + "P0.empty,S=0:2,"));
        fixMailOwnership();
    }

    /** Whether a {@code dovecot} binary is where {@link Builder#start()} looks for it. */
    public static boolean isInstalled() {
        try {
            findDovecot();
            return true;
        } catch (IllegalStateException notInstalled) {
            return false;
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    /** Plain IMAP port (STARTTLS is offered). */
    @Override
    public int imapPort() {
        return imapPort;
    }

    /** Implicit-TLS IMAP port. */
    @Override
    public int imapsPort() {
        return imapsPort;
    }

    @Override
    public char hierarchyDelimiter() {
        return delimiter;
    }

    /** The self-signed certificate the server presents (CN=localhost, SAN localhost and 127.0.0.1). */
    @Override
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the certificate's DER encoding, upper-case hex pairs separated by ':' (as browsers show it). */
    @Override
    public String certificateSha256() {
        return sha256Fingerprint(certificate);
    }

    @Override
    public Path certificatePemFile() {
        return directory.resolve("cert.pem");
    }

    /** The directory holding everything of this instance. */
    public Path directory() {
        return directory;
    }

    /** Dovecot's own log: logins, errors. Worth attaching to a failed test. */
    public Path logFile() {
        return directory.resolve("dovecot.log");
    }

    /** The user's home directory; the mailbox lives in {@link #mailDir(String)} below it. */
    public Path homeDir(String user) {
        return directory.resolve("mail").resolve(DemoUserNames.check(user));
    }

    /**
     * The user's Maildir root. INBOX is this directory itself ({@code cur/ new/ tmp/}); with the '.' delimiter a folder
     * {@code A/B} is {@code .A.B/}, with '/' it is {@code A/B/}. Names are stored in modified UTF-7 as in IMAP.
     */
    public Path mailDir(String user) {
        return homeDir(user).resolve("Maildir");
    }

    @Override
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Adds or replaces a user, also while running. Dovecot looks at a changed passwd file at most once a second, so on
     * a running server this returns only after that second has passed and the user can log in.
     */
    @Override
    public synchronized void addUser(String name, String password) throws IOException {
        users.put(DemoUserNames.check(name), checkPassword(password));
        prepareHome(name);
        writePasswdFiles();
        awaitPasswdReload();
    }

    /**
     * Exchange mode: the user's folders, listed over IMAP as the user (names decoded from modified UTF-7). Only those
     * that can hold mail: Exchange has no folder that exists only as another's parent, so a name Dovecot lists as
     * \Noselect is one Graph can still create.
     */
    @Override
    public List<List<String>> folders(String user) throws IOException {
        List<List<String>> folders = new ArrayList<>();
        for (String line : imapAsUser(user, "LIST \"\" \"*\"")) {
            java.util.regex.Matcher listed = LISTED.matcher(line);
            if (listed.matches() && !listed.group(1).toLowerCase(java.util.Locale.ROOT).matches(".*\\\\(noselect|nonexistent)\\b.*")) {
                folders.add(folderPath(listed.group(2)));
            }
        }
        return folders;
    }

    /** Exchange mode: each folder's message count, from one LIST ... RETURN (STATUS (MESSAGES)) as the user. */
    @Override
    public Map<List<String>, Long> messageCounts(String user) throws IOException {
        Map<List<String>, Long> counts = new HashMap<>();
        for (String line : imapAsUser(user, "LIST \"\" \"*\" RETURN (STATUS (MESSAGES))")) {
            java.util.regex.Matcher status = STATUS_MESSAGES.matcher(line);
            if (status.matches()) {
                counts.put(folderPath(status.group(1)), Long.parseLong(status.group(2)));
            }
        }
        return counts;
    }

    /** A listed mailbox name (quoted or an atom, in modified UTF-7) as a path. */
    private List<String> folderPath(String listedName) {
        String name = listedName.startsWith("\"")
                ? listedName.substring(1, listedName.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\")
                : listedName;
        return List.of(MaildirModifiedUtf7.decode(name).split(java.util.regex.Pattern.quote(String.valueOf(delimiter))));
    }

    private static final java.util.regex.Pattern STATUS_MESSAGES = java.util.regex.Pattern
            .compile("^\\* STATUS (.+) \\(MESSAGES ([0-9]+)\\)$");

    /** Exchange mode: creates a folder over IMAP as the user, as Exchange's store does for Graph. */
    @Override
    public void create(String user, List<String> path) throws IOException {
        String name = MaildirModifiedUtf7.encode(String.join(String.valueOf(delimiter), path));
        imapAsUser(user, "CREATE \"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    private static final java.util.regex.Pattern LISTED = java.util.regex.Pattern
            .compile("^\\* LIST \\(([^)]*)\\) (?:\"[^\"]*\"|NIL) (.+)$");

    /** Logs in as {@code user} on the plain port, runs one command, and returns its untagged answers. */
    private List<String> imapAsUser(String user, String command) throws IOException {
        String password = users.get(user);
        if (password == null) {
            throw new IOException("No user " + user + " on " + this);
        }
        try (Socket socket = new Socket(host(), imapPort)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            java.io.Writer out = new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            in.readLine(); // greeting
            List<String> answers = new ArrayList<>();
            String[] commands = { "LOGIN \"" + user + "\" \"" + password + "\"", command, "LOGOUT" };
            for (int i = 0; i < commands.length; i++) {
                String tag = "s" + i;
                out.write(tag + " " + commands[i] + "\r\n");
                out.flush();
                String line;
                while ((line = in.readLine()) != null && !line.startsWith(tag + " ")) {
                    answers.add(line);
                }
                if (line == null || (i < 2 && !line.startsWith(tag + " OK"))) {
                    throw new IOException("Dovecot answered " + (i == 0 ? "the login" : commands[i]) + " with: " + line);
                }
            }
            return answers;
        }
    }

    /** Adds or replaces a master user, like {@link #addUser}. */
    public synchronized void addMasterUser(String name, String password) throws IOException {
        masterUsers.put(DemoUserNames.check(name), checkPassword(password));
        writePasswdFiles();
        awaitPasswdReload();
    }

    private void awaitPasswdReload() throws IOException {
        if (isRunning()) {
            sleep(PASSWD_RELOAD_INTERVAL.toMillis());
        }
    }

    /**
     * Gives the mail processes' uid ownership of everything below the mail root again; call after writing Maildir
     * files directly as root, or Dovecot cannot update them.
     */
    public synchronized void fixMailOwnership() throws IOException {
        Path mailRoot = directory.resolve("mail");
        if (!Files.exists(mailRoot)) {
            return;
        }
        Files.walkFileTree(mailRoot, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Stops Dovecot and waits until its processes are gone. Safe to call more than once. */
    @Override
    public synchronized void stop() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to run: it stops the process itself
            }
            shutdownHook = null;
        }
        killProcess(process);
        process = null;
        if (baseDirIsTemporary) {
            deleteQuietly(baseDir);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Dovecot[" + host() + ":" + imapPort + ", imaps " + imapsPort + ", " + directory + "]";
    }

    // ---------------------------------------------------------------------------------------------- start-up

    private synchronized void start() throws IOException {
        String dovecotBinary = findDovecot();
        makeTraversable(directory);
        Files.createDirectories(directory.resolve("state"));
        Files.createDirectories(directory.resolve("mail"));
        setMode(directory.resolve("mail"), "rwxr-xr-x");
        generateCertificate();
        for (String user : users.keySet()) {
            prepareHome(user);
        }
        writePasswdFiles();

        IOException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            imapPort = freeLoopbackPort();
            imapsPort = freeLoopbackPort();
            while (imapsPort == imapPort) {
                imapsPort = freeLoopbackPort();
            }
            writeConfig();
            try {
                launch(dovecotBinary);
                if (exchangeOnline != null) {
                    exchangeOnline.useMailStore(this); // Graph's folders are this server's folders
                }
                return;
            } catch (IOException e) {
                lastFailure = e;
                killProcess(process);
                process = null;
                if (!readLogTail().contains("Address already in use")) {
                    break;
                }
            }
        }
        throw lastFailure;
    }

    private void launch(String dovecotBinary) throws IOException {
        killLeftoverInstance();
        // Leftover sockets of an earlier run make Dovecot's auth process wait seconds on connects; start clean.
        deleteQuietly(baseDir);
        Files.createDirectories(baseDir);
        setMode(baseDir, "rwxr-xr-x");
        Path stderrLog = directory.resolve("dovecot-stderr.log");
        ProcessBuilder pb = new ProcessBuilder(dovecotBinary, "-F", "-c", directory.resolve("dovecot.conf").toString());
        // Dovecot's processes inherit stdout/stderr; a pipe nobody reads would block them, so use a file.
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        process = pb.start();
        Process started = process;
        shutdownHook = new Thread(() -> killProcess(started), "stop " + this);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitGreeting();
    }

    /** A JVM killed hard leaves its Dovecot running; its master.pid says which one to stop before reusing the dir. */
    private void killLeftoverInstance() {
        Path pidFile = baseDir.resolve("master.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("dovecot")).orElse(false))
                    .ifPresent(master -> {
                        master.descendants().forEach(ProcessHandle::destroyForcibly);
                        master.destroyForcibly();
                        master.onExit().orTimeout(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> null)
                                .join();
                    });
        } catch (IOException | NumberFormatException | UncheckedIOException e) {
            // no readable pid: nothing to stop
        }
    }

    private void awaitGreeting() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Dovecot exited at start (exit code " + process.exitValue() + "):\n"
                        + readLogTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host(), imapPort), 500);
                socket.setSoTimeout(2000);
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String greeting = reader.readLine();
                if (greeting != null && greeting.startsWith("* OK")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(20);
        }
        throw new IOException("Dovecot did not greet on " + host() + ":" + imapPort + " within "
                + START_TIMEOUT.toSeconds() + " s:\n" + readLogTail());
    }

    private static String findDovecot() {
        for (String candidate : List.of("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir, "dovecot");
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IllegalStateException("Dovecot is not installed (no 'dovecot' in /usr/sbin, /usr/local/sbin or on "
                + "PATH). On Debian/Ubuntu: apt-get install -y dovecot-imapd");
    }

    private void writeConfig() throws IOException {
        boolean root = runningAsRoot;
        String internalUser = root && systemUserExists("dovecot") ? "dovecot" : currentUserName();
        String loginUser = root && systemUserExists("dovenull") ? "dovenull" : internalUser;
        String mailLocation = "maildir:~/Maildir" + (delimiter == FS_LAYOUT_DELIMITER ? ":LAYOUT=fs" : "");
        StringBuilder c = new StringBuilder();
        c.append("# Generated by Mailferry's DovecotServer; throwaway test instance.\n");
        c.append("instance_name = mailferry-").append(Integer.toHexString(directory.hashCode())).append('\n');
        c.append("base_dir = ").append(baseDir).append('\n');
        c.append("state_dir = ").append(directory.resolve("state")).append('\n');
        c.append("log_path = ").append(logFile()).append('\n');
        c.append("protocols = imap\n");
        c.append("listen = ").append(host()).append('\n');
        c.append("ssl = yes\n");
        c.append("ssl_cert = <").append(certificatePemFile()).append('\n');
        c.append("ssl_key = <").append(directory.resolve("key.pem")).append('\n');
        c.append("disable_plaintext_auth = no\n");
        c.append("auth_mechanisms = plain login").append(exchangeOnline != null ? " xoauth2" : "").append('\n');
        if (exchangeOnline != null) {
            // Exchange Online's capabilities after login, as it advertises them; Dovecot otherwise offers far more.
            c.append("imap_capability = IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT")
                    .append(" CHILDREN IDLE NAMESPACE LITERAL+\n");
            writeOauth2Config();
        } else if (imapCapability != null) {
            c.append("imap_capability = ").append(imapCapability).append('\n');
        }
        c.append("auth_failure_delay = 0\n");
        c.append("auth_master_user_separator = ").append(MASTER_USER_SEPARATOR).append('\n');
        c.append("default_internal_user = ").append(internalUser).append('\n');
        c.append("default_login_user = ").append(loginUser).append('\n');
        if (!root) {
            c.append("default_internal_group = ").append(currentGroupName()).append('\n');
        }
        c.append("first_valid_uid = 1\n");
        c.append("mail_location = ").append(mailLocation).append('\n');
        c.append("mail_fsync = ").append(fsync ? "optimized" : "never").append('\n');
        if (maxMessageSize > 0 || storageQuota > 0) {
            c.append("mail_plugins = $mail_plugins quota\n");
            c.append("plugin {\n  quota = count:User quota\n  quota_vsizes = yes\n  quota_rule = *:storage=")
                    .append(storageQuota > 0 ? storageQuota + "B" : "0").append('\n');
            if (maxMessageSize > 0) {
                c.append("  quota_max_mail_size = ").append(maxMessageSize).append("B\n");
            }
            c.append("}\n");
        }
        if (exchangeOnline != null) {
            // A valid token, then a mailbox of this server: Exchange refuses a login to a mailbox it does not have
            // (or the app may not open) with NO, not by dropping the connection as a failed userdb lookup would.
            c.append("passdb {\n  driver = oauth2\n  mechanisms = xoauth2\n  result_success = continue-ok\n")
                    .append("  result_failure = return-fail\n  args = ").append(directory.resolve("oauth2.conf.ext"))
                    .append("\n}\n");
            c.append("passdb {\n  driver = passwd-file\n  mechanisms = xoauth2\n  skip = unauthenticated\n")
                    .append("  result_failure = return-fail\n  result_internalfail = return-fail\n  args = ")
                    .append(directory.resolve("mailboxes")).append("\n}\n");
        }
        c.append("passdb {\n  driver = passwd-file\n  master = yes\n  pass = yes\n  args = ")
                .append(directory.resolve("masters")).append("\n}\n");
        c.append("passdb {\n  driver = passwd-file\n  args = ").append(directory.resolve("passwd")).append("\n}\n");
        c.append("userdb {\n  driver = passwd-file\n  args = ").append(directory.resolve("passwd")).append("\n}\n");
        c.append("namespace inbox {\n  inbox = yes\n  separator = ").append(delimiter).append('\n');
        if (specialUseMailboxes) {
            String[][] mailboxes = exchangeOnline != null
                    ? new String[][] { { "Sent Items", "\\Sent" }, { "Drafts", "\\Drafts" },
                            { "Deleted Items", "\\Trash" }, { "Junk Email", "\\Junk" }, { "Archive", "\\Archive" } }
                    : new String[][] { { "Sent", "\\Sent" }, { "Drafts", "\\Drafts" },
                            { "Trash", "\\Trash" }, { "Junk", "\\Junk" }, { "Archive", "\\Archive" } };
            for (String[] mailbox : mailboxes) {
                c.append("  mailbox \"").append(mailbox[0]).append("\" {\n")
                        // Exchange mailboxes always have their special folders
                        .append(exchangeOnline != null ? "    auto = subscribe\n" : "").append("    special_use = ").append(mailbox[1])
                        .append("\n  }\n");
            }
        }
        c.append("}\n");
        c.append("service imap-login {\n");
        c.append("  inet_listener imap {\n    address = ").append(host()).append("\n    port = ").append(imapPort)
                .append("\n  }\n");
        c.append("  inet_listener imaps {\n    address = ").append(host()).append("\n    port = ").append(imapsPort)
                .append("\n    ssl = yes\n  }\n}\n");
        // Without this socket the auth process disables its per-IP penalty (2-15 s delays after failed logins).
        c.append("service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n");
        writeAtomically(directory.resolve("dovecot.conf"), c.toString(), "rw-r--r--");
    }

    /**
     * Dovecot's oauth2 passdb, validating tokens by RFC 7662 introspection at the stand-in. An app-only token names no
     * user, so the user check compares a constant: the token's {@code client_id} and the login are both formatted to
     * "app"; the passwd-file userdb then admits only this server's users.
     */
    private void writeOauth2Config() throws IOException {
        String config = "introspection_mode = post\n"
                + "introspection_url = " + exchangeOnline.introspectionUrl() + "\n"
                + "username_attribute = client_id\n"
                + "username_format = app\n"
                + "active_attribute = active\n"
                + "active_value = true\n"
                + "timeout_msecs = 5000\n";
        writeAtomically(directory.resolve("oauth2.conf.ext"), config, "rw-r--r--");
    }

    private synchronized void writePasswdFiles() throws IOException {
        StringBuilder passwd = new StringBuilder();
        for (Map.Entry<String, String> user : users.entrySet()) {
            passwd.append(user.getKey()).append(":{PLAIN}").append(user.getValue()).append(':').append(mailUid)
                    .append(':').append(mailGid).append("::").append(homeDir(user.getKey())).append("::\n");
        }
        StringBuilder masters = new StringBuilder();
        for (Map.Entry<String, String> master : masterUsers.entrySet()) {
            masters.append(master.getKey()).append(":{PLAIN}").append(master.getValue()).append('\n');
        }
        // Read by Dovecot's auth process, which runs as the unprivileged internal user.
        writeAtomically(directory.resolve("passwd"), passwd.toString(), "rw-r--r--");
        writeAtomically(directory.resolve("masters"), masters.toString(), "rw-r--r--");
        if (exchangeOnline != null) {
            StringBuilder mailboxes = new StringBuilder();
            for (String user : users.keySet()) {
                mailboxes.append(user).append(":::::::nopassword\n"); // the token was checked by the passdb before
                exchangeOnline.addUser(user, true); // Graph knows the tenant's users with a mailbox here
            }
            writeAtomically(directory.resolve("mailboxes"), mailboxes.toString(), "rw-r--r--");
        }
    }

    private void prepareHome(String user) throws IOException {
        Path home = homeDir(user);
        Files.createDirectories(home);
        setMode(home, "rwxr-xr-x");
        chown(home);
    }

    // ----------------------------------------------------------------------------------------- certificate

    private void generateCertificate() throws IOException {
        Path keystore = directory.resolve("keystore.p12");
        try {
            SelfSignedCertificate generated = exchangeOnline != null ? exchangeOnline.selfSignedCertificate()
                    : SelfSignedCertificate.create(keystore);
            certificate = generated.certificate();
            writeAtomically(certificatePemFile(), generated.certificatePem(), "rw-r--r--");
            // Dovecot reads the key as root before dropping privileges, so it can stay private.
            writeAtomically(directory.resolve("key.pem"), generated.privateKeyPem(), "rw-------");
        } finally {
            Files.deleteIfExists(keystore);
        }
    }

    /** Upper-case hex pairs separated by ':' of the SHA-256 of the certificate's DER encoding. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        return SelfSignedCertificate.sha256Fingerprint(certificate);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void killProcess(Process master) {
        if (master == null) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>();
        master.descendants().forEach(children::add);
        master.destroy();
        try {
            if (!master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                master.destroyForcibly();
                master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            master.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Dovecot's master normally takes its children down; make sure no straggler keeps a port or the mail dir.
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    private String readLogTail() {
        StringBuilder text = new StringBuilder();
        for (Path log : List.of(directory.resolve("dovecot-stderr.log"), logFile())) {
            try {
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    for (String line : lines.subList(Math.max(0, lines.size() - 20), lines.size())) {
                        text.append(line).append('\n');
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                text.append("(cannot read ").append(log).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void chown(Path path) throws IOException {
        if (runningAsRoot) {
            Files.setAttribute(path, "unix:uid", mailUid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", mailGid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Mail processes run unprivileged and must reach the mail root. Directories such as JUnit's @TempDir are 0700, so
     * search permission (not listing) for others is added to the instance directory and to its ancestors inside the
     * system temporary directory; an unsearchable ancestor elsewhere (e.g. /root) is reported instead of changed.
     */
    private void makeTraversable(Path dir) throws IOException {
        if (!runningAsRoot) {
            return; // the mail processes run as ourselves
        }
        Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
            if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                continue;
            }
            if (!p.equals(dir) && !(p.startsWith(temp) && !p.equals(temp))) {
                throw new IOException("Dovecot's mail processes (uid " + mailUid + ") cannot reach " + dir + ": " + p
                        + " is not searchable by others. Use a directory below " + temp + ", or chmod o+x " + p);
            }
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(p, permissions);
        }
        Set<PosixFilePermission> own = Files.getPosixFilePermissions(dir);
        own.add(PosixFilePermission.OTHERS_READ);
        own.add(PosixFilePermission.GROUP_READ);
        own.add(PosixFilePermission.OTHERS_EXECUTE);
        own.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(dir, own);
    }

    private static void setMode(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    private static void writeAtomically(Path file, String content, String mode) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        setMode(temp, mode);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean systemUserExists(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                if (line.startsWith(name + ":")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String currentUserName() {
        return System.getProperty("user.name");
    }

    private static String currentGroupName() throws IOException {
        Process id = new ProcessBuilder("id", "-gn").redirectErrorStream(true).start();
        try (InputStream in = id.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a leftover file in a throwaway directory does no harm
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for Dovecot", e);
        }
    }

    private static String checkPassword(String password) {
        if (password == null || password.isEmpty() || password.contains(":") || password.contains("\n")) {
            throw new IllegalArgumentException("Passwords must be non-empty and contain no ':' or line break");
        }
        return password;
    }
}
