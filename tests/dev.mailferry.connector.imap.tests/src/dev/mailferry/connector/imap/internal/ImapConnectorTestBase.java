package dev.mailferry.connector.imap.internal;

import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors under test and the Dovecot servers they talk to. A subclass starts its servers with
 * {@link #startDovecot} from its own {@code @BeforeAll}; they run for the whole class (starting Dovecot takes a
 * while) and are stopped after it, in the order they were started.
 */
abstract class ImapConnectorTestBase {

    @TempDir
    private static Path tempDir;

    private static final List<DovecotServer> servers = new ArrayList<>();

    final ImapSourceConnector source = new ImapSourceConnector();
    final ImapTargetConnector target = new ImapTargetConnector();

    /** Starts a Dovecot with {@link ImapTestSupport}'s users in the class's temporary folder {@code name}. */
    static DovecotServer startDovecot(String name, char delimiter, boolean specialUse, long maxMessageSize)
            throws IOException {
        DovecotServer server = ImapTestSupport.start(tempDir.resolve(name), delimiter, specialUse, maxMessageSize);
        servers.add(server);
        return server;
    }

    @AfterAll
    static void stopDovecots() {
        servers.forEach(DovecotServer::stop);
        servers.clear();
    }
}
