package dev.mailferry.engine;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-memory mail servers with the SPI's contracts (UIDs, UIDVALIDITY, pipelined appends reported late, checkpoints),
 * so engine logic can be tested fast and deterministically. The real-server tests use Dovecot.
 */
final class FakeMail {

    private FakeMail() {
    }

    record Message(long uid, byte[] bytes, Instant internalDate, MessageFlags flags, boolean deleted) {
        String messageId() {
            Matcher m = Pattern.compile("(?mi)^Message-ID:\\s*(\\S+)").matcher(new String(bytes, StandardCharsets.ISO_8859_1));
            return m.find() ? m.group(1) : null;
        }

        MessageInfo info() {
            return new MessageInfo(uid, bytes.length, internalDate, flags, messageId(), deleted);
        }
    }

    static final class Folder {
        final FolderPath path;
        final SpecialUse role;
        long uidValidity;
        long uidNext = 1;
        final List<Message> messages = new ArrayList<>();

        Folder(FolderPath path, SpecialUse role, long uidValidity) {
            this.path = path;
            this.role = role;
            this.uidValidity = uidValidity;
        }

        synchronized Message add(byte[] bytes, Instant date, MessageFlags flags, boolean deleted) {
            Message m = new Message(uidNext++, bytes, date, flags, deleted);
            messages.add(m);
            return m;
        }

        synchronized List<Message> snapshot() {
            return new ArrayList<>(messages);
        }

        synchronized int size() {
            return messages.size();
        }

        /** Removes the message at {@code index}, as a user deleting it (and expunging) does. */
        synchronized void remove(int index) {
            messages.remove(index);
        }

        /** Gives every message a new UID under a new UIDVALIDITY, as a server rebuilding its index does. */
        synchronized void renumber(long newUidValidity) {
            List<Message> old = new ArrayList<>(messages);
            messages.clear();
            uidValidity = newUidValidity;
            uidNext = 1;
            for (Message m : old) {
                add(m.bytes(), m.internalDate(), m.flags(), m.deleted());
            }
        }

        synchronized void setFlags(long uid, MessageFlags flags) {
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                if (m.uid() == uid) {
                    messages.set(i, new Message(uid, m.bytes(), m.internalDate(), flags, m.deleted()));
                }
            }
        }
    }

    /** One user's mailbox. */
    static final class Mailbox {
        final Map<FolderPath, Folder> folders = new LinkedHashMap<>();
        private final AtomicInteger validity = new AtomicInteger(1000);

        synchronized Folder folder(FolderPath path, SpecialUse role) {
            return folders.computeIfAbsent(path, p -> new Folder(p, role, validity.incrementAndGet()));
        }

        synchronized Folder folder(String path) {
            return folders.get(FolderPath.parse(path, '/'));
        }

        synchronized List<Folder> list() {
            return new ArrayList<>(folders.values());
        }
    }

    static byte[] message(String messageId, String subject, int bodyBytes) {
        StringBuilder b = new StringBuilder();
        if (messageId != null) {
            b.append("Message-ID: <").append(messageId).append(">\r\n");
        }
        b.append("Subject: ").append(subject).append("\r\nFrom: a@example.com\r\n\r\n");
        while (b.length() < bodyBytes) {
            b.append("Lorem ipsum dolor sit amet.\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A server with users, each with a password and a mailbox. */
    static class Server {
        final Map<String, String> passwords = new ConcurrentHashMap<>();
        final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
        /** Set to make the next session openings fail with a connection error. */
        final AtomicInteger connectionFailures = new AtomicInteger();
        /** The target refuses messages larger than this (like Exchange's size limit). */
        volatile long maxAppendSize = Long.MAX_VALUE;
        /** Appends of messages whose subject is this are refused as malformed (a refusal not about the size). */
        volatile String refusedSubject;
        final AtomicInteger appends = new AtomicInteger();
        /** Sessions open now, and the most ever open at once. */
        final AtomicInteger openSessions = new AtomicInteger();
        final AtomicInteger peakSessions = new AtomicInteger();

        void sessionOpened() {
            peakSessions.accumulateAndGet(openSessions.incrementAndGet(), Math::max);
        }

        Mailbox user(String name, String password) {
            passwords.put(name, password);
            return mailboxes.computeIfAbsent(name, n -> new Mailbox());
        }

        /** Login attempts by user name, refused ones included. */
        final Map<String, AtomicInteger> loginAttempts = new ConcurrentHashMap<>();

        Mailbox login(Credentials c) throws ConnectorException {
            loginAttempts.computeIfAbsent(c.userName(), n -> new AtomicInteger()).incrementAndGet();
            if (connectionFailures.get() > 0 && connectionFailures.getAndDecrement() > 0) {
                throw new ConnectorException(ConnectorException.Kind.CONNECTION, "fake server: connection reset");
            }
            String expected = passwords.get(c.userName());
            if (expected == null || !expected.equals(c.password().reveal())) {
                throw new ConnectorException(ConnectorException.Kind.AUTHENTICATION, "fake server: login refused for "
                        + c.userName());
            }
            return mailboxes.get(c.userName());
        }
    }

    static final class Source extends Server implements SourceConnector {
        @Override
        public String id() {
            return "fake";
        }

        @Override
        public String displayName() {
            return "Fake source";
        }

        /** Whether readers tell where to split a large folder (as the IMAP connector does). */
        volatile boolean splitFolders = true;
        /** The threads that read message bodies, by folder. */
        final Map<FolderPath, Set<String>> bodyReaders = new ConcurrentHashMap<>();

        @Override
        public SourceSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
            Mailbox mailbox = login(credentials);
            sessionOpened();
            return new SourceSession() {
                @Override
                public List<SourceFolder> listFolders() {
                    List<SourceFolder> list = new ArrayList<>();
                    for (Folder f : mailbox.list()) {
                        list.add(new SourceFolder(f.path, f.path.toString(), f.role, true));
                    }
                    return list;
                }

                @Override
                public SourceFolderReader openFolder(SourceFolder folder) throws ConnectorException {
                    Folder f = mailbox.folders.get(folder.path());
                    if (f == null) {
                        throw new ConnectorException(ConnectorException.Kind.NOT_FOUND, "no folder " + folder.path());
                    }
                    return reader(f);
                }

                @Override
                public void close() {
                    openSessions.decrementAndGet();
                }
            };
        }

        private SourceFolderReader reader(Folder f) {
            long uidValidity = f.uidValidity;
            return new SourceFolderReader() {
                @Override
                public long uidValidity() {
                    return uidValidity;
                }

                @Override
                public int messageCount() {
                    return f.snapshot().size();
                }

                @Override
                public void scanMessages(long fromUid, long toUid, MessageConsumer consumer) throws ConnectorException {
                    for (Message m : f.snapshot()) {
                        if (m.uid() >= fromUid && m.uid() <= toUid) {
                            consumer.accept(m.info());
                        }
                    }
                }

                @Override
                public long[] splitPoints(int parts) {
                    List<Message> messages = f.snapshot();
                    if (!splitFolders || parts < 2 || messages.size() < parts) {
                        return new long[0];
                    }
                    long[] points = new long[parts - 1];
                    for (int i = 1; i < parts; i++) {
                        points[i - 1] = messages.get(messages.size() * i / parts).uid();
                    }
                    return points;
                }

                @Override
                public void readMessages(List<MessageInfo> messages, MessageBodyHandler handler) throws ConnectorException {
                    bodyReaders.computeIfAbsent(f.path, p -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread()
                            .getName());
                    Map<Long, Message> byUid = new LinkedHashMap<>();
                    for (Message m : f.snapshot()) {
                        byUid.put(m.uid(), m);
                    }
                    for (MessageInfo info : messages) {
                        Message m = byUid.get(info.uid());
                        if (m == null) {
                            handler.vanished(info);
                            continue;
                        }
                        try {
                            handler.body(info, new ByteArrayInputStream(m.bytes()));
                        } catch (IOException e) {
                            throw new ConnectorException(ConnectorException.Kind.CONNECTION, e.getMessage(), e);
                        }
                    }
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) {
            return new ConnectionTestResult("fake", "none", List.of(), List.of(), 0);
        }
    }

    static final class Target extends Server implements TargetConnector {
        /** Whether the target can count the messages of its folders (the engine's read-back). */
        volatile boolean countsMessages = true;
        /** Roles the target gives its folders, as Exchange does ("Sent Items" is SENT). */
        final Map<FolderPath, SpecialUse> roles = new ConcurrentHashMap<>();

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public String displayName() {
            return "Fake target";
        }

        @Override
        public TargetSession open(Endpoint endpoint, Credentials credentials) throws ConnectorException {
            Mailbox mailbox = login(credentials);
            sessionOpened();
            return new TargetSession() {
                @Override
                public List<TargetFolder> listFolders() {
                    List<TargetFolder> list = new ArrayList<>();
                    for (Folder f : mailbox.list()) {
                        list.add(new TargetFolder(f.path, f.path.toString(), roles.getOrDefault(f.path, f.role)));
                    }
                    return list;
                }

                @Override
                public TargetFolder createFolder(FolderPath path) {
                    for (FolderPath p = path; !p.isRoot(); p = p.parent()) {
                        mailbox.folder(p, SpecialUse.NONE);
                    }
                    return new TargetFolder(path, path.toString(), roles.getOrDefault(path, SpecialUse.NONE));
                }

                @Override
                public TargetFolderWriter openFolder(TargetFolder folder) {
                    return writer(mailbox.folder(folder.path(), SpecialUse.NONE));
                }

                @Override
                public Map<FolderPath, Long> messageCounts(java.util.Collection<TargetFolder> folders) {
                    Map<FolderPath, Long> counts = new java.util.HashMap<>();
                    if (countsMessages) {
                        for (TargetFolder folder : folders) {
                            counts.put(folder.path(), (long) mailbox.folder(folder.path(), SpecialUse.NONE).size());
                        }
                    }
                    return counts;
                }

                @Override
                public void close() {
                    openSessions.decrementAndGet();
                }
            };
        }

        /** Reports outcomes late (every third append and at flush), as a pipelining IMAP connector does. */
        private TargetFolderWriter writer(Folder f) {
            return new TargetFolderWriter() {
                private final List<Runnable> unreported = new ArrayList<>();

                @Override
                public String checkpoint() {
                    synchronized (f) {
                        return f.uidValidity + ":" + f.uidNext;
                    }
                }

                @Override
                public List<AppendedMessage> appendedSince(String checkpoint) {
                    String[] parts = checkpoint.split(":");
                    long validity = Long.parseLong(parts[0]);
                    long from = validity == f.uidValidity ? Long.parseLong(parts[1]) : 1;
                    List<AppendedMessage> list = new ArrayList<>();
                    for (Message m : f.snapshot()) {
                        if (m.uid() >= from) {
                            list.add(new AppendedMessage(f.uidValidity + ":" + m.uid(), new MessageFingerprint(
                                    m.bytes().length, m.internalDate(), m.messageId())));
                        }
                    }
                    return list;
                }

                @Override
                public void existingMessages(java.util.function.Consumer<AppendedMessage> consumer) {
                    for (Message m : f.snapshot()) {
                        consumer.accept(new AppendedMessage(f.uidValidity + ":" + m.uid(), new MessageFingerprint(
                                m.bytes().length, m.internalDate(), m.messageId()), m.flags()));
                    }
                }

                @Override
                public void append(MessageInfo message, MessageFlags flags, InputStream raw, AppendListener listener)
                        throws ConnectorException {
                    byte[] bytes;
                    try {
                        bytes = raw.readAllBytes();
                    } catch (IOException e) {
                        throw new ConnectorException(ConnectorException.Kind.CONNECTION, e.getMessage(), e);
                    }
                    if (bytes.length != message.size()) {
                        throw new IllegalStateException("size mismatch for UID " + message.uid());
                    }
                    appends.incrementAndGet();
                    String refused = refusedSubject;
                    if (refused != null && new String(bytes, StandardCharsets.US_ASCII).contains("Subject: " + refused
                            + "\r\n")) {
                        unreported.add(() -> listener.rejected(message, "NO [PARSE] Invalid message header"));
                    } else if (bytes.length > maxAppendSize) {
                        unreported.add(() -> listener.refusedAsTooLarge(message, "NO [LIMIT] Message too large"));
                    } else {
                        Message m = f.add(bytes, message.internalDate(), flags, false);
                        String id = f.uidValidity + ":" + m.uid();
                        unreported.add(() -> listener.accepted(message, id, MessageFlags.NONE));
                    }
                    if (unreported.size() >= 3) {
                        report();
                    }
                }

                private void report() {
                    List<Runnable> now = new ArrayList<>(unreported);
                    unreported.clear();
                    now.forEach(Runnable::run);
                }

                @Override
                public void flush() {
                    report();
                }

                @Override
                public void updateFlags(String targetId, MessageFlags flags) {
                    f.setFlags(Long.parseLong(targetId.split(":")[1]), flags);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public ConnectionTestResult testConnection(Endpoint endpoint, Credentials credentials) {
            return new ConnectionTestResult("fake", "none", List.of(), List.of(), 0);
        }
    }
}
