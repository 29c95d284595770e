package dev.mailferry.connector.office365.internal;

import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.Office365StandIn;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mailbox, {@value #MAILBOX}, of a Graph stand-in whose folders are a Dovecot's, reached through the connector's
 * {@link GraphMailbox}: for tests of Graph requests below the target session. Each test class gets its own stand-in.
 */
abstract class GraphMailboxTestBase {

    static final String MAILBOX = "megan@contoso.com";

    @TempDir
    static Path dir;

    static Office365StandIn standIn;
    static DovecotServer exchange;
    static GraphMailbox mailbox;

    @BeforeAll
    static void startStandIn() throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        exchange = DovecotServer.builder(dir.resolve("exchange")).exchangeOnline(standIn).user(MAILBOX, "store-only-5")
                .start();
        GraphDirectory directory = new GraphDirectory(Office365Endpoint.parse(
                Office365ConnectionTest.endpoint(standIn, exchange)), new AppTokens(), Secret.of(standIn.clientSecret()));
        mailbox = new GraphMailbox(directory, MAILBOX);
    }

    @AfterAll
    static void stopStandIn() {
        if (exchange != null) {
            exchange.stop();
        }
        if (standIn != null) {
            standIn.close();
        }
    }
}
