package dev.mailferry.connector.office365.internal;

import dev.mailferry.connector.contract.TargetConnectorContractTest;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.ImapMailboxReader;
import dev.mailferry.demo.Office365StandIn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Office 365 target (the DS service) against the target contract, with the Entra ID stand-in and a Dovecot as
 * Exchange Online's IMAP; what was stored is read back over plain IMAP with the mailbox's own password.
 */
class Office365TargetContractTest extends TargetConnectorContractTest {

    private static final String MAILBOX = "megan@contoso.com";
    private static final String MAILBOX_PASSWORD = "only-for-reading-back-7";

    @TempDir
    static Path dir;

    private static Office365StandIn standIn;
    private static DovecotServer exchange;

    @BeforeAll
    static void start() throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        exchange = DovecotServer.builder(dir.resolve("exchange")).exchangeOnline(standIn).user(MAILBOX, MAILBOX_PASSWORD)
                .start();
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.stop();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @Override
    protected TargetConnector connector() throws Exception {
        return Office365ConnectionTest.office365Service();
    }

    @Override
    protected Endpoint endpoint() {
        return Office365ConnectionTest.endpoint(standIn, exchange);
    }

    @Override
    protected Credentials credentials() {
        return new Credentials(MAILBOX, Secret.of(standIn.clientSecret()));
    }

    /** A wrong client secret: Entra refuses the token, so the mailbox is never reached. */
    @Override
    protected Credentials refusedCredentials() {
        return new Credentials(MAILBOX, Secret.of("not-the-client-secret-4711"));
    }

    @Override
    protected List<StoredMessage> stored(TargetFolder folder) throws Exception {
        return ImapMailboxReader.read(exchange.host(), exchange.imapPort(), MAILBOX, MAILBOX_PASSWORD,
                folder.path().join(exchange.hierarchyDelimiter())).stream()
                .map(m -> new StoredMessage(m.bytes(), MessageFlags.fromImap(m.flags()), m.internalDate())).toList();
    }
}
