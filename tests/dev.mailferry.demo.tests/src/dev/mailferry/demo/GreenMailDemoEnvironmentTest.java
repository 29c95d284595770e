package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A {@link DemoEnvironment} on embedded GreenMail, checked from the outside through IMAP as a migration sees it. */
class GreenMailDemoEnvironmentTest extends DemoEnvironmentTestBase {

    @BeforeAll
    static void start() throws IOException {
        startDemo(DemoServerKind.GREENMAIL, 150);
    }

    @Test
    void runsGreenMailWithItsDelimiterAndWithoutStartTlsOrMasterUsers() {
        assertEquals(DemoServerKind.GREENMAIL, demo.serverKind());
        DemoEnvironmentServer source = demo.source();
        assertEquals(DemoServerKind.GREENMAIL, source.kind());
        assertEquals('.', source.delimiter());
        assertEquals('.', demo.target().delimiter());
        assertFalse(source.offersStartTls());
        assertEquals(source.imapsPort(), source.port("ssl"));
        assertEquals(source.imapPort(), source.port("none"));
        assertThrows(IllegalArgumentException.class, () -> source.port("starttls"));
        assertFalse(demo.supportsMasterUsers());
        assertThrows(UnsupportedOperationException.class, demo::masterCsv);
        assertEquals("EmailAddress,UserName,Password", demo.csv().lines().findFirst().orElseThrow());
    }

    @Test
    void sourceFoldersHoldTheManifestsMessagesWithTheirBytesFlagsAndDates() throws Exception {
        DemoEnvironmentServer source = demo.source();
        CorpusTestSupport.withMail(() -> {
            for (DemoEnvironmentUser user : demo.users()) {
                MaildirManifest manifest = user.sourceManifest();
                assertEquals(150, manifest.messageCount());
                try (Store store = CorpusTestSupport.connect(source.host(), source.imapPort(), user.sourceUserName(),
                        user.sourcePassword())) {
                    for (Map.Entry<FolderPath, Integer> count : manifest.messageCounts().entrySet()) {
                        Folder folder = CorpusTestSupport.folder(store, count.getKey(), '.');
                        folder.open(Folder.READ_ONLY);
                        assertEquals(count.getValue(), folder.getMessageCount(), user + " " + count.getKey());
                        List<MaildirManifest.Entry> entries = manifest.entries(count.getKey());
                        for (int i = 0; i < entries.size(); i++) {
                            assertStored(entries.get(i), folder.getMessage(i + 1));
                        }
                        folder.close(false);
                    }
                }
            }
            return null;
        });
        // The checks above compared something: the corpus has keywords, \Deleted and more than one folder in use.
        List<MaildirManifest.Entry> all = demo.users().stream().flatMap(u -> u.sourceManifest().entries().stream())
                .toList();
        assertTrue(all.stream().anyMatch(e -> !e.flags().keywords().isEmpty()));
        assertTrue(all.stream().anyMatch(MaildirManifest.Entry::deleted));
        assertTrue(all.stream().map(MaildirManifest.Entry::folder).distinct().count() > 3);
    }

    @Test
    void targetKeepsTheBytesOfAppendedMessages() throws Exception {
        // What a migration does to the target: APPEND each source message, then read it back unchanged.
        DemoEnvironmentServer target = demo.target();
        DemoEnvironmentUser bob = demo.users().get(1);
        CorpusGenerator corpus = new CorpusGenerator(
                CorpusSpec.small(8 + 1, 150).withOwner(bob.emailAddress(), "Bob Example"));
        List<SampleMessage> messages = corpus.messages().toList();
        assertEquals(bob.sourceManifest().entries().stream().map(MaildirManifest.Entry::sha256).sorted().toList(),
                messages.stream().map(SampleMessage::sha256).sorted().toList(), "the test regenerates bob's corpus");
        CorpusTestSupport.withMail(() -> {
            try (Store store = CorpusTestSupport.connect(target.host(), target.imapPort(), bob.targetUserName(),
                    bob.targetPassword())) {
                Folder copies = store.getFolder("Copies");
                assertTrue(copies.create(Folder.HOLDS_MESSAGES));
                Session session = CorpusTestSupport.session();
                Message[] appended = new Message[messages.size()];
                for (int i = 0; i < appended.length; i++) {
                    appended[i] = new MimeMessage(session, new ByteArrayInputStream(messages.get(i).raw()));
                }
                copies.appendMessages(appended);
                copies.open(Folder.READ_ONLY);
                assertEquals(messages.size(), copies.getMessageCount());
                for (int i = 0; i < appended.length; i++) {
                    SampleMessage expected = messages.get(i);
                    assertEquals(expected.sha256(), MaildirManifest.sha256Hex(CorpusTestSupport.rawBytes(copies.getMessage(i + 1))),
                            expected.toString());
                }
                copies.close(false);
            }
            return null;
        });
    }

    private static void assertStored(MaildirManifest.Entry expected, Message message) throws Exception {
        byte[] raw = CorpusTestSupport.rawBytes(message);
        String where = expected.folder() + " UID " + expected.fileName();
        assertEquals(expected.size(), message.getSize(), where);
        assertEquals(expected.sha256(), MaildirManifest.sha256Hex(raw), where);
        assertEquals(expected.internalDate(), message.getReceivedDate().toInstant(), where);
        assertEquals(expected.flags(), CorpusTestSupport.flagsOf(message), where);
        assertEquals(expected.deleted(), message.isSet(Flags.Flag.DELETED), where);
    }

    @Test
    void foldersAppearWithTheirUnicodeNamesAndSubscriptions() throws Exception {
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentUser alice = demo.users().get(0);
        CorpusTestSupport.withMail(() -> {
            try (Store store = CorpusTestSupport.connect(source.host(), source.imapPort(), alice.sourceUserName(),
                    alice.sourcePassword())) {
                CorpusTestSupport.assertStandardFoldersListedAndSubscribed(store);
            }
            return null;
        });
    }

    @Test
    void targetMailboxesExistEmptyAndWrongPasswordsAreRefused() throws Exception {
        assertTargetMailboxesAreEmptyInboxes();
        DemoEnvironmentServer target = demo.target();
        CorpusTestSupport.withMail(() -> {
            DemoEnvironmentUser alice = demo.users().get(0);
            assertThrows(AuthenticationFailedException.class, () -> CorpusTestSupport.connect(target.host(),
                    target.imapPort(), alice.targetUserName(), alice.targetPassword() + "x").close());
            // Source logins are not target logins: GreenMail must not create users on the fly.
            assertThrows(AuthenticationFailedException.class, () -> CorpusTestSupport.connect(target.host(),
                    target.imapPort(), alice.sourceUserName(), alice.sourcePassword()).close());
            return null;
        });
    }

    @Test
    void imapsPresentsTheReportedCertificate() throws Exception {
        DemoEnvironmentServer source = demo.source();
        X509Certificate certificate = demo.sourceServer().certificate();
        assertEquals(SelfSignedCertificate.sha256Fingerprint(certificate), source.certificateSha256());
        assertTrue(source.certificateSha256().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), source.certificateSha256());
        assertEquals(SelfSignedCertificate.pem(certificate), Files.readString(source.certificatePemFile()));
        DemoEnvironmentUser bob = demo.users().get(1);
        try (SSLSocket socket = (SSLSocket) TlsTestSupport.trustOnly(certificate).getSocketFactory()
                .createSocket(source.host(), source.imapsPort())) {
            socket.setSoTimeout(10_000);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(reader.readLine().startsWith("* OK"));
            X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertEquals(source.certificateSha256(), SelfSignedCertificate.sha256Fingerprint(presented));
            socket.getOutputStream().write(("a1 LOGIN " + bob.sourceUserName() + " " + bob.sourcePassword() + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("a1 "));
            assertTrue(line != null && line.startsWith("a1 OK"), line);
        }
        // The key is not GreenMail's bundled (public) one, so the JDK's trust store refuses it.
        assertThrows(SSLHandshakeException.class, () -> {
            try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(source.host(),
                    source.imapsPort())) {
                socket.startHandshake();
            }
        });
    }

    @Test
    void answersMultiLineResponsesWithoutNagleStalls() throws Exception {
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentUser alice = demo.users().get(0);
        try (Socket socket = new Socket(source.host(), source.imapPort())) {
            socket.setSoTimeout(10_000);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(reader.readLine().startsWith("* OK"));
            assertTrue(command(socket, reader, "LOGIN " + alice.sourceUserName() + " " + alice.sourcePassword())
                    .startsWith("OK"));
            assertTrue(command(socket, reader, "SELECT INBOX").startsWith("OK"));
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                assertTrue(command(socket, reader, "FETCH 1 (FLAGS)").startsWith("OK"));
            }
            // An untagged plus a tagged line each: with Nagle on, each waited ~40 ms for the client's delayed ACK (4 s).
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2000, "100 FETCH round trips took " + millis + " ms");
        }
    }

    /** Sends one tagged command and returns the tagged result ("OK ...", "NO ..." or "BAD ..."). */
    private static String command(Socket socket, BufferedReader reader, String command) throws IOException {
        socket.getOutputStream().write(("t " + command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("t ")) {
                return line.substring(2);
            }
        }
        throw new IOException("Connection closed after " + command);
    }

    @Test
    void stopClosesBothServersAndFreesTheirPorts() throws Exception {
        DemoEnvironment other = DemoEnvironment.builder(tempDir.resolve("other")).users(1).corpus(CorpusSpec.small(1, 5))
                .server(DemoServerKind.GREENMAIL).start();
        assertTrue(other.sourceServer().isRunning());
        List<DemoEnvironmentServer> servers = List.of(other.source(), other.target());
        other.stop();
        assertFalse(other.sourceServer().isRunning());
        for (DemoEnvironmentServer server : servers) {
            for (int port : new int[] { server.imapPort(), server.imapsPort() }) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(server.host(), port), 1000);
                    }
                });
                try (ServerSocket rebound = new ServerSocket()) {
                    rebound.setReuseAddress(true);
                    rebound.bind(new InetSocketAddress(InetAddress.getByName(server.host()), port));
                }
            }
        }
        other.stop(); // a second stop is harmless
    }

    @Test
    void autoFollowsTheConfigurationAndElseDovecotsPresence() {
        String previous = System.getProperty(DemoServerKind.CONFIGURATION_PROPERTY);
        try {
            System.setProperty(DemoServerKind.CONFIGURATION_PROPERTY, "GreenMail");
            assertEquals(DemoServerKind.GREENMAIL, DemoServerKind.AUTO.resolve());
            System.setProperty(DemoServerKind.CONFIGURATION_PROPERTY, "dovecot");
            assertEquals(DemoServerKind.DOVECOT, DemoServerKind.AUTO.resolve());
            System.setProperty(DemoServerKind.CONFIGURATION_PROPERTY, "courier");
            assertThrows(IllegalArgumentException.class, DemoServerKind.AUTO::resolve);
            if (System.getenv(DemoServerKind.CONFIGURATION_VARIABLE) == null) {
                System.setProperty(DemoServerKind.CONFIGURATION_PROPERTY, "auto");
                assertEquals(DovecotServer.isInstalled() ? DemoServerKind.DOVECOT : DemoServerKind.GREENMAIL,
                        DemoServerKind.AUTO.resolve());
            }
            assertEquals(DemoServerKind.GREENMAIL, DemoServerKind.GREENMAIL.resolve());
        } finally {
            if (previous == null) {
                System.clearProperty(DemoServerKind.CONFIGURATION_PROPERTY);
            } else {
                System.setProperty(DemoServerKind.CONFIGURATION_PROPERTY, previous);
            }
        }
    }
}
