package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.Folder;
import jakarta.mail.Store;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One running {@link DemoEnvironment} with two users, shared by all tests of a class: starting it (two servers, filled
 * mailboxes) is too slow to repeat per test. Each subclass starts it from its own {@code @BeforeAll} on the server kind
 * it tests.
 */
abstract class DemoEnvironmentTestBase {

    @TempDir
    static Path tempDir;

    static DemoEnvironment demo;

    static void startDemo(DemoServerKind kind, int messagesPerUser) throws IOException {
        demo = DemoEnvironment.builder(tempDir).users(2).corpus(CorpusSpec.small(8, messagesPerUser)).server(kind)
                .start();
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
            // The field is shared by the subclasses: the next class must not see this stopped environment.
            demo = null;
        }
    }

    /** Every user's target mailbox exists and holds nothing but an empty INBOX, ready for a migration. */
    static void assertTargetMailboxesAreEmptyInboxes() throws Exception {
        DemoEnvironmentServer target = demo.target();
        CorpusTestSupport.withMail(() -> {
            for (DemoEnvironmentUser user : demo.users()) {
                try (Store store = CorpusTestSupport.connect(target.host(), target.imapPort(), user.targetUserName(),
                        user.targetPassword())) {
                    Folder[] folders = store.getDefaultFolder().list("*");
                    assertEquals(1, folders.length);
                    assertEquals("INBOX", folders[0].getFullName());
                    assertEquals(0, folders[0].getMessageCount());
                }
            }
            return null;
        });
    }
}
