package dev.mailferry.connector.office365.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.InMemoryMessage;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Writes messages into one Exchange Online folder through Microsoft Graph: each message is parsed (Jakarta Mail, from
 * memory or a temporary file, never more than one attachment chunk read at a time beyond that) and created as a
 * received, non-draft item with its dates, flags and threading headers ({@link GraphItem}). Attachments that do not
 * fit into the create request follow: a POST each below 3 MB, an upload session in chunks above.
 *
 * <p>Crash safety: every item carries the source message's fingerprint in our own named property, so that
 * {@link #appendedSince} finds what was created after a checkpoint (Graph's {@code createdDateTime}, on Graph's clock).
 * An item whose attachments are still being added carries a "pending" value; it is reported as copied only when the
 * last attachment is there and the value final, and a pending item found after a crash is deleted (the message is then
 * copied again, whole).
 *
 * <p>Appends are done one at a time and reported before {@code append} returns; the sessions of one mailbox share
 * Graph's 4 concurrent requests.
 */
final class GraphFolderWriter implements TargetFolderWriter {

    /** Upload-session chunks: a multiple of 320 KiB, under the 4 MB a request may carry. */
    static final int CHUNK = 10 * 320 * 1024;
    /** Raw messages up to this size are parsed from memory; larger ones from a temporary file. */
    private static final int IN_MEMORY = 4 * 1024 * 1024;
    private static final String CHECKPOINT_PREFIX = "graph:";
    /** Graph's createdDateTime has whole seconds; the checkpoint goes back further, and recorded ids are skipped. */
    private static final Duration CHECKPOINT_MARGIN = Duration.ofSeconds(2);

    /** Made on first use, under Angus Mail's context class loader (the session looks up its providers then). */
    private static final class Mail {
        static final Session SESSION = Session.getInstance(mailProperties());
    }

    private final GraphMailbox mailbox;
    private final TargetFolder folder;
    private final String folderPath;

    GraphFolderWriter(GraphMailbox mailbox, TargetFolder folder) {
        this.mailbox = mailbox;
        this.folder = folder;
        this.folderPath = "/mailFolders/" + GraphMailbox.encode(folder.id());
    }

    private static Properties mailProperties() {
        Properties properties = new Properties();
        // 8-bit header bytes are read as UTF-8 (what mail clients do), not as Latin-1
        properties.setProperty("mail.mime.allowutf8", "true");
        properties.setProperty("mail.mime.decodefilename", "true");
        return properties;
    }

    /**
     * Graph's clock (the Date of its answer about the folder) a little earlier, and short hashes of the items already
     * created since then: what {@link #appendedSince} leaves out.
     */
    @Override
    public String checkpoint() throws ConnectorException {
        GraphMailbox.Answer answer = mailbox.get(folderPath + "?$select=id", "read the folder '" + folder.path() + "'");
        Instant now;
        try {
            now = ZonedDateTime.parse(answer.date(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (RuntimeException noDate) {
            now = Instant.now().minus(Duration.ofMinutes(10)); // our clock, with room for skew
        }
        Instant since = now.minus(CHECKPOINT_MARGIN).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder checkpoint = new StringBuilder(CHECKPOINT_PREFIX).append(since).append(' ');
        List<String> pending = new ArrayList<>();
        list(createdSince(since), m -> checkpoint.append(shortHash(m.targetId())).append(','), pending);
        pending.forEach(id -> checkpoint.append(shortHash(id)).append(','));
        return checkpoint.toString();
    }

    private static String createdSince(Instant since) {
        return "&$filter=" + GraphMailbox.encode("createdDateTime ge " + since);
    }

    /** Graph's ids are long (~150 characters); 12 hex digits of their SHA-256 tell the few around a checkpoint apart. */
    private static String shortHash(String id) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java runtime has SHA-256
        }
    }

    @Override
    public List<AppendedMessage> appendedSince(String checkpoint) throws ConnectorException {
        String filter = "";
        java.util.Set<String> before = new java.util.HashSet<>();
        if (checkpoint != null && checkpoint.startsWith(CHECKPOINT_PREFIX)) {
            String[] parts = checkpoint.substring(CHECKPOINT_PREFIX.length()).split(" ", 2);
            filter = createdSince(Instant.parse(parts[0]));
            if (parts.length > 1 && !parts[1].isEmpty()) {
                before.addAll(List.of(parts[1].split(",")));
            }
        }
        List<AppendedMessage> found = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        list(filter, m -> {
            if (!before.contains(shortHash(m.targetId()))) {
                found.add(m);
            }
        }, pending);
        for (String id : pending) {
            // created, but its attachments were not all added before the stop: never reported, so copied again
            try {
                mailbox.delete("/messages/" + GraphMailbox.encode(id), "delete an incomplete item in '" + folder.path()
                        + "'");
            } catch (ConnectorException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return found;
    }

    @Override
    public void existingMessages(Consumer<AppendedMessage> consumer) throws ConnectorException {
        list("", consumer, new ArrayList<>());
    }

    /** Every item of the folder (matching {@code filter}), a page at a time; pending ones only named in {@code pending}. */
    private void list(String filter, Consumer<AppendedMessage> consumer, List<String> pending) throws ConnectorException {
        String expand = "singleValueExtendedProperties($filter=id eq '" + GraphItem.FINGERPRINT_PROPERTY + "' or id eq '"
                + GraphItem.LAST_VERB_EXECUTED + "')";
        String next = folderPath + "/messages?$top=100&$select=" + GraphMailbox.encode(
                "id,createdDateTime,receivedDateTime,internetMessageId,isRead,isDraft,flag") + "&$expand="
                + GraphMailbox.encode(expand) + filter;
        while (next != null) {
            JsonObject page = mailbox.get(next, "list the messages of '" + folder.path() + "'").json();
            for (JsonElement element : page.getAsJsonArray("value")) {
                JsonObject item = element.getAsJsonObject();
                String id = item.get("id").getAsString();
                String fingerprint = null;
                boolean replied = false;
                JsonElement properties = item.get("singleValueExtendedProperties");
                if (properties != null && properties.isJsonArray()) {
                    for (JsonElement p : properties.getAsJsonArray()) {
                        String propertyId = p.getAsJsonObject().get("id").getAsString();
                        String value = p.getAsJsonObject().get("value").getAsString();
                        if (propertyId.equalsIgnoreCase(GraphItem.FINGERPRINT_PROPERTY)) {
                            fingerprint = value;
                        } else if (propertyId.equalsIgnoreCase(GraphItem.LAST_VERB_EXECUTED)) {
                            replied = value.equals(Integer.toString(GraphItem.VERB_REPLIED));
                        }
                    }
                }
                if (fingerprint != null && fingerprint.startsWith(GraphItem.PENDING)) {
                    pending.add(id);
                    continue;
                }
                MessageFingerprint ours = GraphItem.parseFingerprint(fingerprint);
                consumer.accept(new AppendedMessage(id, ours != null ? ours : foreign(item), flags(item, replied)));
            }
            JsonElement link = page.get("@odata.nextLink");
            next = link == null || link.isJsonNull() ? null : link.getAsString();
        }
    }

    /** An item we did not create: no source message has its fingerprint (size unknown), so it matches none. */
    private static MessageFingerprint foreign(JsonObject item) {
        JsonElement received = item.get("receivedDateTime");
        JsonElement messageId = item.get("internetMessageId");
        return new MessageFingerprint(-1, received == null || received.isJsonNull() ? Instant.EPOCH
                : Instant.parse(received.getAsString()), messageId == null || messageId.isJsonNull() ? null
                        : messageId.getAsString());
    }

    private static MessageFlags flags(JsonObject item, boolean replied) {
        EnumSet<SystemFlag> flags = EnumSet.noneOf(SystemFlag.class);
        if (isTrue(item, "isRead")) {
            flags.add(SystemFlag.SEEN);
        }
        if (isTrue(item, "isDraft")) {
            flags.add(SystemFlag.DRAFT);
        }
        JsonElement flag = item.get("flag");
        if (flag != null && flag.isJsonObject() && flag.getAsJsonObject().has("flagStatus")
                && "flagged".equals(flag.getAsJsonObject().get("flagStatus").getAsString())) {
            flags.add(SystemFlag.FLAGGED);
        }
        if (replied) {
            flags.add(SystemFlag.ANSWERED);
        }
        return MessageFlags.of(flags, List.of());
    }

    private static boolean isTrue(JsonObject item, String name) {
        JsonElement value = item.get(name);
        return value != null && !value.isJsonNull() && value.getAsBoolean();
    }

    @Override
    public void append(MessageInfo message, MessageFlags flags, InputStream rawMessage, AppendListener listener)
            throws ConnectorException {
        Spool spooled = null;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Jakarta Mail finds its stream decoders through the context class loader: Angus Mail's, in OSGi
        Thread.currentThread().setContextClassLoader(org.eclipse.angus.mail.util.PropUtil.class.getClassLoader());
        GraphItem item;
        try {
            InputStream shared;
            if (rawMessage instanceof InMemoryMessage inMemory) {
                InMemoryMessage.Bytes bytes = InMemoryMessage.keepOrRead(inMemory);
                shared = new SharedByteArrayInputStream(bytes.array(), bytes.offset(), bytes.length());
            } else {
                spooled = Spool.of(rawMessage, IN_MEMORY);
                shared = spooled.file() != null ? new SharedFileInputStream(spooled.file().toFile())
                        : new SharedByteArrayInputStream(spooled.bytes());
            }
            try {
                item = GraphItem.convert(new MimeMessage(Mail.SESSION, shared), message, flags);
            } finally {
                shared.close();
            }
        } catch (GraphItem.TooLarge e) {
            listener.refusedAsTooLarge(message, "Microsoft Graph cannot hold this message: " + e.getMessage());
            return;
        } catch (MessagingException | RuntimeException e) {
            // this one message cannot be rebuilt as an item; the others can
            listener.rejected(message, "The message cannot be rebuilt as a Graph item: " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
            return;
        } catch (IOException e) {
            throw new ConnectorException(Kind.PROTOCOL, "Cannot read message UID " + message.uid() + " to write it to '"
                    + folder.path() + "' of " + mailbox.user() + " through Graph: " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            if (spooled != null) {
                spooled.delete();
            }
        }
        try (item) {
            String id;
            try {
                JsonObject created = mailbox.post(folderPath + "/messages", item.createJson(), "create a message in '"
                        + folder.path() + "'").json();
                id = created.get("id").getAsString();
            } catch (GraphMailbox.ItemRefused e) {
                refused(listener, message, e);
                return;
            }
            try {
                for (GraphItem.Attachment attachment : item.separateAttachments()) {
                    attach(id, attachment);
                }
                if (!item.separateAttachments().isEmpty()) {
                    mailbox.patch("/messages/" + GraphMailbox.encode(id), fingerprintJson(message),
                            "complete a message in '" + folder.path() + "'");
                }
            } catch (GraphMailbox.ItemRefused e) {
                deleteQuietly(id);
                refused(listener, message, e);
                return;
            }
            listener.accepted(message, id, flags.keywords().isEmpty() ? MessageFlags.NONE
                    : MessageFlags.of(List.of(), flags.keywords()));
        } catch (IOException e) {
            throw new ConnectorException(Kind.PROTOCOL, "Cannot read an attachment of message UID " + message.uid()
                    + ": " + e.getMessage(), e);
        }
    }

    private void attach(String id, GraphItem.Attachment attachment) throws ConnectorException, IOException {
        String attachments = "/messages/" + GraphMailbox.encode(id) + "/attachments";
        String doing = "attach '" + attachment.name() + "' in '" + folder.path() + "'";
        if (attachment.content().size() < GraphItem.SMALL_ATTACHMENT) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (JsonWriter json = new JsonWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8))) {
                GraphItem.attachmentJson(json, attachment);
            }
            mailbox.post(attachments, body.toByteArray(), doing);
            return;
        }
        long size = attachment.content().size();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        try (JsonWriter json = new JsonWriter(new OutputStreamWriter(request, StandardCharsets.UTF_8))) {
            json.beginObject().name("AttachmentItem").beginObject();
            json.name("attachmentType").value("file");
            json.name("name").value(attachment.name());
            json.name("size").value(size);
            json.name("contentType").value(attachment.contentType());
            json.name("isInline").value(attachment.inline());
            if (attachment.contentId() != null) {
                json.name("contentId").value(attachment.contentId());
            }
            json.endObject().endObject();
        }
        JsonObject session = mailbox.post(attachments + "/createUploadSession", request.toByteArray(), doing).json();
        String uploadUrl = session.get("uploadUrl").getAsString();
        byte[] chunk = new byte[CHUNK];
        long sent = 0;
        try (InputStream in = attachment.content().open()) {
            while (sent < size) {
                int length = in.readNBytes(chunk, 0, (int) Math.min(CHUNK, size - sent));
                if (length <= 0) {
                    throw new IOException("the attachment ended after " + sent + " of " + size + " bytes");
                }
                mailbox.putRange(uploadUrl, chunk, length, sent, size, doing);
                sent += length;
            }
        }
    }

    private byte[] fingerprintJson(MessageInfo message) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonWriter json = new JsonWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8))) {
            json.beginObject().name("singleValueExtendedProperties").beginArray().beginObject()
                    .name("id").value(GraphItem.FINGERPRINT_PROPERTY)
                    .name("value").value(GraphItem.fingerprintValue(message.fingerprint()))
                    .endObject().endArray().endObject();
        }
        return body.toByteArray();
    }

    /** Graph refused the item: for its size (skipped, and offered again later), or for another reason. */
    private static void refused(AppendListener listener, MessageInfo message, GraphMailbox.ItemRefused e) {
        if (e.tooLarge()) {
            listener.refusedAsTooLarge(message, e.getMessage());
        } else {
            listener.rejected(message, e.getMessage());
        }
    }

    private void deleteQuietly(String id) {
        try {
            mailbox.delete("/messages/" + GraphMailbox.encode(id), "delete a refused item");
        } catch (ConnectorException e) {
            // still pending: the next recovery deletes it
        }
    }

    @Override
    public void flush() {
        // every append was reported before it returned
    }

    @Override
    public void updateFlags(String targetId, MessageFlags flags) throws ConnectorException {
        updateFlags(java.util.Map.of(targetId, flags));
    }

    /** In JSON batches of 20 ({@link GraphFlagUpdates}). */
    @Override
    public void updateFlags(java.util.Map<String, MessageFlags> flagsByTargetId) throws ConnectorException {
        new GraphFlagUpdates(mailbox, folder.path().toString()).apply(flagsByTargetId);
    }

    /**
     * One DELETE per message; Exchange keeps what Graph deletes in Deleted Items, where the user can still restore it.
     * Graph ids change when a message moves to another folder, so an id the folder no longer holds (already deleted,
     * or moved away by the user) is not found and left alone, which also makes a repeat harmless.
     */
    @Override
    public List<String> deleteMessages(List<String> targetIds) throws ConnectorException {
        List<String> deleted = new java.util.ArrayList<>();
        for (String id : targetIds) {
            try {
                mailbox.delete("/messages/" + GraphMailbox.encode(id), "delete a message expunged on the source from '"
                        + folder.path() + "'");
            } catch (GraphMailbox.ItemRefused e) {
                throw new ConnectorException(Kind.PROTOCOL, e.getMessage());
            } catch (ConnectorException e) {
                if (e.kind() != Kind.NOT_FOUND || !e.getMessage().contains("ErrorItemNotFound")) {
                    throw e;
                }
            }
            deleted.add(id);
        }
        return deleted;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
