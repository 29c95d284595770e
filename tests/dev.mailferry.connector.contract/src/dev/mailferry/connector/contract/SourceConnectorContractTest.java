package dev.mailferry.connector.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SourceConnector}, {@link SourceSession} and {@link SourceFolderReader}, sentence by sentence,
 * as assertions. A connector's tests extend it with a mailbox of several folders, one of them holding at least five
 * messages, and a way to describe the mailbox without the connector (to prove that reading changed nothing).
 */
public abstract class SourceConnectorContractTest {

    /** The connector under test (from the service registry, where it is registered). */
    protected abstract SourceConnector connector() throws Exception;

    protected abstract Endpoint endpoint() throws Exception;

    /** A mailbox with folders (and subfolders) and at least one folder of five or more messages. */
    protected abstract Credentials credentials() throws Exception;

    /** A login the source refuses. */
    protected abstract Credentials refusedCredentials() throws Exception;

    /**
     * Everything about the mailbox that reading could change, read without the connector: folders, and per message
     * its flags (\Seen above all), UID and size. Compared before and after the connector read everything.
     */
    protected abstract Object describeMailbox() throws Exception;

    @Test
    public void idAndNameAreThereAndSettingsAreDescribedOnce() throws Exception {
        SourceConnector connector = connector();
        assertTrue(connector.id().matches("[a-z0-9._-]+"), connector.id());
        assertFalse(connector.displayName().isBlank());
        DescribedSettings.assertWellDescribed(connector.settings());
        connector.checkEndpoint(endpoint());
    }

    @Test
    public void aRefusedLoginIsAnAuthenticationFailureThatDoesNotShowTheSecret() throws Exception {
        Credentials refused = refusedCredentials();
        ConnectorException e = assertThrows(ConnectorException.class, () -> connector().open(endpoint(), refused));
        assertEquals(ConnectorException.Kind.AUTHENTICATION, e.kind(), e.getMessage());
        assertFalse(e.getMessage().contains(refused.password().reveal()), e.getMessage());
    }

    @Test
    public void foldersComeParentsFirstWithTheInbox() throws Exception {
        try (SourceSession session = connector().open(endpoint(), credentials())) {
            List<SourceFolder> folders = session.listFolders();
            Set<FolderPath> seen = new HashSet<>();
            for (SourceFolder folder : folders) {
                FolderPath parent = folder.path().parent();
                if (parent != null && !parent.isRoot() && folders.stream().anyMatch(f -> f.path().equals(parent))) {
                    assertTrue(seen.contains(parent), parent + " before " + folder.path());
                }
                assertTrue(seen.add(folder.path()), "listed once: " + folder.path());
            }
            assertTrue(folders.stream().anyMatch(f -> f.path().isInbox() && f.selectable()), folders.toString());
        }
    }

    @Test
    public void scansGoInIncreasingUidOrderWithinTheirRangeAndAsFarAsAsked() throws Exception {
        try (SourceSession session = connector().open(endpoint(), credentials())) {
            SourceFolder folder = largestFolder(session);
            try (SourceFolderReader reader = session.openFolder(folder)) {
                List<MessageInfo> all = scan(reader, 1, Long.MAX_VALUE);
                assertEquals(reader.messageCount(), all.size(), "messageCount is what a full scan finds");
                assertEquals(session.messageCount(folder), all.size());
                assertTrue(all.size() >= 5, "the fixture's largest folder has five messages or more");
                for (int i = 1; i < all.size(); i++) {
                    assertTrue(all.get(i - 1).uid() < all.get(i).uid(), "increasing UIDs");
                }
                long from = all.get(1).uid();
                long to = all.get(3).uid();
                assertEquals(all.subList(1, 4).stream().map(MessageInfo::uid).toList(),
                        scan(reader, from, to).stream().map(MessageInfo::uid).toList(), "exactly the range");
                List<MessageInfo> some = new ArrayList<>();
                assertEquals(2, reader.scanSome(from, Long.MAX_VALUE, 2, some::add));
                assertEquals(all.subList(1, 3).stream().map(MessageInfo::uid).toList(),
                        some.stream().map(MessageInfo::uid).toList(), "no more than asked, from the start of the range");
                long[] points = reader.splitPoints(3);
                for (int i = 1; i < points.length; i++) {
                    assertTrue(points[i - 1] < points[i], "split points ascend");
                }
            }
        }
    }

    @Test
    public void bodiesAreDeliveredInTheOrderAskedWithExactlyTheAnnouncedSize() throws Exception {
        try (SourceSession session = connector().open(endpoint(), credentials())) {
            SourceFolder folder = largestFolder(session);
            try (SourceFolderReader reader = session.openFolder(folder)) {
                List<MessageInfo> all = scan(reader, 1, Long.MAX_VALUE);
                List<MessageInfo> asked = new ArrayList<>(all);
                java.util.Collections.reverse(asked);
                List<Long> delivered = new ArrayList<>();
                reader.readMessages(asked, new SourceFolderReader.MessageBodyHandler() {
                    @Override
                    public void body(MessageInfo message, InputStream rawMessage) throws IOException {
                        byte[] bytes = rawMessage.readAllBytes();
                        assertEquals(message.size(), bytes.length, "size of UID " + message.uid());
                        delivered.add(message.uid());
                    }

                    @Override
                    public void vanished(MessageInfo message) {
                        throw new AssertionError("nothing vanished, but UID " + message.uid() + " was reported so");
                    }
                });
                assertEquals(asked.stream().map(MessageInfo::uid).toList(), delivered);
            }
        }
    }

    @Test
    public void readingEverythingChangesNothingOnTheSource() throws Exception {
        Object before = describeMailbox();
        try (SourceSession session = connector().open(endpoint(), credentials())) {
            for (SourceFolder folder : session.listFolders()) {
                if (!folder.selectable()) {
                    continue;
                }
                try (SourceFolderReader reader = session.openFolder(folder)) {
                    List<MessageInfo> all = scan(reader, 1, Long.MAX_VALUE);
                    reader.readMessages(all, new SourceFolderReader.MessageBodyHandler() {
                        @Override
                        public void body(MessageInfo message, InputStream rawMessage) throws IOException {
                            rawMessage.readAllBytes();
                        }

                        @Override
                        public void vanished(MessageInfo message) {
                        }
                    });
                }
            }
        }
        assertEquals(before, describeMailbox(), "the source is as it was");
    }

    @Test
    public void closeNeverThrowsEvenTwice() throws Exception {
        SourceSession session = connector().open(endpoint(), credentials());
        SourceFolderReader reader = session.openFolder(largestFolder(session));
        reader.close();
        reader.close();
        session.close();
        session.close();
    }

    private static SourceFolder largestFolder(SourceSession session) throws ConnectorException {
        SourceFolder largest = null;
        int most = -1;
        for (SourceFolder folder : session.listFolders()) {
            if (folder.selectable()) {
                int count = session.messageCount(folder);
                if (count > most) {
                    most = count;
                    largest = folder;
                }
            }
        }
        return largest;
    }

    private static List<MessageInfo> scan(SourceFolderReader reader, long from, long to) throws ConnectorException {
        List<MessageInfo> found = new ArrayList<>();
        reader.scanMessages(from, to, found::add);
        return found;
    }
}
