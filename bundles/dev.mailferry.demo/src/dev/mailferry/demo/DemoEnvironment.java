package dev.mailferry.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A ready-made migration scenario on loopback for the {@code mailferry demo} command, the tests and the benchmark: a
 * source Dovecot whose users have generated mailboxes (with a master user), and a target Dovecot with the same users
 * and empty mailboxes. The two use different hierarchy delimiters (by default '.' on the source, '/' on the target),
 * so folder mapping is exercised.
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

    private final DovecotServer sourceServer;
    private final DovecotServer targetServer;
    private final List<DemoEnvironmentUser> users;
    private final String masterUserName;
    private final String masterPassword;

    private DemoEnvironment(DovecotServer sourceServer, DovecotServer targetServer, List<DemoEnvironmentUser> users,
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

        /** Hierarchy delimiters of source and target, each '.' or '/'. */
        public Builder delimiters(char source, char target) {
            this.sourceDelimiter = source;
            this.targetDelimiter = target;
            return this;
        }

        public Builder domain(String value) {
            this.domain = Objects.requireNonNull(value, "domain");
            return this;
        }

        /** The source's master user (default "admin" with a random password). */
        public Builder masterUser(String name, String password) {
            this.masterUserName = Objects.requireNonNull(name, "name");
            this.masterPassword = password;
            return this;
        }

        /** Starts both servers and fills the source mailboxes; stops what it started if anything fails. */
        public DemoEnvironment start() throws IOException {
            String master = masterPassword != null ? masterPassword : randomPassword();
            List<String> names = new ArrayList<>();
            List<String> passwords = new ArrayList<>();
            for (int i = 0; i < userCount; i++) {
                names.add(i < FIRST_NAMES.size() ? FIRST_NAMES.get(i) : String.format("user%03d", i + 1));
                passwords.add(randomPassword());
            }
            DovecotServer.Builder source = DovecotServer.builder(directory.resolve("source"))
                    .hierarchyDelimiter(sourceDelimiter).masterUser(masterUserName, master);
            DovecotServer.Builder target = DovecotServer.builder(directory.resolve("target"))
                    .hierarchyDelimiter(targetDelimiter).masterUser(masterUserName, master);
            for (int i = 0; i < userCount; i++) {
                source.user(names.get(i), passwords.get(i));
                target.user(names.get(i) + "@" + domain, passwords.get(i));
            }
            DovecotServer sourceServer = null;
            DovecotServer targetServer = null;
            try {
                sourceServer = source.start();
                targetServer = target.start();
                List<DemoEnvironmentUser> users = new ArrayList<>();
                MaildirLayout layout = MaildirLayout.forDelimiter(sourceDelimiter);
                for (int i = 0; i < userCount; i++) {
                    String address = names.get(i) + "@" + domain;
                    String displayName = Character.toUpperCase(names.get(i).charAt(0)) + names.get(i).substring(1)
                            + " Example";
                    CorpusSpec spec = corpus.withSeed(corpus.seed() + i).withOwner(address, displayName);
                    MaildirManifest manifest = new MaildirWriter(sourceServer.mailDir(names.get(i)), layout)
                            .write(new CorpusGenerator(spec));
                    users.add(new DemoEnvironmentUser(address, names.get(i), passwords.get(i), address, passwords.get(i),
                            manifest));
                }
                sourceServer.fixMailOwnership();
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
    }

    public DemoEnvironmentServer source() {
        return DemoEnvironmentServer.of(sourceServer);
    }

    public DemoEnvironmentServer target() {
        return DemoEnvironmentServer.of(targetServer);
    }

    /** The running source server, for tests that look at its files or log. */
    public DovecotServer sourceServer() {
        return sourceServer;
    }

    public DovecotServer targetServer() {
        return targetServer;
    }

    public List<DemoEnvironmentUser> users() {
        return users;
    }

    /** The master user, valid on both servers: {@code alice*admin} logs in as alice. */
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

    /** The same list with master-user logins ({@code alice*admin} and the master password), as admins migrate. */
    public String masterCsv() {
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
