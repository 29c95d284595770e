package dev.mailferry.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ready-made migration scenario on loopback for the {@code mailferry demo} command, the tests and the benchmark: a
 * source IMAP server whose users have generated mailboxes, and a target IMAP server with the same users and empty
 * mailboxes.
 * <p>
 * The servers are Dovecot when it is installed, else GreenMail embedded in this JVM ({@link Builder#server}, and
 * {@link DemoServerKind#AUTO} for how the choice is made). With Dovecot the source has a master user and the two use
 * different hierarchy delimiters (by default '.' on the source, '/' on the target), so folder mapping is exercised;
 * GreenMail has neither master users nor another delimiter than '.', nor STARTTLS.
 *
 * <pre>{@code
 * try (DemoEnvironment demo = DemoEnvironment.builder(dir).users(3).corpus(CorpusSpec.small(1, 200)).start()) {
 *     String csv = demo.csv();                       // EmailAddress,UserName,Password
 *     DemoEnvironmentServer source = demo.source();  // host, ports, delimiter, certificate
 * }
 * }</pre>
 */
public final class DemoEnvironment implements AutoCloseable {

    private static final List<String> FIRST_NAMES = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace",
            "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter");

    private final DemoImapServer sourceServer;
    private final DemoImapServer targetServer;
    private final List<DemoEnvironmentUser> users;
    private final String masterUserName;
    private final String masterPassword;

    private DemoEnvironment(DemoImapServer sourceServer, DemoImapServer targetServer, List<DemoEnvironmentUser> users,
            String masterUserName, String masterPassword) {
        this.sourceServer = sourceServer;
        this.targetServer = targetServer;
        this.users = List.copyOf(users);
        this.masterUserName = masterUserName;
        this.masterPassword = masterPassword;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Configures and starts a {@link DemoEnvironment}. */
    public static final class Builder {
        private final Path directory;
        private int userCount = 3;
        private CorpusSpec corpus = CorpusSpec.small(1, 200);
        private char sourceDelimiter = DovecotServer.MAILDIR_PLUS_PLUS_DELIMITER;
        private char targetDelimiter = DovecotServer.FS_LAYOUT_DELIMITER;
        private String domain = "example.org";
        private String masterUserName = "admin";
        private String masterPassword;
        private DemoServerKind serverKind = DemoServerKind.AUTO;
        private boolean fsync;
        private long targetQuota;
        private long targetMaxMessageSize;
        private String targetImapCapability;
        private Office365StandIn targetExchangeOnline;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Number of mailboxes (default 3). */
        public Builder users(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("Need at least one user");
            }
            this.userCount = count;
            return this;
        }

        /** The mailbox each user gets; user i gets it with seed {@code spec.seed() + i}, so mailboxes differ. */
        public Builder corpus(CorpusSpec spec) {
            this.corpus = Objects.requireNonNull(spec, "spec");
            return this;
        }

        /** Which IMAP server to run (default {@link DemoServerKind#AUTO}). */
        public Builder server(DemoServerKind kind) {
            this.serverKind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Hierarchy delimiters of source and target, each '.' or '/'; GreenMail always uses '.'. */
        public Builder delimiters(char source, char target) {
            this.sourceDelimiter = source;
            this.targetDelimiter = target;
            return this;
        }

        public Builder domain(String value) {
            this.domain = Objects.requireNonNull(value, "domain");
            return this;
        }

        /**
         * Whether Dovecot fsyncs every saved message, as it does by default in production (off by default here: demo
         * mail need not survive a power cut). The benchmark turns it on to measure against a realistic server.
         */
        public Builder fsync(boolean value) {
            this.fsync = value;
            return this;
        }

        /** A storage quota of {@code bytes} for every target user (0, the default: none); Dovecot only. */
        public Builder targetQuota(long bytes) {
            this.targetQuota = bytes;
            return this;
        }

        /** Makes the target refuse messages larger than {@code bytes} (0, the default: no limit); Dovecot only. */
        public Builder targetMaxMessageSize(long bytes) {
            this.targetMaxMessageSize = bytes;
            return this;
        }

        /** The capabilities the target announces (see {@link DovecotServer.Builder#imapCapability}); Dovecot only. */
        public Builder targetImapCapability(String capabilities) {
            this.targetImapCapability = capabilities;
            return this;
        }

        /**
         * Makes the target Dovecot stand in for Exchange Online's IMAP, logging in with tokens of {@code standIn} (see
         * {@link DovecotServer.Builder#exchangeOnline}); its delimiter is then '/'. Dovecot only.
         */
        public Builder targetExchangeOnline(Office365StandIn standIn) {
            this.targetExchangeOnline = Objects.requireNonNull(standIn, "standIn");
            return this;
        }

        /** The source's master user (default "admin" with a random password); Dovecot only. */
        public Builder masterUser(String name, String password) {
            this.masterUserName = Objects.requireNonNull(name, "name");
            this.masterPassword = password;
            return this;
        }

        /**
         * Starts both servers and fills the source mailboxes; stops what it started if anything fails.
         *
         * @throws IllegalStateException when Dovecot is asked for but not installed
         */
        public DemoEnvironment start() throws IOException {
            DemoServerKind kind = serverKind.resolve();
            String master = masterPassword != null ? masterPassword : randomPassword();
            List<String> names = new ArrayList<>();
            List<String> passwords = new ArrayList<>();
            for (int i = 0; i < userCount; i++) {
                names.add(i < FIRST_NAMES.size() ? FIRST_NAMES.get(i) : String.format("user%03d", i + 1));
                passwords.add(randomPassword());
            }
            Map<String, String> sourceUsers = new LinkedHashMap<>();
            Map<String, String> targetUsers = new LinkedHashMap<>();
            for (int i = 0; i < userCount; i++) {
                sourceUsers.put(names.get(i), passwords.get(i));
                targetUsers.put(names.get(i) + "@" + domain, passwords.get(i));
            }
            DemoImapServer sourceServer = null;
            DemoImapServer targetServer = null;
            try {
                sourceServer = startServer(kind, "source", sourceDelimiter, sourceUsers, master);
                targetServer = startServer(kind, "target", targetDelimiter, targetUsers, master);
                List<DemoEnvironmentUser> users = new ArrayList<>();
                for (int i = 0; i < userCount; i++) {
                    String address = names.get(i) + "@" + domain;
                    String displayName = Character.toUpperCase(names.get(i).charAt(0)) + names.get(i).substring(1)
                            + " Example";
                    CorpusSpec spec = corpus.withSeed(corpus.seed() + i).withOwner(address, displayName);
                    MaildirManifest manifest = sourceServer.fillMailbox(names.get(i), new CorpusGenerator(spec));
                    users.add(new DemoEnvironmentUser(address, names.get(i), passwords.get(i), address, passwords.get(i),
                            manifest));
                }
                return new DemoEnvironment(sourceServer, targetServer, users, masterUserName, master);
            } catch (IOException | RuntimeException e) {
                if (targetServer != null) {
                    targetServer.stop();
                }
                if (sourceServer != null) {
                    sourceServer.stop();
                }
                throw e;
            }
        }

        /** Users go in before the start: a running Dovecot takes a second to see each one added later. */
        private DemoImapServer startServer(DemoServerKind kind, String role, char delimiter, Map<String, String> users,
                String master) throws IOException {
            Path serverDirectory = directory.resolve(role);
            if (kind == DemoServerKind.GREENMAIL) {
                GreenMailServer.Builder greenMail = GreenMailServer.builder(serverDirectory);
                users.forEach(greenMail::user);
                return greenMail.start();
            }
            DovecotServer.Builder dovecot = DovecotServer.builder(serverDirectory).hierarchyDelimiter(delimiter)
                    .masterUser(masterUserName, master).fsync(fsync).storageQuota(role.equals("target") ? targetQuota : 0)
                    .maxMessageSize(role.equals("target") ? targetMaxMessageSize : 0)
                    .imapCapability(role.equals("target") ? targetImapCapability : null);
            if (role.equals("target") && targetExchangeOnline != null) {
                dovecot.exchangeOnline(targetExchangeOnline);
            }
            users.forEach(dovecot::user);
            return dovecot.start();
        }
    }

    /** Which server runs: DOVECOT or GREENMAIL, never AUTO. */
    public DemoServerKind serverKind() {
        return sourceServer.kind();
    }

    public DemoEnvironmentServer source() {
        return DemoEnvironmentServer.of(sourceServer);
    }

    public DemoEnvironmentServer target() {
        return DemoEnvironmentServer.of(targetServer);
    }

    /** The running source server; a {@link DovecotServer} gives access to its files and log. */
    public DemoImapServer sourceServer() {
        return sourceServer;
    }

    public DemoImapServer targetServer() {
        return targetServer;
    }

    public List<DemoEnvironmentUser> users() {
        return users;
    }

    /** Whether {@link #masterCsv()} and the master user work (Dovecot only). */
    public boolean supportsMasterUsers() {
        return sourceServer.supportsMasterUsers();
    }

    /** The master user, valid on both servers when {@link #supportsMasterUsers()}: {@code alice*admin} logs in as alice. */
    public String masterUserName() {
        return masterUserName;
    }

    public String masterPassword() {
        return masterPassword;
    }

    /** The mailbox list in Exchange Online's CSV format, with each user's own source password. */
    public String csv() {
        StringBuilder csv = new StringBuilder("EmailAddress,UserName,Password\r\n");
        for (DemoEnvironmentUser user : users) {
            csv.append(user.emailAddress()).append(',').append(user.sourceUserName()).append(',')
                    .append(user.sourcePassword()).append("\r\n");
        }
        return csv.toString();
    }

    /**
     * The list with the optional columns too ({@code EmailAddress,UserName,Password,UserRoot,TargetUserName,TargetPassword}),
     * for an IMAP target that needs its own logins.
     */
    public String csvWithTargetLogins() {
        StringBuilder csv = new StringBuilder("EmailAddress,UserName,Password,UserRoot,TargetUserName,TargetPassword\r\n");
        for (DemoEnvironmentUser user : users) {
            csv.append(user.emailAddress()).append(',').append(user.sourceUserName()).append(',')
                    .append(user.sourcePassword()).append(",,").append(user.targetUserName()).append(',')
                    .append(user.targetPassword()).append("\r\n");
        }
        return csv.toString();
    }

    /**
     * The same list with master-user logins ({@code alice*admin} and the master password), as admins migrate.
     *
     * @throws UnsupportedOperationException on GreenMail, which has no master users
     */
    public String masterCsv() {
        if (!supportsMasterUsers()) {
            throw new UnsupportedOperationException(serverKind().displayName() + " has no master users");
        }
        StringBuilder csv = new StringBuilder("EmailAddress,UserName,Password\r\n");
        for (DemoEnvironmentUser user : users) {
            csv.append(user.emailAddress()).append(',').append(user.sourceUserName())
                    .append(DovecotServer.MASTER_USER_SEPARATOR).append(masterUserName).append(',').append(masterPassword)
                    .append("\r\n");
        }
        return csv.toString();
    }

    /** Stops both servers. Safe to call more than once. */
    public void stop() {
        try {
            targetServer.stop();
        } finally {
            sourceServer.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String randomPassword() {
        // No characters that need quoting in CSV, shells or Dovecot's passwd-file.
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }
}
