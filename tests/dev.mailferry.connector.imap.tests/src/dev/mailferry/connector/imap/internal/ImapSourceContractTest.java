package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.contract.SourceConnectorContractTest;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.demo.CorpusGenerator;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The IMAP source against the source contract: a Dovecot mailbox of the generated corpus, over IMAPS. */
class ImapSourceContractTest extends SourceConnectorContractTest {

    private static final Pattern LISTED = Pattern.compile("^\\* LIST \\(([^)]*)\\) (?:\"[^\"]*\"|NIL) (.+)$");

    @TempDir
    static Path dir;

    private static DovecotServer dovecot;

    @BeforeAll
    static void start() throws IOException {
        dovecot = ImapTestSupport.start(dir.resolve("source"), '.', true, 0);
        dovecot.fillMailbox("alice", new CorpusGenerator(CorpusSpec.small(31, 60)));
    }

    @AfterAll
    static void stop() {
        dovecot.stop();
    }

    @Override
    protected SourceConnector connector() {
        return new ImapSourceConnector();
    }

    @Override
    protected Endpoint endpoint() {
        return ImapTestSupport.ssl(dovecot).with(dev.mailferry.connector.imap.ImapSettings.TLS_TRUST,
                dovecot.certificateSha256());
    }

    @Override
    protected Credentials credentials() {
        return ImapTestSupport.credentials("alice");
    }

    @Override
    protected Credentials refusedCredentials() {
        return new Credentials("alice", Secret.of("not-alices-password-4711"));
    }

    /** Folder name → flags by UID, read with a plain IMAP client (EXAMINE, UID FETCH FLAGS). */
    @Override
    protected Object describeMailbox() throws IOException {
        Map<String, Map<Long, String>> mailbox = new TreeMap<>();
        try (TestImapClient client = ImapTestSupport.client(dovecot, "alice")) {
            for (String line : client.list()) {
                Matcher listed = LISTED.matcher(line.trim());
                if (!listed.matches() || listed.group(1).contains("\\Noselect")) {
                    continue;
                }
                String name = listed.group(2);
                if (name.startsWith("\"")) {
                    name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
                mailbox.put(name, client.flags(name));
            }
        }
        return mailbox;
    }
}
