package dev.mailferry.engine;

import dev.mailferry.connector.contract.SourceConnectorContractTest;
import dev.mailferry.connector.contract.TargetConnectorContractTest;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;

/**
 * The engine's in-memory test connectors hold to the same contract as the real ones: the engine's tests that use them
 * prove nothing a real connector would not also do.
 */
class FakeMailContractTest {

    private static final Endpoint ENDPOINT = new Endpoint("fake", Map.of());

    @Nested
    class Source extends SourceConnectorContractTest {
        private final FakeMail.Source source = new FakeMail.Source();

        Source() {
            FakeMail.Mailbox mailbox = source.user("alice", "alice-pw");
            FakeMail.Folder inbox = mailbox.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
            for (int i = 1; i <= 8; i++) {
                inbox.add(FakeMail.message("m" + i + "@example.org", "message " + i, 300 + i * 50),
                        Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i), i % 2 == 0
                                ? MessageFlags.of(List.of(SystemFlag.SEEN), List.of()) : MessageFlags.NONE, false);
            }
            mailbox.folder(FolderPath.of("Projects"), SpecialUse.NONE);
            mailbox.folder(FolderPath.of("Projects", "2026"), SpecialUse.NONE)
                    .add(FakeMail.message("p1@example.org", "project", 500), Instant.parse("2024-02-01T00:00:00Z"),
                            MessageFlags.NONE, false);
        }

        @Override
        protected SourceConnector connector() {
            return source;
        }

        @Override
        protected Endpoint endpoint() {
            return ENDPOINT;
        }

        @Override
        protected Credentials credentials() {
            return new Credentials("alice", Secret.of("alice-pw"));
        }

        @Override
        protected Credentials refusedCredentials() {
            return new Credentials("alice", Secret.of("wrong-pw-4711"));
        }

        @Override
        protected Object describeMailbox() {
            Map<FolderPath, List<String>> described = new TreeMap<>();
            for (FakeMail.Folder folder : source.mailboxes.get("alice").list()) {
                described.put(folder.path, folder.snapshot().stream().map(m -> m.uid() + " " + m.flags()).toList());
            }
            return described;
        }
    }

    @Nested
    class Target extends TargetConnectorContractTest {
        private final FakeMail.Target target = new FakeMail.Target();

        Target() {
            target.user("bob", "bob-pw");
        }

        @Override
        protected TargetConnector connector() {
            return target;
        }

        @Override
        protected Endpoint endpoint() {
            return ENDPOINT;
        }

        @Override
        protected Credentials credentials() {
            return new Credentials("bob", Secret.of("bob-pw"));
        }

        @Override
        protected Credentials refusedCredentials() {
            return new Credentials("bob", Secret.of("wrong-pw-4711"));
        }

        @Override
        protected List<StoredMessage> stored(TargetFolder folder) {
            return target.mailboxes.get("bob").folders.get(folder.path()).snapshot().stream()
                    .map(m -> new StoredMessage(m.bytes(), m.flags(), m.internalDate())).toList();
        }
    }
}
