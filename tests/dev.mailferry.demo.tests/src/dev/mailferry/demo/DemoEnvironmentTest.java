package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoEnvironmentTest extends DemoEnvironmentTestBase {

    @BeforeAll
    static void start() throws IOException {
        startDemo(DemoServerKind.DOVECOT, 40);
    }

    @Test
    void runsDovecotWhenAskedTo() {
        assertEquals(DemoServerKind.DOVECOT, demo.serverKind());
        assertTrue(demo.source().offersStartTls());
        assertTrue(demo.supportsMasterUsers());
        assertTrue(demo.sourceServer() instanceof DovecotServer);
    }

    @Test
    void csvListsEveryMailboxInExchangeFormat() {
        List<String> lines = demo.csv().lines().toList();
        assertEquals("EmailAddress,UserName,Password", lines.get(0));
        assertEquals(3, lines.size());
        DemoEnvironmentUser alice = demo.users().get(0);
        assertEquals("alice@example.org,alice," + alice.sourcePassword(), lines.get(1));
        assertEquals("bob@example.org,bob*admin," + demo.masterPassword(), demo.masterCsv().lines().toList().get(2));
        assertEquals("alice@example.org,alice," + alice.sourcePassword() + ",,alice@example.org," + alice.targetPassword(),
                demo.csvWithTargetLogins().lines().toList().get(1));
    }

    @Test
    void sourceHoldsEachUsersOwnGeneratedMailbox() throws Exception {
        DemoEnvironmentServer source = demo.source();
        assertEquals('.', source.delimiter());
        assertEquals(source.imapsPort(), source.port("ssl"));
        assertEquals(source.imapPort(), source.port("starttls"));
        CorpusTestSupport.withMail(() -> {
            for (DemoEnvironmentUser user : demo.users()) {
                try (Store store = CorpusTestSupport.connect(source.host(), source.imapPort(), user.sourceUserName(),
                        user.sourcePassword())) {
                    Folder inbox = store.getFolder("INBOX");
                    inbox.open(Folder.READ_ONLY);
                    assertEquals(user.sourceManifest().messageCounts().get(dev.mailferry.core.model.FolderPath.of("INBOX")),
                            inbox.getMessageCount());
                    inbox.close(false);
                }
            }
            return null;
        });
        assertEquals(40, demo.users().get(1).sourceManifest().messageCount());
        // Different seeds per user: the mailboxes are not copies of each other.
        assertTrue(!demo.users().get(0).sourceManifest().entries().get(0).sha256()
                .equals(demo.users().get(1).sourceManifest().entries().get(0).sha256()));
    }

    @Test
    void masterUserReadsAnyoneOnTheSource() throws Exception {
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentUser bob = demo.users().get(1);
        CorpusTestSupport.withMail(() -> {
            try (Store store = CorpusTestSupport.connect(source.host(), source.imapPort(),
                    bob.sourceUserName() + DovecotServer.MASTER_USER_SEPARATOR + demo.masterUserName(),
                    demo.masterPassword())) {
                Folder sent = store.getFolder("Sent");
                assertEquals(bob.sourceManifest().entries(dev.mailferry.core.model.FolderPath.of("Sent")).size(),
                        sent.getMessageCount());
            }
            return null;
        });
    }

    @Test
    void targetMailboxesExistEmptyWithTheOtherDelimiter() throws Exception {
        assertEquals('/', demo.target().delimiter());
        assertTargetMailboxesAreEmptyInboxes();
    }

    @Test
    void stopClosesBothServers() throws Exception {
        DemoEnvironment other = DemoEnvironment.builder(tempDir.resolve("other")).users(1).corpus(CorpusSpec.small(1, 5))
                .server(DemoServerKind.DOVECOT).start();
        List<DemoEnvironmentServer> servers = List.of(other.source(), other.target());
        other.stop();
        for (DemoEnvironmentServer server : servers) {
            assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(server.host(), server.imapPort()), 1000);
                }
            });
        }
    }
}
