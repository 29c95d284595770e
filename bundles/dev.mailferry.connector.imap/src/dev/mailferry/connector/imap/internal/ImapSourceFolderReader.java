package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * A source folder opened with EXAMINE, so nothing in it can change through this session (FETCH of BODY.PEEK[] does not
 * set \Seen either).
 *
 * <p>Bodies are fetched several at a time ({@code UID FETCH 7,9:12 BODY.PEEK[]}) by a read-ahead thread while the
 * caller handles the previous batch; all fetched-but-unhandled bodies together stay below {@link #READ_AHEAD_BYTES},
 * except that a single message larger than that is fetched on its own.
 */
final class ImapSourceFolderReader implements SourceFolderReader {

    static final int SCAN_PAGE = 2000;
    static final long READ_AHEAD_BYTES = 8L << 20;
    static final long BATCH_BYTES = 2L << 20;
    static final int BATCH_MESSAGES = 250;

    private static final Pattern ESEARCH_MIN = Pattern.compile("\\bMIN (\\d+)", Pattern.CASE_INSENSITIVE);

    private final ImapConnection connection;
    private final SourceFolder folder;
    private final ImapSourceSession session;
    private final long uidValidity;
    private final int messageCount;
    private volatile int exists;
    private boolean closed;

    private ImapSourceFolderReader(ImapConnection connection, SourceFolder folder, ImapSourceSession session,
            MailboxInfo info) {
        this.connection = connection;
        this.folder = folder;
        this.session = session;
        this.uidValidity = info.uidvalidity;
        this.messageCount = info.total;
        this.exists = info.total;
    }

    static ImapSourceFolderReader open(ImapConnection connection, SourceFolder folder, ImapSourceSession session)
            throws ConnectorException {
        String decoded = FolderNames.decode(folder.nativeName());
        try {
            MailboxInfo info = connection.protocol().examine(decoded);
            return new ImapSourceFolderReader(connection, folder, session, info);
        } catch (CommandFailedException e) {
            throw connection.failure(Kind.NOT_FOUND, "Cannot open folder '" + folder.path() + "' on "
                    + connection.where() + ": " + ImapConnection.serverText(e));
        } catch (Exception e) {
            throw connection.translate(e, "open folder '" + folder.path() + "'");
        }
    }

    @Override
    public long uidValidity() {
        return uidValidity;
    }

    @Override
    public int messageCount() {
        return messageCount;
    }

    @Override
    public void scanMessages(long fromUid, long toUid, MessageConsumer consumer) throws ConnectorException {
        long from = Math.max(1, fromUid);
        if (toUid < from || exists == 0) {
            return;
        }
        long lastDelivered = from - 1;
        int seq = locate(from);
        while (seq >= 1 && seq <= exists) {
            int end = (int) Math.min(exists, (long) seq + SCAN_PAGE - 1);
            Response[] responses = connection.command("list messages of '" + folder.path() + "'",
                    "FETCH " + seq + ":" + end + " " + MessageItems.METADATA_ITEMS);
            boolean expunged = false;
            boolean beyondRange = false;
            for (Response response : responses) {
                if (response instanceof FetchResponse fetch) {
                    MessageInfo message = MessageItems.toMessageInfo(fetch);
                    if (message == null || message.uid() <= lastDelivered) {
                        continue;
                    }
                    if (message.uid() > toUid) {
                        beyondRange = true;
                        continue;
                    }
                    consumer.accept(message);
                    lastDelivered = message.uid();
                } else if (response instanceof IMAPResponse untagged && untagged.isUnTagged()) {
                    if (untagged.keyEquals("EXISTS")) {
                        exists = untagged.getNumber();
                    } else if (untagged.keyEquals("EXPUNGE") || untagged.keyEquals("VANISHED")) {
                        expunged = true;
                    }
                }
            }
            if (beyondRange) {
                return;
            }
            // Sequence numbers shift when messages are expunged meanwhile: find the next one by UID again.
            seq = expunged ? locate(lastDelivered + 1) : end + 1;
        }
    }

    /** The sequence number of the first message whose UID is at least {@code uid}; {@code exists + 1} if none. */
    private int locate(long uid) throws ConnectorException {
        if (uid <= 1) {
            return 1;
        }
        boolean esearch = connection.hasCapability("ESEARCH");
        Response[] responses = connection.command("search messages of '" + folder.path() + "'",
                esearch ? "SEARCH RETURN (MIN) UID " + uid + ":*" : "SEARCH UID " + uid + ":*");
        long min = Long.MAX_VALUE;
        for (Response response : responses) {
            if (!(response instanceof IMAPResponse untagged) || !untagged.isUnTagged()) {
                continue;
            }
            String line = untagged.toString();
            if (untagged.keyEquals("ESEARCH")) {
                Matcher matcher = ESEARCH_MIN.matcher(line);
                if (matcher.find()) {
                    min = Math.min(min, Long.parseLong(matcher.group(1)));
                }
            } else if (untagged.keyEquals("SEARCH")) {
                String[] parts = line.trim().split("\\s+");
                for (int i = 2; i < parts.length; i++) {
                    if (parts[i].matches("\\d+")) {
                        min = Math.min(min, Long.parseLong(parts[i]));
                    }
                }
            } else if (untagged.keyEquals("EXISTS")) {
                exists = untagged.getNumber();
            }
        }
        return min == Long.MAX_VALUE ? exists + 1 : (int) min;
    }

    @Override
    public void readMessages(List<MessageInfo> messages, MessageBodyHandler handler) throws ConnectorException {
        if (messages.isEmpty()) {
            return;
        }
        List<List<MessageInfo>> batches = batches(messages);
        ReadAhead readAhead = new ReadAhead(batches);
        Thread thread = new Thread(readAhead, "imap-read-ahead " + connection.endpoint().address());
        thread.setDaemon(true);
        thread.start();
        try {
            for (List<MessageInfo> batch : batches) {
                Batch fetched = readAhead.next();
                try {
                    for (MessageInfo message : batch) {
                        ByteArray body = fetched.bodies.get(message.uid());
                        if (body == null) {
                            handler.vanished(message);
                            continue;
                        }
                        MessageInfo exact = body.getCount() == message.size() ? message
                                : new MessageInfo(message.uid(), body.getCount(), message.internalDate(),
                                        message.flags(), message.messageId(), message.deleted());
                        try (InputStream in = body.toByteArrayInputStream()) {
                            handler.body(exact, in);
                        } catch (IOException e) {
                            throw new ConnectorException(Kind.PROTOCOL, "Could not hand over message UID "
                                    + message.uid() + " of '" + folder.path() + "': " + e.getMessage(), e);
                        }
                    }
                } finally {
                    readAhead.release(fetched);
                }
            }
        } finally {
            readAhead.cancel();
            try {
                // The read-ahead thread may be inside a FETCH: let it finish so the connection stays in step.
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<List<MessageInfo>> batches(List<MessageInfo> messages) {
        List<List<MessageInfo>> batches = new ArrayList<>();
        List<MessageInfo> current = new ArrayList<>();
        long bytes = 0;
        for (MessageInfo message : messages) {
            if (!current.isEmpty() && (bytes + message.size() > BATCH_BYTES || current.size() >= BATCH_MESSAGES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(message);
            bytes += message.size();
        }
        batches.add(current);
        return batches;
    }

    private Batch fetch(List<MessageInfo> batch) throws ConnectorException {
        long[] uids = new long[batch.size()];
        for (int i = 0; i < uids.length; i++) {
            uids[i] = batch.get(i).uid();
        }
        Arrays.sort(uids);
        Response[] responses = connection.command("read messages of '" + folder.path() + "'",
                "UID FETCH " + MessageItems.uidSet(uids, uids.length) + " (UID BODY.PEEK[])");
        Map<Long, ByteArray> bodies = new HashMap<>();
        long bytes = 0;
        for (Response response : responses) {
            if (response instanceof FetchResponse fetch) {
                UID uid = fetch.getItem(UID.class);
                BODY body = fetch.getItem(BODY.class);
                if (uid != null && body != null && body.getByteArray() != null) {
                    bodies.put(uid.uid, body.getByteArray());
                    bytes += body.getByteArray().getCount();
                }
            } else if (response instanceof IMAPResponse untagged && untagged.keyEquals("EXISTS")) {
                exists = untagged.getNumber();
            }
        }
        return new Batch(bodies, bytes, null);
    }

    private record Batch(Map<Long, ByteArray> bodies, long reserved, ConnectorException failure) {
    }

    /** Fetches batches ahead of the caller within a byte budget. */
    private final class ReadAhead implements Runnable {
        private final List<List<MessageInfo>> batches;
        private final BlockingQueue<Batch> ready = new LinkedBlockingQueue<>();
        private long reserved;
        private boolean cancelled;

        ReadAhead(List<List<MessageInfo>> batches) {
            this.batches = batches;
        }

        @Override
        public void run() {
            for (List<MessageInfo> batch : batches) {
                long size = batch.stream().mapToLong(MessageInfo::size).sum();
                if (!reserve(size)) {
                    return;
                }
                try {
                    Batch fetched = fetch(batch);
                    ready.add(new Batch(fetched.bodies(), size, null));
                } catch (ConnectorException e) {
                    ready.add(new Batch(Map.of(), size, e));
                    return;
                } catch (RuntimeException e) {
                    ready.add(new Batch(Map.of(), size, connection.translate(e, "read messages of '"
                            + folder.path() + "'")));
                    return;
                }
            }
        }

        private synchronized boolean reserve(long size) {
            while (!cancelled && reserved > 0 && reserved + size > READ_AHEAD_BYTES) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (cancelled) {
                return false;
            }
            reserved += size;
            return true;
        }

        synchronized void release(Batch batch) {
            reserved -= batch.reserved();
            notifyAll();
        }

        synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        Batch next() throws ConnectorException {
            try {
                Batch batch = ready.take();
                if (batch.failure() != null) {
                    throw batch.failure();
                }
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(Kind.CONNECTION, "Interrupted while reading '" + folder.path() + "'", e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            session.readerClosed(this);
        }
    }
}
