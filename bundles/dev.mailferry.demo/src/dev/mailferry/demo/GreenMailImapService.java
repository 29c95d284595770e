package dev.mailferry.demo;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * GreenMail's IMAP(S) listener tuned for a migration rather than a unit test: Nagle off on every connection, because
 * GreenMail flushes each response line on its own and Nagle plus the client's delayed ACK then stalls every command by
 * ~40 ms; and connections may idle as long as at Dovecot (GreenMail drops them after 30 s), since a migration keeps
 * connections open while it works on the other side.
 */
final class GreenMailImapService extends AbstractServer {

    /** Dovecot's limit for an authenticated, idle IMAP connection (RFC 3501 asks for at least 30 minutes). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);

    GreenMailImapService(ServerSetup setup, Managers managers) {
        super(setup, managers);
        setClientSocketTimeout((int) IDLE_TIMEOUT.toMillis());
    }

    @Override
    protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
        return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), clientSocket);
    }

    @Override
    protected void handleClientSocket(Socket clientSocket) throws SocketException {
        clientSocket.setTcpNoDelay(true);
        super.handleClientSocket(clientSocket);
    }

    /** A GreenMail whose IMAP and IMAPS listeners are {@link GreenMailImapService}s. */
    static final class TunedGreenMail extends GreenMail {

        TunedGreenMail(ServerSetup[] setups) {
            super(setups);
        }

        @Override
        protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
            Map<String, AbstractServer> services = new HashMap<>(super.createServices(config, managers));
            for (ServerSetup setup : config) {
                if (setup.getProtocol().startsWith(ServerSetup.PROTOCOL_IMAP)) {
                    services.put(setup.getProtocol(), new GreenMailImapService(setup, managers));
                }
            }
            return services;
        }

        /** The listener for "imap" or "imaps"; GreenMail's own getImap() expects its final ImapServer class. */
        AbstractServer service(String protocol) {
            return services.get(protocol);
        }
    }
}
