package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.ADMIN;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.ADMIN_PASSWORD;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.client;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.ssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logins (own password, master user, SASL authorization identity), TLS trust, STARTTLS and "test connection". */
class ImapLoginTest extends ImapConnectorTestBase {

    static DovecotServer dovecot;

    @BeforeAll
    static void start() throws IOException {
        dovecot = startDovecot("dovecot", '.', true, 0);
        try (TestImapClient seed = client(dovecot, "bob")) {
            seed.command("CREATE BobsOwnFolder");
        }
    }

    private static boolean seesBobsFolder(SourceSession session) throws ConnectorException {
        return session.listFolders().stream().map(SourceFolder::path)
                .anyMatch(FolderPath.of("BobsOwnFolder")::equals);
    }

    private static Credentials adminFor(String user) {
        return ImapSettings.adminCredentials(user, Secret.of(ADMIN_PASSWORD));
    }

    /** The full text a log would show: messages and causes. */
    private static String everything(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void userLogsInWithOwnPasswordThroughSaslPlainAndThroughLogin() throws Exception {
        try (SourceSession session = source.open(plain(dovecot), credentials("bob"))) {
            assertTrue(seesBobsFolder(session));
        }
        Endpoint login = plain(dovecot).with(ImapSettings.AUTH, ImapSettings.AUTH_LOGIN);
        try (SourceSession session = source.open(login, credentials("bob"))) {
            assertTrue(seesBobsFolder(session));
        }
    }

    @Test
    void masterUserOpensTheUsersMailbox() throws Exception {
        Endpoint endpoint = plain(dovecot).with(ImapSettings.ADMIN_USER, ADMIN);
        try (SourceSession session = source.open(endpoint, adminFor("bob"))) {
            assertTrue(seesBobsFolder(session));
        }
    }

    @Test
    void saslAuthorizationIdentityOpensTheUsersMailbox() throws Exception {
        Endpoint endpoint = plain(dovecot).with(ImapSettings.ADMIN_USER, ADMIN).with(ImapSettings.ADMIN_MODE,
                ImapSettings.ADMIN_MODE_AUTHZID);
        try (SourceSession session = source.open(endpoint, adminFor("bob"))) {
            assertTrue(seesBobsFolder(session));
        }
        ConnectorException e = assertThrows(ConnectorException.class, () -> source.open(
                endpoint.with(ImapSettings.AUTH, ImapSettings.AUTH_LOGIN), adminFor("bob")));
        assertEquals(Kind.CONFIGURATION, e.kind());
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorNamingServerAndUserButNotThePassword() {
        String wrong = "Wr0ng-Passw0rd-xyz";
        ConnectorException e = assertThrows(ConnectorException.class,
                () -> source.open(plain(dovecot), new Credentials("carol", Secret.of(wrong))));
        assertEquals(Kind.AUTHENTICATION, e.kind());
        assertTrue(e.getMessage().contains(dovecot.host() + ":" + dovecot.imapPort()), e.getMessage());
        assertTrue(e.getMessage().contains("carol"), e.getMessage());
        assertFalse(everything(e).contains(wrong), everything(e));

        Endpoint master = plain(dovecot).with(ImapSettings.ADMIN_USER, ADMIN);
        ConnectorException admin = assertThrows(ConnectorException.class,
                () -> target.open(master, ImapSettings.adminCredentials("carol", Secret.of(wrong))));
        assertEquals(Kind.AUTHENTICATION, admin.kind());
        assertTrue(admin.getMessage().contains("carol") && admin.getMessage().contains(ADMIN), admin.getMessage());
        assertFalse(everything(admin).contains(wrong));
    }

    @Test
    void selfSignedCertificateIsUntrustedUntilItsFingerprintIsTrusted() throws Exception {
        ConnectorException e = assertThrows(ConnectorException.class, () -> source.open(ssl(dovecot), credentials("bob")));
        assertEquals(Kind.UNTRUSTED_CERTIFICATE, e.kind(), everything(e));
        assertEquals(dovecot.certificateSha256(), e.certificateSha256());
        assertEquals(dovecot.certificate(), e.certificate(), "the certificate itself, for people to judge");
        assertTrue(e.getMessage().contains(dovecot.certificateSha256()), e.getMessage());
        assertFalse(everything(e).contains(ImapTestSupport.password("bob")));

        String otherFingerprint = "00".repeat(32);
        ConnectorException wrongPin = assertThrows(ConnectorException.class, () -> source.open(
                ssl(dovecot).with(ImapSettings.TLS_TRUST, otherFingerprint), credentials("bob")));
        assertEquals(Kind.UNTRUSTED_CERTIFICATE, wrongPin.kind());

        // Fingerprints compare without colons and case, as users paste them.
        String pasted = dovecot.certificateSha256().replace(":", "").toLowerCase();
        Endpoint trusted = ssl(dovecot).with(ImapSettings.TLS_TRUST, pasted);
        try (SourceSession session = source.open(trusted, credentials("bob"))) {
            assertTrue(seesBobsFolder(session));
        }
        ConnectionTestResult result = source.testConnection(trusted, credentials("bob"));
        assertTrue(result.security().startsWith("SSL/TLS TLSv1."), result.security());
        assertTrue(result.security().contains(dovecot.certificateSha256()), result.security());
        assertTrue(result.server().contains("Dovecot"), result.server());
        assertTrue(result.capabilities().contains("IMAP4rev1"), result.capabilities().toString());
        assertTrue(result.namespaces().get(0).startsWith("personal \"\" delimiter \".\""), result.namespaces().toString());
        assertTrue(result.folderCount() >= 2, "INBOX and BobsOwnFolder: " + result.folderCount());
    }

    @Test
    void startTlsVerifiesTheCertificateToo() throws Exception {
        Endpoint startTls = plain(dovecot).with(ImapSettings.SECURITY, ImapSettings.SECURITY_STARTTLS);
        ConnectorException e = assertThrows(ConnectorException.class, () -> target.open(startTls, credentials("bob")));
        assertEquals(Kind.UNTRUSTED_CERTIFICATE, e.kind(), everything(e));
        assertEquals(dovecot.certificateSha256(), e.certificateSha256());

        Endpoint trusted = startTls.with(ImapSettings.TLS_TRUST, dovecot.certificateSha256());
        try (TargetSession session = target.open(trusted, credentials("bob"))) {
            assertTrue(session.listFolders().stream().anyMatch(f -> f.path().equals(FolderPath.of("BobsOwnFolder"))));
        }
        ConnectionTestResult result = target.testConnection(trusted, credentials("bob"));
        assertTrue(result.security().startsWith("STARTTLS TLSv1."), result.security());
    }

    @Test
    void plainConnectionSaysSo() throws Exception {
        ConnectionTestResult result = source.testConnection(plain(dovecot), credentials("bob"));
        assertEquals("none (plain text)", result.security());
    }

    @Test
    void badSettingsAndUnreachableServersHaveTheirOwnKinds() throws Exception {
        ConnectorException noHost = assertThrows(ConnectorException.class,
                () -> source.open(plain(dovecot).with(ImapSettings.HOST, null), credentials("bob")));
        assertEquals(Kind.CONFIGURATION, noHost.kind());
        ConnectorException badSecurity = assertThrows(ConnectorException.class,
                () -> source.open(plain(dovecot).with(ImapSettings.SECURITY, "tls1.0"), credentials("bob")));
        assertEquals(Kind.CONFIGURATION, badSecurity.kind());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ConnectorException refused = assertThrows(ConnectorException.class, () -> source.open(
                plain(dovecot).with(ImapSettings.PORT, Integer.toString(closedPort)), credentials("bob")));
        assertEquals(Kind.CONNECTION, refused.kind(), everything(refused));
        assertTrue(refused.kind().retryable());
        assertNull(refused.certificateSha256());
        assertTrue(refused.getMessage().contains(":" + closedPort), refused.getMessage());
    }

    @Test
    void connectorsAreTheRegisteredDeclarativeServices() throws Exception {
        org.osgi.framework.BundleContext context = org.osgi.framework.FrameworkUtil.getBundle(ImapSourceConnector.class)
                .getBundleContext();
        if (context == null) {
            // lazy activation: the bundle starts when its classes are used, which has just happened
            org.osgi.framework.FrameworkUtil.getBundle(ImapSourceConnector.class).start();
            context = org.osgi.framework.FrameworkUtil.getBundle(ImapSourceConnector.class).getBundleContext();
        }
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> found = List.of();
        while (System.currentTimeMillis() < deadline) {
            var sources = context.getServiceReferences(dev.mailferry.core.spi.SourceConnector.class, "(connector.id=imap)");
            var targets = context.getServiceReferences(dev.mailferry.core.spi.TargetConnector.class, "(connector.id=imap)");
            if (!sources.isEmpty() && !targets.isEmpty()) {
                found = List.of(context.getService(sources.iterator().next()).id(),
                        context.getService(targets.iterator().next()).id());
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of("imap", "imap"), found);
    }
}
