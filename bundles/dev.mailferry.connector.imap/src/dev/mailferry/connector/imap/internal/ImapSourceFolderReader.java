package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.InMemoryMessage;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.ResyncData;
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
 *
 * <p>A message larger than {@link #STREAM_THRESHOLD} is not fetched whole: the caller gets a {@link ChunkedBody} that
 * fetches {@code BODY.PEEK[]<offset.length>} one {@link #CHUNK_BYTES} chunk at a time, when the previous chunk has been
 * consumed, so memory does not grow with the message. Meanwhile the read-ahead thread waits, since both use the one
 * connection.
 */
final class ImapSourceFolderReader implements SourceFolderReader {

    static final int SCAN_PAGE = 2000;
    static final long READ_AHEAD_BYTES = 8L << 20;
    static final long BATCH_BYTES = 2L << 20;
    static final int BATCH_MESSAGES = 250;
    static final long STREAM_THRESHOLD = 1L << 20;
    static final int CHUNK_BYTES = 1 << 20;

    private static final Pattern ESEARCH_MIN = Pattern.compile("\\bMIN (\\d+)", Pattern.CASE_INSENSITIVE);

    private final ImapConnection connection;
    private final SourceFolder folder;
    private final ImapSourceSession session;
    private final long uidValidity;
    /** HIGHESTMODSEQ when the folder was opened; 0 when the server keeps none or does not offer CONDSTORE. */
    private final long highestModSeq;
    /** UIDNEXT when the folder was opened; 0 when the server did not say. */
    private final long uidNext;
    private final int messageCount;
    private volatile int exists;
    private boolean closed;

    private ImapSourceFolderReader(ImapConnection connection, SourceFolder folder, ImapSourceSession session,
            MailboxInfo info) {
        this.connection = connection;
        this.folder = folder;
        this.session = session;
        this.uidValidity = info.uidvalidity;
        this.highestModSeq = Math.max(0, info.highestmodseq);
        this.uidNext = Math.max(0, info.uidnext);
        this.messageCount = info.total;
        this.exists = info.total;
    }

    static ImapSourceFolderReader open(ImapConnection connection, SourceFolder folder, ImapSourceSession session)
            throws ConnectorException {
        String decoded = FolderNames.decode(folder.nativeName());
        try {
            // (CONDSTORE) makes the server tell the folder's HIGHESTMODSEQ, which bounds what changesSince reports
            MailboxInfo info = connection.hasCapability("CONDSTORE")
                    ? connection.protocol().examine(decoded, ResyncData.CONDSTORE)
                    : connection.protocol().examine(decoded);
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
        scan(fromUid, toUid, Integer.MAX_VALUE, consumer);
    }

    @Override
    public int scanSome(long fromUid, long toUid, int limit, MessageConsumer consumer) throws ConnectorException {
        return scan(fromUid, toUid, limit, consumer);
    }

    /**
     * {@code UID SEARCH MODSEQ} for the messages changed since {@code modSeq}, their metadata fetched {@link #SCAN_PAGE}
     * UIDs at a time, then {@code UID SEARCH ALL}: the UIDs below the UIDNEXT of the opening that are not in the folder
     * are reported vanished. CONDSTORE suffices for this, so it also serves servers without QRESYNC (Gmail), and it
     * needs no {@code ENABLE QRESYNC}, which RFC 5161 allows only before the session selects its first folder; with
     * ESEARCH both answers are compact UID sets, whatever the folder's size.
     */
    @Override
    public long changesSince(long uidValidity, long modSeq, ChangeConsumer consumer) throws ConnectorException {
        if (uidValidity != this.uidValidity || modSeq <= 0 || highestModSeq <= 0 || highestModSeq < modSeq) {
            return CHANGES_UNKNOWN; // no CONDSTORE, NOMODSEQ, renumbered, or the server's counter was reset
        }
        long[] changed = UidRanges.expand(searchUids("MODSEQ " + (modSeq + 1)));
        for (int start = 0; start < changed.length; start += SCAN_PAGE) {
            int end = Math.min(changed.length, start + SCAN_PAGE);
            long[] page = Arrays.copyOfRange(changed, start, end);
            Response[] responses = connection.command("list changed messages of '" + folder.path() + "'",
                    "UID FETCH " + MessageItems.uidSet(page, page.length) + " " + MessageItems.METADATA_ITEMS);
            List<MessageInfo> messages = new ArrayList<>(page.length);
            for (Response response : responses) {
                if (response instanceof FetchResponse fetch) {
                    MessageInfo message = MessageItems.toMessageInfo(fetch);
                    // an unsolicited FETCH of another message (a flag change meanwhile) is not part of this page
                    if (message != null && Arrays.binarySearch(page, message.uid()) >= 0) {
                        messages.add(message);
                    }
                } else {
                    noteExists(response);
                }
            }
            messages.sort(java.util.Comparator.comparingLong(MessageInfo::uid));
            long last = 0;
            for (MessageInfo message : messages) {
                if (message.uid() != last) {
                    consumer.accept(message);
                    last = message.uid();
                }
            }
        }
        long below = uidNext > 0 ? uidNext : MAX_UID + 1;
        long next = 1;
        for (long[] present : searchUids("ALL")) {
            if (present[0] > next && next < below) {
                consumer.vanished(next, Math.min(present[0], below) - 1);
            }
            next = Math.max(next, present[1] + 1);
        }
        if (next < below) {
            consumer.vanished(next, below - 1);
        }
        return highestModSeq;
    }

    /** The largest UID IMAP allows (RFC 3501: a 32-bit unsigned number). */
    private static final long MAX_UID = 0xFFFF_FFFFL;

    /** {@code UID SEARCH criteria}: the UIDs found, as ascending disjoint ranges. */
    private List<long[]> searchUids(String criteria) throws ConnectorException {
        boolean esearch = connection.hasCapability("ESEARCH");
        Response[] responses = connection.command("search messages of '" + folder.path() + "'",
                esearch ? "UID SEARCH RETURN (ALL) " + criteria : "UID SEARCH " + criteria);
        UidRanges ranges = new UidRanges();
        for (Response response : responses) {
            if (response instanceof IMAPResponse untagged && untagged.isUnTagged()
                    && (untagged.keyEquals("ESEARCH") || untagged.keyEquals("SEARCH"))) {
                ranges.addSearchResponse(untagged.toString(), untagged.keyEquals("ESEARCH"));
            } else {
                noteExists(response);
            }
        }
        return ranges.ranges();
    }

    private void noteExists(Response response) {
        if (response instanceof IMAPResponse untagged && untagged.isUnTagged() && untagged.keyEquals("EXISTS")) {
            exists = untagged.getNumber();
        }
    }

    /** {@code FETCH n,m,... (UID)} at the message positions that cut the folder into {@code parts} equal runs. */
    @Override
    public long[] splitPoints(int parts) throws ConnectorException {
        if (parts < 2 || exists < parts) {
            return new long[0];
        }
        StringBuilder positions = new StringBuilder();
        for (int i = 1; i < parts; i++) {
            positions.append(i > 1 ? "," : "").append((long) exists * i / parts + 1);
        }
        Response[] responses = connection.command("split '" + folder.path() + "'", "FETCH " + positions + " (UID)");
        TreeSet<Long> uids = new TreeSet<>();
        for (Response response : responses) {
            if (response instanceof FetchResponse fetch) {
                UID uid = fetch.getItem(UID.class);
                if (uid != null) {
                    uids.add(uid.uid);
                }
            }
        }
        // a position expunged meanwhile gives no answer: fewer, still ascending, runs
        return uids.stream().mapToLong(Long::longValue).filter(u -> u > 1).toArray();
    }

    /** FETCHes metadata page by page from the first message at or above {@code fromUid}; returns the count delivered. */
    private int scan(long fromUid, long toUid, int limit, MessageConsumer consumer) throws ConnectorException {
        long from = Math.max(1, fromUid);
        if (toUid < from || exists == 0 || limit <= 0) {
            return 0;
        }
        int delivered = 0;
        long lastDelivered = from - 1;
        int seq = locate(from);
        while (seq >= 1 && seq <= exists && delivered < limit) {
            int end = (int) Math.min(exists, (long) seq + Math.min(SCAN_PAGE, limit - delivered) - 1);
            Response[] responses = connection.command("list messages of '" + folder.path() + "'",
                    "FETCH " + seq + ":" + end + " " + MessageItems.METADATA_ITEMS);
            boolean expunged = false;
            boolean done = false;
            for (Response response : responses) {
                if (response instanceof FetchResponse fetch) {
                    MessageInfo message = MessageItems.toMessageInfo(fetch);
                    if (message == null || message.uid() <= lastDelivered) {
                        continue;
                    }
                    if (message.uid() > toUid || delivered == limit) {
                        done = true;
                        continue;
                    }
                    consumer.accept(message);
                    lastDelivered = message.uid();
                    delivered++;
                } else if (response instanceof IMAPResponse untagged && untagged.isUnTagged()) {
                    if (untagged.keyEquals("EXISTS")) {
                        exists = untagged.getNumber();
                    } else if (untagged.keyEquals("EXPUNGE") || untagged.keyEquals("VANISHED")) {
                        expunged = true;
                    }
                }
            }
            if (done) {
                return delivered;
            }
            // Sequence numbers shift when messages are expunged meanwhile: find the next one by UID again.
            seq = expunged ? locate(lastDelivered + 1) : end + 1;
        }
        return delivered;
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
                if (fetched.streamed()) {
                    try {
                        streamLarge(batch.get(0), handler);
                    } finally {
                        readAhead.handBackConnection();
                    }
                    continue;
                }
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
                        try (InputStream in = handOver(body)) {
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
            if (isStreamed(message)) {
                if (!current.isEmpty()) {
                    batches.add(current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                batches.add(List.of(message));
                continue;
            }
            if (!current.isEmpty() && (bytes + message.size() > BATCH_BYTES || current.size() >= BATCH_MESSAGES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(message);
            bytes += message.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private static boolean isStreamed(MessageInfo message) {
        return message.size() > STREAM_THRESHOLD;
    }

    /** Hands one large message over chunk by chunk; the caller owns the connection meanwhile. */
    private void streamLarge(MessageInfo message, MessageBodyHandler handler) throws ConnectorException {
        long size = message.size();
        // Also fetch the last byte and the one after it: when RFC822.SIZE is not the exact length of BODY[] (some
        // servers), the target must not get a literal of the wrong size, so such a message is fetched whole instead.
        Map<Long, ByteArray> sections = fetchSections(message.uid(),
                "BODY.PEEK[]<0." + CHUNK_BYTES + "> BODY.PEEK[]<" + (size - 1) + ".2>");
        ByteArray first = sections.get(0L);
        if (first == null || first.getCount() == 0) {
            handler.vanished(message);
            return;
        }
        ByteArray last = sections.get(size - 1);
        if (first.getCount() != Math.min(CHUNK_BYTES, size) || last == null || last.getCount() != 1) {
            handOverWhole(message, handler);
            return;
        }
        ChunkedBody body = new ChunkedBody(message, first);
        try {
            handler.body(message, body);
        } catch (IOException e) {
            if (body.vanished) {
                // The handler gave up on the broken stream, so nothing of this message was stored.
                handler.vanished(message);
                return;
            }
            throw handOverFailed(message, e);
        }
    }

    /** The fetched bytes themselves, which the handler may keep: this reader never reuses a response's buffer. */
    private static InMemoryMessage handOver(ByteArray body) {
        return new InMemoryMessage.Bytes(body.getBytes(), body.getStart(), body.getCount()).stream();
    }

    private void handOverWhole(MessageInfo message, MessageBodyHandler handler) throws ConnectorException {
        ByteArray body = fetch(List.of(message)).bodies().get(message.uid());
        if (body == null) {
            handler.vanished(message);
            return;
        }
        MessageInfo exact = new MessageInfo(message.uid(), body.getCount(), message.internalDate(), message.flags(),
                message.messageId(), message.deleted());
        try (InputStream in = handOver(body)) {
            handler.body(exact, in);
        } catch (IOException e) {
            throw handOverFailed(message, e);
        }
    }

    private ConnectorException handOverFailed(MessageInfo message, IOException e) {
        return new ConnectorException(Kind.PROTOCOL, "Could not hand over message UID " + message.uid() + " of '"
                + folder.path() + "': " + e.getMessage(), e);
    }

    /** {@code UID FETCH uid (UID items)}: the BODY sections returned, by origin (NIL as empty). */
    private Map<Long, ByteArray> fetchSections(long uid, String items) throws ConnectorException {
        Response[] responses = connection.command("read message UID " + uid + " of '" + folder.path() + "'",
                "UID FETCH " + uid + " (UID " + items + ")");
        Map<Long, ByteArray> sections = new HashMap<>();
        for (Response response : responses) {
            if (response instanceof FetchResponse fetch) {
                UID fetchedUid = fetch.getItem(UID.class);
                if (fetchedUid == null || fetchedUid.uid != uid) {
                    continue;
                }
                for (int i = 0; i < fetch.getItemCount(); i++) {
                    if (fetch.getItem(i) instanceof BODY body) {
                        ByteArray bytes = body.getByteArray();
                        sections.put((long) body.getOrigin(), bytes != null ? bytes : new ByteArray(0));
                    }
                }
            } else if (response instanceof IMAPResponse untagged && untagged.keyEquals("EXISTS")) {
                exists = untagged.getNumber();
            }
        }
        return sections;
    }

    /**
     * The body of one large message, fetched one chunk at a time when the previous one has been read (by whichever
     * thread reads it: the caller's handler may pass it to another thread while it waits). A message expunged meanwhile
     * makes it fail with an IOException and sets {@link #vanished}.
     */
    private final class ChunkedBody extends InputStream {
        private final MessageInfo message;
        private ByteArray chunk;
        private int chunkPos;
        /** Bytes of the message before the current chunk. */
        private long chunkOffset;
        volatile boolean vanished;

        ChunkedBody(MessageInfo message, ByteArray first) {
            this.message = message;
            this.chunk = first;
        }

        @Override
        public int read() throws IOException {
            if (!ensureAvailable()) {
                return -1;
            }
            return chunk.getBytes()[chunk.getStart() + chunkPos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!ensureAvailable()) {
                return -1;
            }
            int n = Math.min(len, chunk.getCount() - chunkPos);
            System.arraycopy(chunk.getBytes(), chunk.getStart() + chunkPos, b, off, n);
            chunkPos += n;
            return n;
        }

        @Override
        public int available() {
            return chunk == null ? 0 : chunk.getCount() - chunkPos;
        }

        private boolean ensureAvailable() throws IOException {
            if (chunk != null && chunkPos < chunk.getCount()) {
                return true;
            }
            long offset = chunk == null ? chunkOffset : chunkOffset + chunk.getCount();
            chunk = null; // let the consumed chunk go before the next one arrives
            chunkPos = 0;
            chunkOffset = offset;
            if (offset >= message.size()) {
                return false;
            }
            int length = (int) Math.min(CHUNK_BYTES, message.size() - offset);
            ByteArray next;
            try {
                next = fetchSections(message.uid(), "BODY.PEEK[]<" + offset + "." + length + ">").get(offset);
            } catch (ConnectorException e) {
                throw new IOException(e.getMessage(), e);
            }
            // Gone: no FETCH answer, or (Dovecot, for a message expunged by another session) an empty section. The
            // size was checked against the last byte before the first chunk, so a short chunk cannot be a size error.
            if (next == null || next.getCount() == 0) {
                vanished = true;
                throw new IOException("Message UID " + message.uid() + " of '" + folder.path()
                        + "' was expunged from the source after " + offset + " of its " + message.size() + " bytes");
            }
            if (next.getCount() != length) {
                throw new IOException("Message UID " + message.uid() + " of '" + folder.path() + "' gave "
                        + next.getCount() + " bytes at offset " + offset + " instead of " + length);
            }
            chunk = next;
            return true;
        }
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

    /** {@code streamed}: the batch is one large message, which the caller fetches itself with the connection. */
    private record Batch(Map<Long, ByteArray> bodies, long reserved, ConnectorException failure, boolean streamed) {
        Batch(Map<Long, ByteArray> bodies, long reserved, ConnectorException failure) {
            this(bodies, reserved, failure, false);
        }
    }

    /** Fetches batches ahead of the caller within a byte budget. */
    private final class ReadAhead implements Runnable {
        private final List<List<MessageInfo>> batches;
        private final BlockingQueue<Batch> ready = new LinkedBlockingQueue<>();
        private long reserved;
        private boolean cancelled;
        private boolean connectionLent;

        ReadAhead(List<List<MessageInfo>> batches) {
            this.batches = batches;
        }

        @Override
        public void run() {
            for (List<MessageInfo> batch : batches) {
                if (isStreamed(batch.get(0))) {
                    lendConnection(); // before the caller can see the batch, so that its hand-back is not missed
                    ready.add(new Batch(Map.of(), 0, null, true));
                    if (!awaitConnection()) {
                        return;
                    }
                    continue;
                }
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
                } catch (Error e) {
                    // e.g. OutOfMemoryError: the caller waits for this batch and must learn that it will never come.
                    // The connection may be mid-response; the failure ends the session.
                    ready.add(new Batch(Map.of(), size, new ConnectorException(Kind.CONNECTION, "Could not read messages"
                            + " of '" + folder.path() + "' on " + connection.where() + ": " + e, e)));
                    throw e;
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

        /** Waits while the caller streams a large message over the connection; false when cancelled. */
        private synchronized void lendConnection() {
            connectionLent = true;
        }

        private synchronized boolean awaitConnection() {
            while (connectionLent && !cancelled) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !cancelled;
        }

        synchronized void handBackConnection() {
            connectionLent = false;
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
