package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.PinningTlsSocketFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Namespaces;
import org.eclipse.angus.mail.util.MailLogger;

/**
 * One logged-in IMAP connection, built on Angus Mail's {@link IMAPProtocol} (no jakarta.mail Store: a migration
 * session needs exactly one connection that it fully controls, e.g. to pipeline APPENDs). Used by one thread at a time.
 * Every failure becomes a {@link ConnectorException} whose message names server, user and operation, with the
 * password scrubbed out of anything the server or the library said.
 */
final class ImapConnection implements AutoCloseable {

    private static final PrintStream NO_DEBUG_OUTPUT = new PrintStream(java.io.OutputStream.nullOutputStream());

    private final ImapEndpoint endpoint;
    private final String userDescription;
    private final String secret;
    private final IMAPProtocol protocol;
    private final PinningTlsSocketFactory tls;
    private char delimiter = '\0';
    private boolean delimiterKnown;
    private String personalPrefix;

    private ImapConnection(ImapEndpoint endpoint, Credentials credentials, IMAPProtocol protocol, PinningTlsSocketFactory tls) {
        this.endpoint = endpoint;
        this.userDescription = endpoint.describeLogin(credentials);
        this.secret = credentials.password().reveal();
        this.protocol = protocol;
        this.tls = tls;
    }

    /** Connects, secures and logs in. */
    static ImapConnection open(ImapEndpoint endpoint, Credentials credentials) throws ConnectorException {
        String who = endpoint.describeLogin(credentials);
        String secret = credentials.password().reveal();
        // A plain-text connection skips the TLS set-up (loading the JDK trust store costs tens of milliseconds).
        PinningTlsSocketFactory tls = null;
        Properties props = new Properties();
        if (endpoint.security() != ImapEndpoint.Security.NONE) {
            try {
                tls = new PinningTlsSocketFactory(endpoint.trustedFingerprint());
            } catch (GeneralSecurityException e) {
                throw new ConnectorException(Kind.CONFIGURATION, "TLS is not available in this Java runtime: "
                        + e.getMessage(), e);
            }
            props.put("mail.imap.ssl.socketFactory", tls);
        }
        props.put("mail.imap.connectiontimeout", Integer.toString(endpoint.connectTimeoutMillis()));
        props.put("mail.imap.timeout", Integer.toString(endpoint.readTimeoutMillis()));
        props.put("mail.imap.socketFactory", new NoDelaySocketFactory());
        // Host names are verified by the JDK during the handshake (see PinningTlsSocketFactory), not again by Angus.
        props.put("mail.imap.ssl.checkserveridentity", "false");
        boolean ssl = endpoint.security() == ImapEndpoint.Security.SSL;
        props.put("mail.imap.ssl.enable", Boolean.toString(ssl));
        MailLogger logger = new MailLogger(ImapConnection.class, "DEBUG IMAP", false, NO_DEBUG_OUTPUT);

        IMAPProtocol protocol = null;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // jakarta.mail looks its providers up through the context class loader; in OSGi that must be Angus' own.
        Thread.currentThread().setContextClassLoader(IMAPProtocol.class.getClassLoader());
        try {
            protocol = new IMAPProtocol("imap", endpoint.host(), endpoint.port(), props, ssl, logger);
            if (endpoint.security() == ImapEndpoint.Security.STARTTLS) {
                if (!protocol.hasCapability("STARTTLS")) {
                    throw new ConnectorException(Kind.CONFIGURATION, "The IMAP server " + endpoint.address()
                            + " does not offer STARTTLS; choose security 'ssl' or 'none'.");
                }
                protocol.startTLS();
            }
            login(protocol, endpoint, credentials, who);
            protocol.capability();
            return new ImapConnection(endpoint, credentials, protocol, tls);
        } catch (ConnectorException e) {
            disconnectQuietly(protocol);
            throw e;
        } catch (IOException | ProtocolException | RuntimeException e) {
            disconnectQuietly(protocol);
            throw translate(e, endpoint, who, secret, tls, "connect");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static void login(IMAPProtocol protocol, ImapEndpoint endpoint, Credentials credentials, String who)
            throws ProtocolException, ConnectorException {
        String authcid = endpoint.authenticationUser(credentials);
        String authzid = endpoint.authorizationUser(credentials);
        String password = credentials.password().reveal();
        try {
            if (endpoint.auth() == ImapEndpoint.Auth.XOAUTH2) {
                if (!protocol.hasCapability("AUTH=XOAUTH2")) {
                    throw new ConnectorException(Kind.CONFIGURATION, "The IMAP server " + endpoint.address()
                            + " does not offer SASL XOAUTH2, which a login with an access token needs.");
                }
                protocol.authoauth2(authcid, password);
            } else if (endpoint.auth() == ImapEndpoint.Auth.PLAIN && protocol.hasCapability("AUTH=PLAIN")) {
                protocol.authplain(authzid, authcid, password);
            } else if (!authzid.isEmpty()) {
                throw new ConnectorException(Kind.CONFIGURATION, "The IMAP server " + endpoint.address()
                        + " does not offer SASL PLAIN, which a login with an authorization identity needs.");
            } else if (protocol.hasCapability("LOGINDISABLED")) {
                throw new ConnectorException(Kind.CONFIGURATION, "The IMAP server " + endpoint.address()
                        + " refuses plain-text logins on this connection; choose security 'ssl' or 'starttls'.");
            } else {
                protocol.login(authcid, password);
            }
        } catch (CommandFailedException | BadCommandException e) {
            java.time.Duration backoff = ServerThrottling.backoff(serverText(e));
            if (backoff != null) {
                throw ConnectorException.throttled("The IMAP server " + endpoint.address() + " asks to slow down"
                        + " (logging in " + who + "): " + scrub(serverText(e), password), backoff);
            }
            throw new ConnectorException(Kind.AUTHENTICATION, "The IMAP server " + endpoint.address()
                    + " refused the login of " + who + ": " + scrub(serverText(e), password), null);
        }
    }

    IMAPProtocol protocol() {
        return protocol;
    }

    ImapEndpoint endpoint() {
        return endpoint;
    }

    /** For messages: {@code imap.example.com:993 as 'alice'}. */
    String where() {
        return endpoint.address() + " as " + userDescription;
    }

    /** Describes the transport for "test connection". */
    String describeSecurity() {
        String session = tls == null ? null : tls.describeSession();
        return session == null ? "none (plain text)"
                : (endpoint.security() == ImapEndpoint.Security.STARTTLS ? "STARTTLS " : "SSL/TLS ") + session;
    }

    List<String> capabilities() {
        Map<String, String> caps = protocol.getCapabilities();
        return caps == null ? List.of() : new ArrayList<>(caps.values());
    }

    boolean hasCapability(String capability) {
        return protocol.hasCapability(capability);
    }

    /** The server's hierarchy delimiter, '\0' for a flat server. */
    char delimiter() throws ConnectorException {
        if (!delimiterKnown) {
            ListInfo[] root = call("list folders", () -> protocol.list("", ""));
            delimiter = root == null || root.length == 0 ? '\0' : root[0].separator;
            delimiterKnown = true;
        }
        return delimiter;
    }

    /** The personal namespace prefix (e.g. {@code INBOX.} on Courier), empty on most servers. */
    String personalPrefix() throws ConnectorException {
        if (personalPrefix == null) {
            personalPrefix = "";
            if (protocol.hasCapability("NAMESPACE")) {
                Namespaces namespaces = call("read namespaces", protocol::namespace);
                if (namespaces != null && namespaces.personal != null && namespaces.personal.length > 0) {
                    personalPrefix = namespaces.personal[0].prefix;
                }
            }
        }
        return personalPrefix;
    }

    /** Runs a protocol operation, turning its failures into ConnectorExceptions that say what was being done. */
    <T> T call(String operation, ProtocolCall<T> call) throws ConnectorException {
        try {
            return call.run();
        } catch (IOException | ProtocolException | RuntimeException e) {
            throw translate(e, operation);
        }
    }

    /** Sends a command and checks its tagged answer; returns all responses, the tagged one last. */
    Response[] command(String operation, String command) throws ConnectorException {
        return call(operation, () -> {
            Response[] responses = protocol.command(command, null);
            protocol.handleResult(responses[responses.length - 1]);
            return responses;
        });
    }

    ConnectorException translate(Throwable e, String operation) {
        return translate(e, endpoint, userDescription, secret, tls, operation);
    }

    ConnectorException failure(Kind kind, String message) {
        return new ConnectorException(kind, scrub(message, secret));
    }

    private static ConnectorException translate(Throwable e, ImapEndpoint endpoint, String who, String secret,
            PinningTlsSocketFactory tls, String operation) {
        String place = "IMAP server " + endpoint.address() + " (" + who + ")";
        if (tls != null && tls.certificateRejected()) {
            return ConnectorException.untrustedCertificate("The certificate of the IMAP server "
                    + endpoint.address() + " is not trusted (SHA-256 " + tls.presentedFingerprint()
                    + "). Trust it explicitly only if you know it is the server's own.", tls.presentedCertificate());
        }
        String said = e instanceof ProtocolException protocolFailure ? serverText(protocolFailure) : e.getMessage();
        java.time.Duration backoff = ServerThrottling.backoff(said);
        if (backoff != null) {
            return ConnectorException.throttled(scrub("The " + place + " asks to slow down (" + operation + "): " + said,
                    secret), backoff);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof SSLException)) {
            root = root.getCause();
        }
        Kind kind;
        String reason;
        if (e instanceof CommandFailedException || e instanceof BadCommandException) {
            kind = Kind.PROTOCOL;
            reason = "the server answered " + serverText((ProtocolException) e);
        } else if (e instanceof ConnectionException || e instanceof IOException || root instanceof IOException) {
            kind = Kind.CONNECTION;
            if (root instanceof UnknownHostException) {
                reason = "unknown host";
            } else if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
                reason = "cannot connect (" + root.getMessage() + ")";
            } else if (root instanceof SocketTimeoutException || root instanceof InterruptedIOException) {
                reason = "timed out";
            } else if (root instanceof SSLException) {
                reason = "TLS failed (" + root.getMessage() + ")";
            } else {
                reason = String.valueOf(e.getMessage());
            }
        } else if (e instanceof ProtocolException) {
            kind = Kind.PROTOCOL;
            reason = String.valueOf(e.getMessage());
        } else {
            kind = Kind.PROTOCOL;
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        // The cause is kept only when its text cannot carry a secret (library and I/O messages do not echo input).
        return new ConnectorException(kind, scrub("Could not " + operation + " on " + place + ": " + reason, secret),
                e instanceof ProtocolException ? null : e);
    }

    static String serverText(ProtocolException e) {
        Response response = e.getResponse();
        String text = response != null ? response.getRest() : e.getMessage();
        return text == null || text.isBlank() ? "(no reason given)" : text.trim();
    }

    static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, "******");
    }

    @Override
    public void close() {
        try {
            protocol.logout();
        } catch (ProtocolException | RuntimeException e) {
            // logging out of a broken connection: nothing to save
        } finally {
            disconnectQuietly(protocol);
        }
    }

    /** Closes the socket at once, without LOGOUT: for a connection whose command stream can no longer be trusted. */
    void drop() {
        disconnectQuietly(protocol);
    }

    private static void disconnectQuietly(IMAPProtocol protocol) {
        if (protocol != null) {
            try {
                protocol.disconnect();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** A protocol operation that may fail. */
    @FunctionalInterface
    interface ProtocolCall<T> {
        T run() throws IOException, ProtocolException, ConnectorException;
    }
}
