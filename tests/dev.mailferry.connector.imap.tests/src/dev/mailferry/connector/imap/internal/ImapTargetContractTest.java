package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.contract.TargetConnectorContractTest;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.ImapMailboxReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The IMAP target against the target contract: a Dovecot with the '/' delimiter, over plain IMAP. */
class ImapTargetContractTest extends TargetConnectorContractTest {

    @TempDir
    static Path dir;

    private static DovecotServer dovecot;

    @BeforeAll
    static void start() throws IOException {
        dovecot = ImapTestSupport.start(dir.resolve("target"), '/', true, 0);
    }

    @AfterAll
    static void stop() {
        dovecot.stop();
    }

    @Override
    protected TargetConnector connector() {
        return new ImapTargetConnector();
    }

    @Override
    protected Endpoint endpoint() {
        return ImapTestSupport.plain(dovecot);
    }

    @Override
    protected Credentials credentials() {
        return ImapTestSupport.credentials("bob");
    }

    @Override
    protected Credentials refusedCredentials() {
        return new Credentials("bob", Secret.of("not-bobs-password-4711"));
    }

    @Override
    protected boolean deletesMessages() {
        return true; // Dovecot has UIDPLUS
    }

    @Override
    protected List<StoredMessage> stored(TargetFolder folder) throws Exception {
        return ImapMailboxReader.read(dovecot.host(), dovecot.imapPort(), "bob", ImapTestSupport.password("bob"),
                folder.path().join(dovecot.hierarchyDelimiter())).stream()
                .map(m -> new StoredMessage(m.bytes(), MessageFlags.fromImap(m.flags()), m.internalDate())).toList();
    }
}
