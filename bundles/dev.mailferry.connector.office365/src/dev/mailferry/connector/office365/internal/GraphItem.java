package dev.mailferry.connector.office365.internal;

import com.google.gson.stream.JsonWriter;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * One MIME message rebuilt as a Microsoft Graph message for a JSON create: headers, body, recipients, the MAPI
 * extended properties that make it a received item (not a draft) with its dates, read state and threading headers,
 * and its attachments. Attachments that do not fit into the create request (Graph's 4 MB limit) are kept apart, each
 * in a {@link Spool}, to be added after the create; {@link #close()} deletes their temporary files.
 *
 * <p>The original bytes are not kept: Graph has no way to store them in a non-draft item.
 */
final class GraphItem implements AutoCloseable {

    /** Our own named property on every item we create: the source message's fingerprint, for crash recovery. */
    static final String FINGERPRINT_PROPERTY = "String {4f7c2a91-6b3e-4d0a-9c58-e2b1a7d36f05} Name MailferryFingerprint";
    /** The fingerprint value of an item whose attachments are still being added: never reported as copied. */
    static final String PENDING = "pending ";
    /** PR_MESSAGE_FLAGS: MSGFLAG_READ 0x1, MSGFLAG_UNSENT 0x8 (only settable at creation). */
    static final String MESSAGE_FLAGS = "Integer 0x0E07";
    static final int MSGFLAG_READ = 0x1;
    static final int MSGFLAG_UNSENT = 0x8;
    static final String DELIVERY_TIME = "SystemTime 0x0E06";
    static final String CLIENT_SUBMIT_TIME = "SystemTime 0x0039";
    static final String TRANSPORT_HEADERS = "String 0x007D";
    static final String IN_REPLY_TO = "String 0x1042";
    static final String REFERENCES = "String 0x1039";
    /** PR_LAST_VERB_EXECUTED; 102 = EXCHIVERB_REPLYTOSENDER, what Outlook shows as "You replied". */
    static final String LAST_VERB_EXECUTED = "Integer 0x1081";
    static final int VERB_REPLIED = 102;

    /** Attachments below this go into a POST of their own when they do not fit the create; above, an upload session. */
    static final int SMALL_ATTACHMENT = 3_000_000;
    /** Graph's largest attachment through an upload session. */
    static final long LARGEST_ATTACHMENT = 150L * 1024 * 1024;
    /** The create request stays below this, leaving room under Graph's 4 MB limit. */
    static final int CREATE_BUDGET = 3_600_000;
    /** Attachments are held in memory up to this size, in a temporary file beyond. */
    private static final int IN_MEMORY = 1024 * 1024;

    /** An attachment: its decoded bytes in {@code content}. */
    record Attachment(String name, String contentType, boolean inline, String contentId, Spool content) {
    }

    private final byte[] createJson;
    private final List<Attachment> separate;
    private final List<Attachment> all;

    private GraphItem(byte[] createJson, List<Attachment> separate, List<Attachment> all) {
        this.createJson = createJson;
        this.separate = separate;
        this.all = all;
    }

    /** The body of the create request ({@code POST .../mailFolders/{id}/messages}), below {@link #CREATE_BUDGET}. */
    byte[] createJson() {
        return createJson;
    }

    /** Attachments to add after the create, in order. */
    List<Attachment> separateAttachments() {
        return separate;
    }

    @Override
    public void close() {
        all.forEach(a -> a.content().delete());
    }

    /** The value of {@link #FINGERPRINT_PROPERTY} for a message. */
    static String fingerprintValue(MessageFingerprint fingerprint) {
        return fingerprint.size() + " " + fingerprint.internalDate().getEpochSecond() + " "
                + (fingerprint.messageId() == null ? "" : fingerprint.messageId());
    }

    /** Reads {@link #fingerprintValue}; null for a value that is not one (or a pending one). */
    static MessageFingerprint parseFingerprint(String value) {
        if (value == null || value.startsWith(PENDING)) {
            return null;
        }
        String[] parts = value.split(" ", 3);
        try {
            return new MessageFingerprint(Long.parseLong(parts[0]), Instant.ofEpochSecond(Long.parseLong(parts[1])),
                    parts.length > 2 ? parts[2] : null);
        } catch (RuntimeException notOurs) {
            return null;
        }
    }

    /** The PR_MESSAGE_FLAGS of a copy: read or not, unsent only for what the source marks as a draft. */
    static int messageFlags(MessageFlags flags) {
        return (flags.has(SystemFlag.SEEN) ? MSGFLAG_READ : 0) | (flags.has(SystemFlag.DRAFT) ? MSGFLAG_UNSENT : 0);
    }

    /**
     * Converts {@code mime}, the source message {@code info} with {@code flags}.
     *
     * @throws TooLarge when even without attachments the item exceeds what one Graph request can carry
     */
    static GraphItem convert(MimeMessage mime, MessageInfo info, MessageFlags flags) throws MessagingException,
            IOException, TooLarge {
        Parts parts = new Parts();
        try {
            parts.walk(mime, false);
        } catch (MessagingException | IOException unreadableStructure) {
            // a structure no MIME parser can read (e.g. multipart without boundaries): the raw body as text, as mail
            // clients show it
            parts.close();
            parts = new Parts();
            try (InputStream raw = mime.getRawInputStream()) {
                parts.textBody = readText(raw, "UTF-8");
                parts.html = false;
            }
        }
        try {
            String fingerprint = fingerprintValue(info.fingerprint());
            byte[] bare = json(mime, info, flags, parts, List.of(), fingerprint);
            if (bare.length > CREATE_BUDGET) {
                throw new TooLarge("its text and headers alone (" + bare.length + " bytes as JSON) exceed the "
                        + CREATE_BUDGET + " bytes a Graph create request may carry");
            }
            List<Attachment> inCreate = new ArrayList<>();
            List<Attachment> separate = new ArrayList<>();
            long used = bare.length;
            for (Attachment a : parts.attachments) {
                long cost = (a.content().size() + 2) / 3 * 4 + a.name().length() * 2L + 400;
                if (a.content().size() > LARGEST_ATTACHMENT) {
                    throw new TooLarge("attachment '" + a.name() + "' has " + a.content().size() + " bytes, more than"
                            + " the " + LARGEST_ATTACHMENT + " Graph accepts");
                }
                if (a.content().size() < SMALL_ATTACHMENT && used + cost <= CREATE_BUDGET) {
                    inCreate.add(a);
                    used += cost;
                } else {
                    separate.add(a);
                }
            }
            byte[] create = json(mime, info, flags, parts, inCreate,
                    separate.isEmpty() ? fingerprint : PENDING + fingerprint);
            return new GraphItem(create, List.copyOf(separate), List.copyOf(parts.attachments));
        } catch (MessagingException | IOException | TooLarge | RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /** The item cannot be created through Graph; the message says why. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** The body and attachments found in a MIME tree. */
    private static final class Parts {
        String textBody;
        boolean html;
        final List<Attachment> attachments = new ArrayList<>();

        void walk(Part part, boolean bodyTaken) throws MessagingException, IOException {
            String type = baseType(part);
            if (type.startsWith("multipart/")) {
                MimeMultipart multipart = new MimeMultipart(new MimePartDataSource((jakarta.mail.internet.MimePart) part));
                int count = multipart.getCount();
                if (type.equals("multipart/alternative") && textBody == null && !bodyTaken) {
                    takeAlternative(multipart);
                    return;
                }
                for (int i = 0; i < count; i++) {
                    walk(multipart.getBodyPart(i), bodyTaken || textBody != null);
                }
                return;
            }
            boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || fileName(part) != null;
            if (!attachment && textBody == null && !bodyTaken && (type.equals("text/plain") || type.equals("text/html"))) {
                try (InputStream in = part.getInputStream()) {
                    textBody = readText(in, charset(part));
                }
                html = type.equals("text/html");
                return;
            }
            addAttachment(part, type);
        }

        /**
         * The richest alternative is the body (HTML, or a multipart such as related HTML with its images, before
         * text; the later of equals, as RFC 2046 orders them); the others are the same content again.
         */
        private void takeAlternative(MimeMultipart alternative) throws MessagingException, IOException {
            BodyPart best = null;
            int bestRank = 0;
            for (int i = 0; i < alternative.getCount(); i++) {
                BodyPart candidate = alternative.getBodyPart(i);
                String type = baseType(candidate);
                int rank = type.equals("text/plain") ? 1 : type.equals("text/html") || type.startsWith("multipart/") ? 2 : 0;
                if (rank > 0 && rank >= bestRank) {
                    best = candidate;
                    bestRank = rank;
                }
            }
            if (best == null && alternative.getCount() > 0) {
                best = alternative.getBodyPart(0);
            }
            if (best != null) {
                walk(best, false);
            }
        }

        private void addAttachment(Part part, String type) throws MessagingException, IOException {
            String name = fileName(part);
            if (name == null || name.isBlank()) {
                name = "attachment-" + (attachments.size() + 1) + extension(type);
            }
            String contentId = null;
            if (part instanceof jakarta.mail.internet.MimePart mimePart && mimePart.getContentID() != null) {
                contentId = mimePart.getContentID().trim().replaceAll("^<|>$", "");
            }
            boolean inline = contentId != null && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
            Spool content;
            try (InputStream in = type.equals("message/rfc822") && part instanceof jakarta.mail.internet.MimeBodyPart body
                    ? body.getRawInputStream() : part.getInputStream()) {
                content = Spool.of(in, IN_MEMORY);
            }
            attachments.add(new Attachment(name, type, inline, contentId, content));
        }

        void close() {
            attachments.forEach(a -> a.content().delete());
        }
    }

    private static String baseType(Part part) throws MessagingException {
        try {
            return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
        } catch (RuntimeException | MessagingException unparsable) {
            return "application/octet-stream";
        }
    }

    private static String fileName(Part part) {
        try {
            String name = part.getFileName();
            return name == null ? null : MimeUtility.decodeText(name);
        } catch (MessagingException | java.io.UnsupportedEncodingException | RuntimeException unreadable) {
            return null;
        }
    }

    private static String extension(String type) {
        return switch (type) {
            case "message/rfc822" -> ".eml";
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "application/pdf" -> ".pdf";
            default -> ".bin";
        };
    }

    private static String charset(Part part) {
        try {
            String charset = new ContentType(part.getContentType()).getParameter("charset");
            return charset == null ? "US-ASCII" : MimeUtility.javaCharset(charset);
        } catch (MessagingException | RuntimeException e) {
            return "US-ASCII";
        }
    }

    /** Text in {@code charset} (UTF-8 when unknown), up to a bound: beyond it the item could not be created. */
    private static String readText(InputStream in, String charset) throws IOException {
        byte[] bytes = in.readNBytes(CREATE_BUDGET + 1);
        Charset decoder;
        try {
            decoder = Charset.forName(charset);
        } catch (RuntimeException unknown) {
            decoder = StandardCharsets.UTF_8;
        }
        return new String(bytes, decoder);
    }

    private static byte[] json(MimeMessage mime, MessageInfo info, MessageFlags flags, Parts parts,
            List<Attachment> attachments, String fingerprint) throws MessagingException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonWriter json = new JsonWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8))) {
            json.beginObject();
            String subject = header(mime, "Subject");
            json.name("subject").value(subject == null ? "" : decode(subject));
            json.name("body").beginObject().name("contentType").value(parts.html ? "html" : "text")
                    .name("content").value(parts.textBody == null ? "" : parts.textBody).endObject();
            Address[] from = addresses(mime, "From");
            if (from.length > 0) {
                json.name("from");
                recipient(json, from[0]);
            }
            recipients(json, "toRecipients", addresses(mime, "To"));
            recipients(json, "ccRecipients", addresses(mime, "Cc"));
            recipients(json, "bccRecipients", addresses(mime, "Bcc"));
            recipients(json, "replyTo", addresses(mime, "Reply-To"));
            String messageId = header(mime, "Message-ID");
            if (messageId != null && messageId.trim().matches("<[^<>\\s]+>")) {
                json.name("internetMessageId").value(messageId.trim());
            }
            json.name("isRead").value(flags.has(SystemFlag.SEEN));
            if (flags.has(SystemFlag.FLAGGED)) {
                json.name("flag").beginObject().name("flagStatus").value("flagged").endObject();
            }
            if (!attachments.isEmpty()) {
                json.name("attachments").beginArray();
                for (Attachment a : attachments) {
                    attachmentJson(json, a);
                }
                json.endArray();
            }
            json.name("singleValueExtendedProperties").beginArray();
            property(json, MESSAGE_FLAGS, Integer.toString(messageFlags(flags)));
            property(json, DELIVERY_TIME, info.internalDate().toString());
            Date sent = sentDate(mime);
            property(json, CLIENT_SUBMIT_TIME, (sent != null ? sent.toInstant() : info.internalDate()).toString());
            property(json, TRANSPORT_HEADERS, headerBlock(mime));
            String inReplyTo = header(mime, "In-Reply-To");
            if (inReplyTo != null) {
                property(json, IN_REPLY_TO, unfold(inReplyTo));
            }
            String references = header(mime, "References");
            if (references != null) {
                property(json, REFERENCES, unfold(references));
            }
            if (flags.has(SystemFlag.ANSWERED)) {
                property(json, LAST_VERB_EXECUTED, Integer.toString(VERB_REPLIED));
            }
            property(json, FINGERPRINT_PROPERTY, fingerprint);
            json.endArray();
            json.endObject();
        }
        return bytes.toByteArray();
    }

    /** One {@code fileAttachment} object, its bytes base64-encoded as Graph's {@code contentBytes}. */
    static void attachmentJson(JsonWriter json, Attachment a) throws IOException {
        json.beginObject();
        json.name("@odata.type").value("#microsoft.graph.fileAttachment");
        json.name("name").value(a.name());
        json.name("contentType").value(a.contentType());
        json.name("isInline").value(a.inline());
        if (a.contentId() != null) {
            json.name("contentId").value(a.contentId());
        }
        json.name("contentBytes").value(Base64.getEncoder().encodeToString(a.content().bytes()));
        json.endObject();
    }

    private static void property(JsonWriter json, String id, String value) throws IOException {
        json.beginObject().name("id").value(id).name("value").value(value).endObject();
    }

    private static void recipients(JsonWriter json, String name, Address[] addresses) throws IOException {
        if (addresses.length == 0) {
            return;
        }
        json.name(name).beginArray();
        for (Address address : addresses) {
            recipient(json, address);
        }
        json.endArray();
    }

    private static void recipient(JsonWriter json, Address address) throws IOException {
        json.beginObject().name("emailAddress").beginObject();
        if (address instanceof InternetAddress internet) {
            if (internet.getPersonal() != null) {
                json.name("name").value(internet.getPersonal());
            }
            json.name("address").value(internet.getAddress() == null ? "" : internet.getAddress());
        } else {
            json.name("address").value(address.toString());
        }
        json.endObject().endObject();
    }

    private static Address[] addresses(MimeMessage mime, String header) {
        try {
            String value = mime.getHeader(header, ",");
            if (value == null) {
                return new Address[0];
            }
            List<Address> found = new ArrayList<>();
            for (InternetAddress a : InternetAddress.parseHeader(unfold(value), false)) {
                if (a.isGroup()) {
                    InternetAddress[] members = a.getGroup(false);
                    if (members != null) {
                        found.addAll(List.of(members));
                    }
                } else if (a.getAddress() != null && !a.getAddress().isBlank()) {
                    found.add(a);
                }
            }
            return found.toArray(new Address[0]);
        } catch (MessagingException | RuntimeException unparsable) {
            return new Address[0];
        }
    }

    private static Date sentDate(MimeMessage mime) {
        try {
            return mime.getSentDate();
        } catch (MessagingException | RuntimeException unparsable) {
            return null;
        }
    }

    private static String header(MimeMessage mime, String name) throws MessagingException {
        String[] values = mime.getHeader(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    private static String decode(String text) {
        try {
            return MimeUtility.decodeText(unfold(text));
        } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
            return unfold(text);
        }
    }

    private static String unfold(String text) {
        return text.replaceAll("\r?\n[ \t]", " ").trim();
    }

    /** The message's header block as it arrived (PR_TRANSPORT_MESSAGE_HEADERS), lines ending in CRLF. */
    private static String headerBlock(MimeMessage mime) throws MessagingException {
        StringBuilder block = new StringBuilder();
        Enumeration<String> lines = mime.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            block.append(lines.nextElement()).append("\r\n");
        }
        return block.toString();
    }
}
