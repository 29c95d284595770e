package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The corpus as a standards-following MIME parser (Jakarta Mail) sees it. */
class CorpusJakartaMailTest {

    static List<SampleMessage> messages;

    @BeforeAll
    static void generate() {
        messages = new CorpusGenerator(CorpusSpec.small(21, 250)).messages().collect(Collectors.toList());
    }

    @Test
    void everyMessageParsesExceptThoseBuiltNotTo() throws Exception {
        CorpusTestSupport.withMail(() -> {
            Session session = CorpusTestSupport.session();
            int parsed = 0;
            for (SampleMessage m : messages) {
                MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(m.raw()));
                if (m.oddity() != null && m.oddity().breaksMimeParsing()) {
                    assertThrows(MessagingException.class, () -> walk(message, new ArrayList<>(), m), m.toString());
                    continue;
                }
                List<String> leafTypes = new ArrayList<>();
                walk(message, leafTypes, m);
                parsed++;
                switch (m.kind()) {
                case PLAIN_TEXT -> assertEquals(List.of("text/plain"), leafTypes, m.toString());
                case ALTERNATIVE -> assertEquals(List.of("text/plain", "text/html"), leafTypes, m.toString());
                case WITH_ATTACHMENTS -> assertTrue(leafTypes.size() >= 2 && leafTypes.get(0).equals("text/plain")
                        && !leafTypes.get(leafTypes.size() - 1).startsWith("text/"), m + ": " + leafTypes);
                }
            }
            assertTrue(parsed > 200, parsed + " parsed");
            return null;
        });
    }

    @Test
    void encodedSubjectsAndNamesDecode() throws Exception {
        CorpusTestSupport.withMail(() -> {
            Session session = CorpusTestSupport.session();
            int nonAscii = 0;
            for (SampleMessage m : messages) {
                if (m.oddity() == CorpusOddity.RAW_8BIT_HEADERS) {
                    continue;
                }
                MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(m.raw()));
                String subject = message.getSubject();
                assertFalse(subject.contains("=?") || subject.contains("\uFFFD"), m + ": " + subject);
                InternetAddress from = (InternetAddress) message.getFrom()[0];
                assertTrue(from.getAddress().contains("@"), m.toString());
                String personal = from.getPersonal();
                assertFalse(personal == null || personal.contains("=?"), m + ": " + personal);
                if (!subject.chars().allMatch(c -> c < 0x80)) {
                    nonAscii++;
                }
            }
            assertTrue(nonAscii > 100, nonAscii + " non-ASCII subjects");
            return null;
        });
    }

    /**
     * Parses every part (multiparts explicitly, so no activation handlers are needed), decodes text in its declared
     * charset and checks the decoded attachments start with their file format's magic bytes.
     */
    private static void walk(MimePart part, List<String> leafTypes, SampleMessage m) throws Exception {
        ContentType type = new ContentType(part.getContentType());
        if (type.getPrimaryType().equalsIgnoreCase("multipart")) {
            MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
            assertTrue(multipart.getCount() > 0, m.toString());
            for (int i = 0; i < multipart.getCount(); i++) {
                walk((MimePart) multipart.getBodyPart(i), leafTypes, m);
            }
            return;
        }
        leafTypes.add(type.getBaseType().toLowerCase());
        byte[] decoded;
        try (InputStream in = part.getInputStream()) {
            decoded = in.readAllBytes();
        }
        assertTrue(decoded.length > 0, m + ": empty " + type);
        if (type.getPrimaryType().equalsIgnoreCase("text")) {
            String text = new String(decoded, Charset.forName(type.getParameter("charset")));
            if (m.oddity() != CorpusOddity.MISLABELED_CHARSET) {
                assertFalse(text.contains("\uFFFD"), m + ": undecodable " + type);
            }
        } else {
            assertTrue(Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()), m.toString());
            String magic = new String(decoded, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            String expected = switch (type.getBaseType()) {
            case "application/pdf" -> "%PDF";
            case "image/png" -> "\u0089PNG";
            case "image/jpeg" -> "\u00ff\u00d8\u00ff\u00e0";
            default -> "PK\u0003\u0004";
            };
            assertEquals(expected, magic, m + ": " + type);
        }
    }
}
