package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.InMemoryMessage;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import jakarta.mail.Flags;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.Status;

/**
 * Appends to one selected target folder, pipelined: commands are written at once with non-synchronizing literals
 * (LITERAL+) and their tagged answers are read whenever some are waiting, or when too many commands or bytes are in
 * flight, and all of them in {@link #flush()}.
 *
 * <p>With MULTIAPPEND (RFC 3502), messages up to {@link #GROUP_BYTES} are gathered into groups of up to
 * {@link #GROUP_MESSAGES} and sent as one APPEND command: the server stores a group in one transaction, which on Dovecot
 * doubles the rate of single APPENDs. A group is atomic; when the server refuses it, each of its messages is appended
 * again on its own, so that exactly the refused ones are reported as rejected. Grouped messages are therefore held in
 * memory until answered (at most {@link #IN_FLIGHT_BYTES} plus one group); larger messages stream straight from the
 * caller's stream as single APPENDs. Without LITERAL+ every APPEND waits for its answer.
 */
final class ImapTargetFolderWriter implements TargetFolderWriter {

    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) ([0-9:,]+)\\]", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d+):(\\d+)");
    private static final String[] STATUS_ITEMS = { "UIDVALIDITY", "UIDNEXT" };
    static final int GROUP_MESSAGES = 50;
    /** UIDs per UID STORE / UID EXPUNGE of a mirror deletion, to keep the command lines short. */
    static final int DELETES_PER_COMMAND = 200;
    /** UIDs per UID STORE of a flag update, to keep the command lines short (scattered UIDs take a number each). */
    static final int UIDS_PER_COMMAND = 500;
    static final long GROUP_BYTES = 2L << 20;
    static final long IN_FLIGHT_BYTES = 6L << 20;
    /** Messages above this size are streamed on their own instead of being held for a group. */
    static final long GROUPED_MESSAGE_LIMIT = 512L << 10;

    private final ImapConnection connection;
    private final IMAPProtocol protocol;
    private final TargetFolder folder;
    private final ImapTargetSession session;
    private final String decodedName;
    private final long uidValidity;
    /** Messages in the folder when it was selected. */
    private final int messagesAtOpen;
    private final boolean anyKeyword;
    private final Set<String> allowedKeywords = new HashSet<>();
    private final int maxInFlight;
    private final boolean multiAppend;
    /** Commands awaiting their tagged answer, each with the messages it carries. */
    private final Map<String, List<Queued>> pending = new LinkedHashMap<>();
    private final List<Queued> group = new ArrayList<>();
    private long groupBytes;
    private long inFlightBytes;
    private boolean broken;
    private boolean closed;

    /** One message of an APPEND; {@code raw} is null when it was streamed and cannot be sent again. */
    private record Queued(MessageInfo message, MessageFlags stored, MessageFlags dropped, AppendListener listener,
            InMemoryMessage.Bytes raw) {
        long heldBytes() {
            return raw == null ? 0 : raw.length();
        }

        /** As an APPEND literal; written again if a refused group is retried one by one. */
        Literal literal() {
            return new Literal() {
                @Override
                public int size() {
                    return raw.length();
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(raw.array(), raw.offset(), raw.length());
                }
            };
        }
    }

    private ImapTargetFolderWriter(ImapConnection connection, TargetFolder folder, ImapTargetSession session,
            String decodedName, MailboxInfo info) {
        this.connection = connection;
        this.protocol = connection.protocol();
        this.folder = folder;
        this.session = session;
        this.decodedName = decodedName;
        this.uidValidity = info.uidvalidity;
        this.messagesAtOpen = info.total;
        Flags permanent = info.permanentFlags;
        // No PERMANENTFLAGS answer means every flag is permanent (RFC 3501 7.1).
        this.anyKeyword = permanent == null || permanent.contains(Flags.Flag.USER);
        if (permanent != null) {
            allowedKeywords.addAll(List.of(permanent.getUserFlags()));
        }
        boolean literalPlus = protocol.hasCapability("LITERAL+");
        this.maxInFlight = literalPlus ? connection.endpoint().appendPipeline() : 1;
        this.multiAppend = literalPlus && protocol.hasCapability("MULTIAPPEND");
    }

    static ImapTargetFolderWriter open(ImapConnection connection, TargetFolder folder, ImapTargetSession session)
            throws ConnectorException {
        String decoded = FolderNames.decode(folder.id());
        try {
            return new ImapTargetFolderWriter(connection, folder, session, decoded, connection.protocol().select(decoded));
        } catch (CommandFailedException e) {
            throw connection.failure(Kind.NOT_FOUND, "Cannot open folder '" + folder.path() + "' on "
                    + connection.where() + ": " + ImapConnection.serverText(e));
        } catch (Exception e) {
            throw connection.translate(e, "open folder '" + folder.path() + "'");
        }
    }

    @Override
    public String checkpoint() throws ConnectorException {
        flush();
        Status status = status();
        return status.uidvalidity + ":" + status.uidnext;
    }

    private Status status() throws ConnectorException {
        return connection.call("read the state of '" + folder.path() + "'",
                () -> protocol.status(decodedName, STATUS_ITEMS));
    }

    @Override
    public List<AppendedMessage> appendedSince(String checkpoint) throws ConnectorException {
        flush();
        Matcher matcher = checkpoint == null ? null : CHECKPOINT.matcher(checkpoint.trim());
        if (matcher == null || !matcher.matches()) {
            throw new ConnectorException(Kind.CONFIGURATION, "Not an IMAP checkpoint: '" + checkpoint + "'");
        }
        long checkpointValidity = Long.parseLong(matcher.group(1));
        long checkpointNext = Long.parseLong(matcher.group(2));
        Status status = status();
        boolean sameUids = status.uidvalidity == checkpointValidity;
        long fromUid = sameUids ? Math.max(1, checkpointNext) : 1;
        List<AppendedMessage> found = new ArrayList<>();
        if (sameUids && fromUid >= status.uidnext) {
            return found;
        }
        Response[] responses = connection.command("list new messages of '" + folder.path() + "'",
                "UID FETCH " + fromUid + ":* (UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
        for (Response response : responses) {
            if (response instanceof FetchResponse fetch) {
                MessageInfo message = MessageItems.toMessageInfo(fetch);
                // "n:*" also matches the highest UID when it is below n
                if (message != null && message.uid() >= fromUid) {
                    found.add(new AppendedMessage(status.uidvalidity + ":" + message.uid(), new MessageFingerprint(
                            message.size(), message.internalDate(), message.messageId())));
                }
            }
        }
        return found;
    }

    /** Messages per FETCH of {@link #existingMessages}: bounds the answers held in memory at once. */
    static final int EXISTING_PAGE = 5000;

    /** FETCHes the fingerprints page by page of sequence numbers; an empty folder costs no command at all. */
    @Override
    public void existingMessages(java.util.function.Consumer<AppendedMessage> consumer) throws ConnectorException {
        flush();
        int exists = messagesAtOpen;
        for (int from = 1; from <= exists; from += EXISTING_PAGE) {
            int to = Math.min(exists, from + EXISTING_PAGE - 1);
            Response[] responses = connection.command("list the messages of '" + folder.path() + "'",
                    "FETCH " + from + ":" + to + " " + MessageItems.METADATA_ITEMS);
            for (Response response : responses) {
                if (response instanceof FetchResponse fetch) {
                    MessageInfo message = MessageItems.toMessageInfo(fetch);
                    if (message != null && !message.deleted()) { // a message marked \Deleted is on its way out
                        consumer.accept(new AppendedMessage(uidValidity + ":" + message.uid(), new MessageFingerprint(
                                message.size(), message.internalDate(), message.messageId()), message.flags()));
                    }
                }
            }
        }
    }

    @Override
    public void append(MessageInfo message, MessageFlags flags, InputStream rawMessage, AppendListener listener)
            throws ConnectorException {
        ensureUsable();
        if (message.size() > Integer.MAX_VALUE) {
            listener.refusedAsTooLarge(message, "larger than 2 GB, more than this IMAP client can append");
            return;
        }
        TreeSet<String> kept = new TreeSet<>();
        TreeSet<String> dropped = new TreeSet<>();
        splitKeywords(flags, kept, dropped);
        MessageFlags stored = MessageFlags.of(flags.system(), kept);
        MessageFlags droppedFlags = MessageFlags.of(List.of(), dropped);
        String doing = "append message UID " + message.uid() + " to '" + folder.path() + "'";
        try {
            if (multiAppend && message.size() <= GROUPED_MESSAGE_LIMIT) {
                InMemoryMessage.Bytes raw = readFully(rawMessage, message);
                if (raw.length() != message.size()) {
                    throw new ConnectorException(Kind.PROTOCOL, "Message UID " + message.uid() + " has " + raw.length()
                            + " bytes, not the " + message.size() + " announced; nothing appended.");
                }
                group.add(new Queued(message, stored, droppedFlags, listener, raw));
                groupBytes += raw.length();
                if (group.size() >= GROUP_MESSAGES || groupBytes >= GROUP_BYTES) {
                    sendGroup();
                }
            } else {
                sendGroup(); // keeps the target's order close to the source's
                Queued single = new Queued(message, stored, droppedFlags, listener, null);
                Argument args = appendArguments(List.of(single));
                args.writeBytes(new StreamLiteral(rawMessage, (int) message.size()));
                pending.put(protocol.writeCommand("APPEND", args), List.of(single));
            }
            while (!pending.isEmpty() && (pending.size() >= maxInFlight || inFlightBytes > IN_FLIGHT_BYTES
                    || protocol.hasResponse())) {
                handle(protocol.readResponse());
            }
        } catch (IOException | ProtocolException e) {
            broken = true;
            ConnectorException answer = answerBeforeTheEnd(e);
            // A literal may have been cut short (e.g. the source stream failed): with LITERAL+ the server still waits
            // for the promised bytes, and would take whatever is sent next as part of the message. Dropping the
            // connection makes it discard the incomplete APPEND.
            connection.drop();
            if (answer != null) {
                throw answer;
            }
            throw connection.translate(e, doing + " (" + unconfirmed() + " appends unconfirmed; the connection was"
                    + " closed so that no incomplete message is stored)");
        }
    }

    private InMemoryMessage.Bytes readFully(InputStream rawMessage, MessageInfo message) throws ConnectorException {
        try {
            return InMemoryMessage.keepOrRead(rawMessage); // the engine's bytes are taken without a copy
        } catch (IOException e) {
            // the source failed; nothing was written, so the target connection is still in step
            throw new ConnectorException(Kind.CONNECTION, "Could not read message UID " + message.uid()
                    + " to append it to '" + folder.path() + "': " + e.getMessage(), e);
        }
    }

    /** The mailbox, then flags and date of each message; the caller adds the literal of the last one. */
    private Argument appendArguments(List<Queued> messages) {
        Argument args = new Argument();
        args.writeString(FolderNames.encode(decodedName));
        for (int i = 0; i < messages.size(); i++) {
            Queued q = messages.get(i);
            if (!q.stored().toString().isEmpty()) {
                args.writeAtom(MessageItems.flagList(q.stored()));
            }
            args.writeString(MessageItems.formatInternalDate(q.message().internalDate()));
            if (i < messages.size() - 1) {
                args.writeBytes(q.literal());
            }
        }
        return args;
    }

    private void sendGroup() throws IOException, ProtocolException {
        if (group.isEmpty()) {
            return;
        }
        List<Queued> messages = new ArrayList<>(group);
        group.clear();
        groupBytes = 0;
        send(messages);
    }

    private void send(List<Queued> messages) throws IOException, ProtocolException {
        Argument args = appendArguments(messages);
        args.writeBytes(messages.get(messages.size() - 1).literal());
        pending.put(protocol.writeCommand("APPEND", args), messages);
        for (Queued q : messages) {
            inFlightBytes += q.heldBytes();
        }
    }

    private int unconfirmed() {
        int count = group.size();
        for (List<Queued> messages : pending.values()) {
            count += messages.size();
        }
        return count;
    }

    private void splitKeywords(MessageFlags flags, Set<String> kept, Set<String> dropped) {
        for (String keyword : flags.keywords()) {
            if (MessageItems.isValidKeyword(keyword) && (anyKeyword || allowedKeywords.contains(keyword))) {
                kept.add(keyword);
            } else {
                dropped.add(keyword);
            }
        }
    }

    private void handle(Response response) throws ConnectorException, IOException, ProtocolException {
        if (response.isBYE()) {
            broken = true;
            throwIfThrottled(response.getRest());
            throw new ConnectorException(Kind.CONNECTION, "The IMAP server " + connection.where()
                    + " closed the connection while appending to '" + folder.path() + "': " + response.getRest()
                    + " (" + unconfirmed() + " appends unconfirmed)");
        }
        if (!response.isTagged()) {
            return; // EXISTS, RECENT... about our own appends
        }
        List<Queued> done = pending.remove(response.getTag());
        if (done == null) {
            return;
        }
        for (Queued q : done) {
            inFlightBytes -= q.heldBytes();
        }
        if (response.isOK()) {
            List<String> targetIds = targetIds(response.toString(), done.size());
            for (int i = 0; i < done.size(); i++) {
                Queued q = done.get(i);
                q.listener().accepted(q.message(), targetIds.get(i), q.dropped());
            }
        } else if (done.size() == 1) {
            Queued q = done.get(0);
            String reason = response.getRest();
            reason = reason == null || reason.isBlank() ? "refused by the server without a reason" : reason.trim();
            if (ServerThrottling.backoff(reason) != null) {
                broken = true;
                connection.drop();
                throwIfThrottled(reason);
            }
            if (refusesEveryMessage(reason)) {
                // reporting this for every further message would bury the one reason under thousands of lines: the
                // mailbox stops here, once the answers to the appends already sent are read (a smaller message may
                // still fit where this one did not); any not answered are found through appendedSince(checkpoint)
                ConnectorException refusal = connection.failure(Kind.TARGET_REFUSES, "The IMAP server "
                        + connection.where() + " refuses further messages (appending to '" + folder.path() + "'): "
                        + reason);
                confirmInFlight();
                broken = true;
                connection.drop();
                throw refusal;
            }
            if (isTransient(reason)) {
                broken = true;
                connection.drop();
                throw connection.failure(Kind.PROTOCOL, "The IMAP server " + connection.where()
                        + " cannot take messages for '" + folder.path() + "' at the moment: " + reason);
            }
            if (refusesForSize(reason)) {
                q.listener().refusedAsTooLarge(q.message(), reason);
            } else {
                q.listener().rejected(q.message(), reason);
            }
        } else {
            if (ServerThrottling.backoff(response.getRest()) != null) {
                broken = true;
                connection.drop();
                throwIfThrottled(response.getRest());
            }
            // A refused group stored nothing: append its messages one by one to learn which the server refuses.
            for (Queued q : done) {
                send(List.of(q));
            }
        }
    }

    /**
     * Reads the answers to the appends still in flight and reports those the server stored; the refused ones stay
     * unreported (journalled, they are tried again by the next pass). Stops at the first trouble reading.
     */
    private void confirmInFlight() {
        try {
            while (!pending.isEmpty()) {
                Response response = protocol.readResponse();
                if (response.isBYE()) {
                    return;
                }
                List<Queued> done = response.isTagged() ? pending.remove(response.getTag()) : null;
                if (done != null && response.isOK()) {
                    List<String> targetIds = targetIds(response.toString(), done.size());
                    for (int i = 0; i < done.size(); i++) {
                        done.get(i).listener().accepted(done.get(i).message(), targetIds.get(i), done.get(i).dropped());
                    }
                }
            }
        } catch (IOException | ProtocolException e) {
            // the rest is found through appendedSince(checkpoint) on the next pass
        }
    }

    /**
     * When the server closed the connection while appends were being written, what it answered before: the appends
     * it confirmed are reported, and a throttled answer (Exchange: NO, then BYE "Request is throttled") is returned
     * as such instead of a broken connection. Read only when the connection is gone, so that reading cannot wait.
     */
    private ConnectorException answerBeforeTheEnd(Exception failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (!(root instanceof java.net.SocketException) && !(failure instanceof org.eclipse.angus.mail.iap.ConnectionException)) {
            return null;
        }
        try {
            // until the end of the stream: the command whose writing failed is in no list, but may have its answer
            while (true) {
                Response response = protocol.readResponse();
                if (response.isTagged() && !pending.containsKey(response.getTag())) {
                    throwIfThrottled(response.getRest());
                }
                handle(response);
            }
        } catch (ConnectorException answered) {
            return answered.kind() == Kind.THROTTLED ? answered : null;
        } catch (IOException | ProtocolException | RuntimeException gone) {
            // nothing more was said
        }
        return null;
    }

    /**
     * A throttled APPEND stored nothing; the connection is given up (Exchange usually ends it anyway) and the appends
     * still unanswered are found again through appendedSince(checkpoint) when the engine goes on after the wait.
     */
    private void throwIfThrottled(String serverText) throws ConnectorException {
        java.time.Duration backoff = ServerThrottling.backoff(serverText);
        if (backoff != null) {
            throw ConnectorException.throttled("The IMAP server " + connection.where() + " asks to slow down while"
                    + " appending to '" + folder.path() + "' (" + unconfirmed() + " appends unconfirmed): "
                    + serverText.trim(), backoff);
        }
    }

    private static final Pattern RESPONSE_CODE = Pattern.compile("^\\[([A-Z-]+)[^\\]]*\\]\\s*(.*)", Pattern.CASE_INSENSITIVE
            | Pattern.DOTALL);
    /** Words by which a [LIMIT] refusal speaks of the one message (its size, a line length), not of the mailbox. */
    private static final Pattern MESSAGE_LIMIT = Pattern.compile("size|large|big|long", Pattern.CASE_INSENSITIVE);

    /** Words by which a [LIMIT] refusal speaks of the message's size (not of a line's length). */
    private static final Pattern LIMIT_OF_SIZE = Pattern.compile("size|large|big", Pattern.CASE_INSENSITIVE);
    /** Words by which a refusal without a response code speaks of the message's size (Exchange says no code). */
    private static final Pattern SIZE_REFUSAL = Pattern.compile(
            "too (large|big)|(exceed|larger than|greater than)[^.]*(size|limit)|size[^.]*(exceed|too|limit)",
            Pattern.CASE_INSENSITIVE);

    /**
     * Whether a NO answer to APPEND refuses the message for its size: RFC 4469's [TOOBIG], a [LIMIT] about the
     * message's size (RFC 5530; Dovecot: "[LIMIT] Mail size is too large"), or an answer without a code that says so.
     */
    static boolean refusesForSize(String serverText) {
        String text = serverText == null ? "" : serverText.trim();
        Matcher matcher = RESPONSE_CODE.matcher(text);
        if (!matcher.matches()) {
            return SIZE_REFUSAL.matcher(text).find();
        }
        return switch (matcher.group(1).toUpperCase(java.util.Locale.ROOT)) {
            case "TOOBIG" -> true;
            case "LIMIT" -> LIMIT_OF_SIZE.matcher(matcher.group(2)).find();
            default -> false;
        };
    }

    /**
     * Whether a NO answer to APPEND (or CREATE) refuses every further message of the mailbox, not just this one
     * (RFC 5530): over quota, no right to insert, read-only, or a limit of the mailbox (full, too many messages or
     * folders). A [LIMIT] about the message itself (too large) and answers without a code concern one message.
     */
    static boolean refusesEveryMessage(String serverText) {
        Matcher matcher = RESPONSE_CODE.matcher(serverText == null ? "" : serverText.trim());
        if (!matcher.matches()) {
            return false;
        }
        return switch (matcher.group(1).toUpperCase(java.util.Locale.ROOT)) {
            case "OVERQUOTA", "NOPERM", "READ-ONLY" -> true;
            case "LIMIT" -> !MESSAGE_LIMIT.matcher(matcher.group(2)).find();
            default -> false;
        };
    }

    /**
     * Whether a NO answer to APPEND is the server's passing trouble (RFC 5530 UNAVAILABLE, INUSE) or a folder gone
     * meanwhile (TRYCREATE): not a fault of the message; a retry of the mailbox, which creates its folders, may succeed.
     */
    static boolean isTransient(String serverText) {
        Matcher matcher = RESPONSE_CODE.matcher(serverText == null ? "" : serverText.trim());
        if (!matcher.matches()) {
            return false;
        }
        return switch (matcher.group(1).toUpperCase(java.util.Locale.ROOT)) {
            case "UNAVAILABLE", "INUSE", "TRYCREATE" -> true;
            default -> false;
        };
    }

    /** The {@code uidvalidity:uid} of each message from APPENDUID (one UID or a UID set); nulls when absent. */
    private static List<String> targetIds(String taggedOk, int count) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = APPENDUID.matcher(taggedOk);
        if (matcher.find()) {
            String validity = matcher.group(1);
            for (String part : matcher.group(2).split(",")) {
                int colon = part.indexOf(':');
                long first = Long.parseLong(colon < 0 ? part : part.substring(0, colon));
                long last = colon < 0 ? first : Long.parseLong(part.substring(colon + 1));
                for (long uid = Math.min(first, last); uid <= Math.max(first, last) && ids.size() < count; uid++) {
                    ids.add(validity + ":" + uid);
                }
            }
        }
        if (ids.size() != count) {
            ids.clear();
        }
        while (ids.size() < count) {
            ids.add(null);
        }
        return ids;
    }

    @Override
    public void flush() throws ConnectorException {
        if (broken) {
            if (unconfirmed() > 0) {
                throw new ConnectorException(Kind.CONNECTION, "The connection to " + connection.where()
                        + " broke; " + unconfirmed() + " appends to '" + folder.path() + "' are unconfirmed.");
            }
            return;
        }
        try {
            sendGroup();
            while (!pending.isEmpty()) {
                handle(protocol.readResponse());
            }
        } catch (IOException | ProtocolException e) {
            broken = true;
            throw connection.translate(e, "confirm appends to '" + folder.path() + "' (" + unconfirmed()
                    + " unconfirmed)");
        }
    }

    @Override
    public void updateFlags(String targetId, MessageFlags flags) throws ConnectorException {
        updateFlags(java.util.Collections.singletonMap(targetId, flags));
    }

    /**
     * One {@code UID STORE ... FLAGS.SILENT} for all the messages that get the same flags, so that a pass's flag
     * changes cost a few round trips, not one per message (the same flag set on several messages is the usual case: a
     * user flags or reads many). Every target id is checked before anything is sent.
     */
    @Override
    public void updateFlags(Map<String, MessageFlags> flagsByTargetId) throws ConnectorException {
        flush();
        ensureUsable();
        Map<String, TreeSet<Long>> uidsByFlagList = new TreeMap<>();
        for (Map.Entry<String, MessageFlags> update : flagsByTargetId.entrySet()) {
            String targetId = update.getKey();
            Matcher matcher = targetId == null ? null : CHECKPOINT.matcher(targetId.trim());
            if (matcher == null || !matcher.matches()) {
                throw new ConnectorException(Kind.CONFIGURATION, "Not an IMAP target id: '" + targetId + "'");
            }
            if (Long.parseLong(matcher.group(1)) != uidValidity) {
                throw new ConnectorException(Kind.NOT_FOUND, "Message " + targetId + " no longer exists in '"
                        + folder.path() + "' on " + connection.where() + " (UIDVALIDITY is now " + uidValidity + ").");
            }
            TreeSet<String> kept = new TreeSet<>();
            splitKeywords(update.getValue(), kept, new TreeSet<>());
            String flagList = MessageItems.flagList(MessageFlags.of(update.getValue().system(), kept));
            uidsByFlagList.computeIfAbsent(flagList, f -> new TreeSet<>()).add(Long.parseLong(matcher.group(2)));
        }
        for (Map.Entry<String, TreeSet<Long>> group : uidsByFlagList.entrySet()) {
            long[] uids = new long[Math.min(group.getValue().size(), UIDS_PER_COMMAND)];
            int count = 0;
            for (long uid : group.getValue()) {
                uids[count++] = uid;
                if (count == uids.length) {
                    storeFlags(uids, count, group.getKey());
                    count = 0;
                }
            }
            if (count > 0) {
                storeFlags(uids, count, group.getKey());
            }
        }
    }

    private void storeFlags(long[] uids, int count, String flagList) throws ConnectorException {
        connection.command("update flags in '" + folder.path() + "'",
                "UID STORE " + MessageItems.uidSet(uids, count) + " FLAGS.SILENT " + flagList);
    }

    /**
     * Marks the messages {@code \Deleted} and removes exactly those with UID EXPUNGE (UIDPLUS): a plain EXPUNGE would
     * also remove the messages other clients marked {@code \Deleted}, so without UIDPLUS nothing is deleted.
     */
    @Override
    public List<String> deleteMessages(List<String> targetIds) throws ConnectorException {
        flush();
        ensureUsable();
        if (!protocol.hasCapability("UIDPLUS")) {
            throw new ConnectorException(Kind.CONFIGURATION, connection.where() + " does not offer UIDPLUS (UID EXPUNGE),"
                    + " so it cannot delete only the messages Mailferry copied: an EXPUNGE would also remove messages"
                    + " other clients marked as deleted");
        }
        List<String> deleted = new ArrayList<>();
        StringBuilder uids = new StringBuilder();
        int inCommand = 0;
        for (String targetId : targetIds) {
            Matcher matcher = targetId == null ? null : CHECKPOINT.matcher(targetId.trim());
            if (matcher == null || !matcher.matches()) {
                throw new ConnectorException(Kind.CONFIGURATION, "Not an IMAP target id: '" + targetId + "'");
            }
            if (Long.parseLong(matcher.group(1)) != uidValidity) {
                continue; // the folder was renumbered: the UID may name another message now
            }
            uids.append(uids.length() == 0 ? "" : ",").append(Long.parseLong(matcher.group(2)));
            deleted.add(targetId);
            if (++inCommand == DELETES_PER_COMMAND) {
                expunge(uids.toString());
                uids.setLength(0);
                inCommand = 0;
            }
        }
        if (inCommand > 0) {
            expunge(uids.toString());
        }
        return deleted;
    }

    private void expunge(String uidSet) throws ConnectorException {
        // UIDs already expunged are ignored by both commands, which makes a repeat harmless
        connection.command("mark messages deleted in '" + folder.path() + "'",
                "UID STORE " + uidSet + " +FLAGS.SILENT (\\Deleted)");
        connection.command("expunge the deleted messages of '" + folder.path() + "'", "UID EXPUNGE " + uidSet);
    }

    private void ensureUsable() throws ConnectorException {
        if (closed) {
            throw new ConnectorException(Kind.PROTOCOL, "The writer of '" + folder.path() + "' is closed.");
        }
        if (broken) {
            throw new ConnectorException(Kind.CONNECTION, "The connection to " + connection.where()
                    + " broke while appending to '" + folder.path() + "'.");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } catch (ConnectorException | RuntimeException e) {
            // Outcomes that could not be read are found again through appendedSince(checkpoint).
        }
        closed = true;
        session.writerClosed(this);
    }

    /** Copies exactly {@code size} bytes of the caller's stream into the APPEND literal. */
    private static final class StreamLiteral implements Literal {
        private final InputStream in;
        private final int size;

        StreamLiteral(InputStream in, int size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            int remaining = size;
            while (remaining > 0) {
                int n;
                try {
                    n = in.read(buffer, 0, Math.min(buffer.length, remaining));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("The source failed after " + (size - remaining) + " of " + size
                            + " bytes of the message: " + e.getMessage(), e);
                }
                if (n < 0) {
                    throw new EOFException("The message ended " + remaining + " bytes before its announced size "
                            + size);
                }
                out.write(buffer, 0, n);
                remaining -= n;
            }
        }
    }
}
