package dev.mailferry.engine;

import dev.mailferry.demo.GraphStoredMessage;
import dev.mailferry.demo.Office365StandIn;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePartDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Describes messages so that a source mailbox and what the Graph stand-in holds after a Graph-only migration compare
 * line by line: fingerprint (size, internal date, Message-ID), subject, sender, delivery time, read, flagged, answered,
 * draft, and each named attachment with its size and SHA-256. The source side is read with Jakarta Mail on its own, not
 * with the connector's code.
 */
final class GraphOnlyComparison {

    private static final Session MAIL;
    static {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        properties.setProperty("mail.mime.decodefilename", "true");
        MAIL = Session.getInstance(properties);
    }

    private GraphOnlyComparison() {
    }

    /** One line per source message (sorted). */
    static List<String> source(List<ImapProbe.Raw> messages) throws Exception {
        List<String> lines = new ArrayList<>();
        for (ImapProbe.Raw raw : messages) {
            MimeMessage mime = new MimeMessage(MAIL, new ByteArrayInputStream(raw.bytes()));
            String[] ids = mime.getHeader("Message-ID");
            String messageId = ids == null || ids[0].isBlank() ? "" : ids[0].trim();
            String subject;
            try {
                subject = mime.getSubject();
            } catch (MessagingException e) {
                subject = null;
            }
            List<String> attachments = new ArrayList<>();
            try {
                attachments(mime, attachments);
            } catch (MessagingException | IOException unreadableStructure) {
                attachments.clear(); // the copy carries the raw body as text then, and no attachment
            }
            Collections.sort(attachments);
            Flags flags = raw.flags();
            lines.add(line(raw.bytes().length + " " + raw.internalDate() + " " + messageId, subject, from(mime),
                    raw.internalDate(), flags.contains(Flags.Flag.SEEN), flags.contains(Flags.Flag.FLAGGED),
                    flags.contains(Flags.Flag.ANSWERED), flags.contains(Flags.Flag.DRAFT), attachments));
        }
        Collections.sort(lines);
        return lines;
    }

    /** One line per item the stand-in holds for {@code user} (sorted). */
    static List<String> target(Office365StandIn standIn, String user) {
        List<String> lines = new ArrayList<>();
        for (GraphStoredMessage m : standIn.graphMessages(user)) {
            List<String> attachments = new ArrayList<>();
            for (GraphStoredMessage.Attachment a : m.attachments()) {
                attachments.add(a.name() + ":" + a.bytes().length + ":" + ImapProbe.sha256(a.bytes()));
            }
            Collections.sort(attachments);
            String fingerprint = m.property("String {4f7c2a91-6b3e-4d0a-9c58-e2b1a7d36f05} Name MailferryFingerprint");
            lines.add(line(fingerprint == null ? "(no fingerprint)" : fingerprint.trim(), m.subject(),
                    m.fromAddress() == null ? "" : m.fromAddress().toLowerCase(Locale.ROOT),
                    m.receivedDateTime().getEpochSecond(), m.isRead(), "flagged".equals(m.flagStatus()),
                    "102".equals(m.property("Integer 0x1081")), m.isDraft(), attachments));
        }
        Collections.sort(lines);
        return lines;
    }

    private static String line(String fingerprint, String subject, String from, long delivered, boolean read,
            boolean flagged, boolean answered, boolean draft, List<String> attachments) {
        return fingerprint.trim() + " | " + (subject == null ? "" : subject.replaceAll("\\s+", " ").trim()) + " | "
                + from + " | " + delivered + " | read=" + read + " flagged=" + flagged + " answered=" + answered
                + " draft=" + draft + " | " + attachments;
    }

    private static String from(MimeMessage mime) throws MessagingException {
        String value = mime.getHeader("From", ",");
        if (value == null) {
            return "";
        }
        try {
            for (InternetAddress a : InternetAddress.parseHeader(value.replaceAll("\r?\n[ \t]", " "), false)) {
                if (!a.isGroup() && a.getAddress() != null && !a.getAddress().isBlank()) {
                    return a.getAddress().toLowerCase(Locale.ROOT);
                }
            }
        } catch (MessagingException | RuntimeException unparsable) {
            return "";
        }
        return "";
    }

    /** Every part with a file name, as "name:size:sha256" of its decoded bytes. */
    private static void attachments(Part part, List<String> found) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = new MimeMultipart(new MimePartDataSource((jakarta.mail.internet.MimePart) part));
            for (int i = 0; i < multipart.getCount(); i++) {
                attachments(multipart.getBodyPart(i), found);
            }
            return;
        }
        String name = part.getFileName();
        if (name != null) {
            try (InputStream in = part.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                found.add(jakarta.mail.internet.MimeUtility.decodeText(name) + ":" + bytes.length + ":"
                        + ImapProbe.sha256(bytes));
            }
        }
    }
}
