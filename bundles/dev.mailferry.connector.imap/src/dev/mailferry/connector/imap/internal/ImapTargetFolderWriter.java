package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
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
 * Appends to one selected target folder. With LITERAL+ the APPENDs are pipelined: each is written at once (non-
 * synchronizing literal, no wait for a continuation) and up to {@code append.pipeline} of them await their tagged
 * answer; answers are read whenever some are already waiting, and all of them in {@link #flush()}. Without LITERAL+
 * every APPEND waits for its answer.
 */
final class ImapTargetFolderWriter implements TargetFolderWriter {

    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)\\]", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d+):(\\d+)");
    private static final String[] STATUS_ITEMS = { "UIDVALIDITY", "UIDNEXT" };

    private final ImapConnection connection;
    private final IMAPProtocol protocol;
    private final TargetFolder folder;
    private final ImapTargetSession session;
    private final String decodedName;
    private final long uidValidity;
    private final boolean anyKeyword;
    private final Set<String> allowedKeywords = new HashSet<>();
    private final int maxInFlight;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private boolean broken;
    private boolean closed;

    private record Pending(MessageInfo message, AppendListener listener, MessageFlags dropped) {
    }

    private ImapTargetFolderWriter(ImapConnection connection, TargetFolder folder, ImapTargetSession session,
            String decodedName, MailboxInfo info) {
        this.connection = connection;
        this.protocol = connection.protocol();
        this.folder = folder;
        this.session = session;
        this.decodedName = decodedName;
        this.uidValidity = info.uidvalidity;
        Flags permanent = info.permanentFlags;
        // No PERMANENTFLAGS answer means every flag is permanent (RFC 3501 7.1).
        this.anyKeyword = permanent == null || permanent.contains(Flags.Flag.USER);
        if (permanent != null) {
            allowedKeywords.addAll(List.of(permanent.getUserFlags()));
        }
        this.maxInFlight = protocol.hasCapability("LITERAL+") ? connection.endpoint().appendPipeline() : 1;
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

    @Override
    public void append(MessageInfo message, MessageFlags flags, InputStream rawMessage, AppendListener listener)
            throws ConnectorException {
        ensureUsable();
        if (message.size() > Integer.MAX_VALUE) {
            listener.rejected(message, "larger than 2 GB");
            return;
        }
        TreeSet<String> kept = new TreeSet<>();
        TreeSet<String> dropped = new TreeSet<>();
        splitKeywords(flags, kept, dropped);
        MessageFlags stored = MessageFlags.of(flags.system(), kept);
        Argument args = new Argument();
        args.writeString(FolderNames.encode(decodedName));
        if (!stored.toString().isEmpty()) {
            args.writeAtom(MessageItems.flagList(stored));
        }
        args.writeString(MessageItems.formatInternalDate(message.internalDate()));
        args.writeBytes(new StreamLiteral(rawMessage, (int) message.size()));
        try {
            String tag = protocol.writeCommand("APPEND", args);
            pending.put(tag, new Pending(message, listener, MessageFlags.of(List.of(), dropped)));
            while (!pending.isEmpty() && (pending.size() >= maxInFlight || protocol.hasResponse())) {
                handle(protocol.readResponse());
            }
        } catch (IOException | ProtocolException e) {
            broken = true;
            throw connection.translate(e, "append message UID " + message.uid() + " to '" + folder.path() + "' ("
                    + pending.size() + " appends unconfirmed)");
        }
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

    private void handle(Response response) throws ConnectorException {
        if (response.isBYE()) {
            broken = true;
            throw new ConnectorException(Kind.CONNECTION, "The IMAP server " + connection.where()
                    + " closed the connection while appending to '" + folder.path() + "': " + response.getRest()
                    + " (" + pending.size() + " appends unconfirmed)");
        }
        if (!response.isTagged()) {
            return; // EXISTS, RECENT... about our own appends
        }
        Pending done = pending.remove(response.getTag());
        if (done == null) {
            return;
        }
        if (response.isOK()) {
            Matcher matcher = APPENDUID.matcher(response.toString());
            String targetId = matcher.find() ? matcher.group(1) + ":" + matcher.group(2) : null;
            done.listener().accepted(done.message(), targetId, done.dropped());
        } else {
            String reason = response.getRest();
            done.listener().rejected(done.message(), reason == null || reason.isBlank()
                    ? "refused by the server without a reason" : reason.trim());
        }
    }

    @Override
    public void flush() throws ConnectorException {
        if (broken) {
            if (!pending.isEmpty()) {
                throw new ConnectorException(Kind.CONNECTION, "The connection to " + connection.where()
                        + " broke; " + pending.size() + " appends to '" + folder.path() + "' are unconfirmed.");
            }
            return;
        }
        try {
            while (!pending.isEmpty()) {
                handle(protocol.readResponse());
            }
        } catch (IOException | ProtocolException e) {
            broken = true;
            throw connection.translate(e, "confirm appends to '" + folder.path() + "' (" + pending.size()
                    + " unconfirmed)");
        }
    }

    @Override
    public void updateFlags(String targetId, MessageFlags flags) throws ConnectorException {
        flush();
        ensureUsable();
        Matcher matcher = targetId == null ? null : CHECKPOINT.matcher(targetId.trim());
        if (matcher == null || !matcher.matches()) {
            throw new ConnectorException(Kind.CONFIGURATION, "Not an IMAP target id: '" + targetId + "'");
        }
        if (Long.parseLong(matcher.group(1)) != uidValidity) {
            throw new ConnectorException(Kind.NOT_FOUND, "Message " + targetId + " no longer exists in '"
                    + folder.path() + "' on " + connection.where() + " (UIDVALIDITY is now " + uidValidity + ").");
        }
        TreeSet<String> kept = new TreeSet<>();
        splitKeywords(flags, kept, new TreeSet<>());
        MessageFlags stored = MessageFlags.of(flags.system(), kept);
        connection.command("update flags in '" + folder.path() + "'",
                "UID STORE " + Long.parseLong(matcher.group(2)) + " FLAGS.SILENT " + MessageItems.flagList(stored));
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
                int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
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
