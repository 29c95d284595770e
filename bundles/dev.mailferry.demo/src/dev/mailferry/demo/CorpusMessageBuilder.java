package dev.mailferry.demo;

import static dev.mailferry.demo.CorpusMimeEncoding.CRLF;

import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SpecialUse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Builds the bytes of one corpus message; one instance per message. */
final class CorpusMessageBuilder {

    private static final DateTimeFormatter RFC_5322_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
            Locale.US);
    private static final List<String> ZONES = List.of("+0000", "+0100", "+0200", "+0300", "-0500", "-0800", "+0530",
            "+0800", "+0900");
    private static final List<String> MAILERS = List.of("Microsoft Outlook 16.0", "Mozilla Thunderbird 115.6.0",
            "Apple Mail (2.3774.300.61.1.2)", "Roundcube Webmail/1.6.5", "The Bat! (v9.4.5) Professional",
            "Becky! ver. 2.81.04", "Foxmail 7.2.25.228");
    private static final List<String> DOMAINS = List.of("example.com", "example.net", "example.de", "example.fr",
            "example.ru", "example.jp", "example.cn");
    /** Per-part MIME headers and boundary lines, reserved when sizing bodies. */
    private static final int PART_OVERHEAD = 260;

    private final CorpusGenerator corpus;
    private final int index;
    private final SplittableRandom r;
    private final CorpusFolder folder;
    private final CorpusOddity oddity;
    private final Charset charset;
    private final CorpusLanguage language;
    private final long target;
    private final ByteArrayOutputStream out;

    CorpusMessageBuilder(CorpusGenerator corpus, int index, SplittableRandom random) {
        this.corpus = corpus;
        this.index = index;
        this.r = random;
        this.folder = corpus.folder(index);
        this.oddity = corpus.oddity(index);
        this.charset = corpus.threadCharset(index);
        this.language = CorpusLanguage.forCharset(charset.name(), corpus.threadRandom(index));
        this.target = corpus.targetSize(index);
        this.out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, target + 8192));
    }

    SampleMessage build() {
        SampleMessageKind kind = chooseKind();
        MessageFlags flags = corpus.flagsFor(folder, r);
        boolean deleted = folder.specialUse() == SpecialUse.TRASH && r.nextDouble() < 0.15;
        Instant internalDate = corpus.internalDate(index);
        writeHeaders(internalDate);
        switch (kind) {
        case PLAIN_TEXT -> writePlainBody();
        case ALTERNATIVE -> writeAlternativeBody();
        case WITH_ATTACHMENTS -> writeMixedBody();
        }
        return new SampleMessage(index, folder.path(), out.toByteArray(), flags, deleted, internalDate,
                corpus.messageId(index), oddity, charset.name(), kind, target);
    }

    private SampleMessageKind chooseKind() {
        if (oddity == CorpusOddity.WRONG_CONTENT_TYPE) {
            return SampleMessageKind.PLAIN_TEXT;
        }
        if (oddity == CorpusOddity.OVERLONG_LINES) {
            return SampleMessageKind.ALTERNATIVE;
        }
        if (target > 60 * 1024 || oddity == CorpusOddity.MISSING_END_BOUNDARY) {
            return SampleMessageKind.WITH_ATTACHMENTS;
        }
        if (target < 3500) {
            return SampleMessageKind.PLAIN_TEXT;
        }
        double x = r.nextDouble();
        if (x < 0.40) {
            return SampleMessageKind.PLAIN_TEXT;
        }
        return x < 0.75 || target < 6 * 1024 ? SampleMessageKind.ALTERNATIVE : SampleMessageKind.WITH_ATTACHMENTS;
    }

    // ---- headers ----

    private void writeHeaders(Instant internalDate) {
        boolean outgoing = folder.specialUse() == SpecialUse.SENT || folder.specialUse() == SpecialUse.DRAFTS;
        SplittableRandom thread = corpus.threadRandom(index);
        String contactName = language.name(thread, charset);
        String contactAddress = address(contactName, thread);
        String owner = phrase(corpus.spec().ownerName()) + " <" + corpus.spec().ownerAddress() + ">";
        String contact = phrase(contactName) + " <" + contactAddress + ">";
        String zone = ZONES.get(r.nextInt(ZONES.size()));
        Instant sent = folder.specialUse() == SpecialUse.DRAFTS ? internalDate
                : internalDate.minusSeconds(2 + r.nextInt(300));

        if (!outgoing) {
            ascii("Return-Path: <" + contactAddress + ">");
            ascii("Received: from mx" + r.nextInt(1, 9) + "." + domainOf(contactAddress) + " (mx."
                    + domainOf(contactAddress) + " [192.0.2." + r.nextInt(1, 255) + "])" + CRLF + "\tby imap.example.org"
                    + " with ESMTPS id " + Long.toHexString(r.nextLong() & 0xffffffffffL) + CRLF + "\tfor <"
                    + corpus.spec().ownerAddress() + ">; " + RFC_5322_DATE.format(sent.plusSeconds(1).atOffset(ZoneOffset.UTC)));
        }
        ascii("Date: " + RFC_5322_DATE.format(sent.atOffset(ZoneOffset.of(zone))));
        if (oddity == CorpusOddity.RAW_8BIT_HEADERS) {
            raw("From: " + contactName + " <" + contactAddress + ">", rawHeaderCharset());
        } else {
            ascii("From: " + (outgoing ? owner : contact));
        }
        ascii("To: " + (outgoing ? contact : owner));
        if (r.nextDouble() < 0.2) {
            String ccName = language.name(r, charset);
            ascii("Cc: " + phrase(ccName) + " <" + address(ccName, r) + ">");
        }
        String subject = subject();
        if (oddity == CorpusOddity.RAW_8BIT_HEADERS) {
            raw("Subject: " + (CorpusMimeEncoding.isAscii(subject) ? subject + " (Übersicht)" : subject), rawHeaderCharset());
        } else {
            ascii("Subject: " + (CorpusMimeEncoding.isAscii(subject) ? subject
                    : CorpusMimeEncoding.encodedWords(subject, charset, r.nextBoolean())));
        }
        String messageId = corpus.messageId(index);
        if (messageId != null) {
            ascii("Message-ID: " + messageId);
        }
        int parent = corpus.parent(index);
        if (parent >= 0) {
            ascii("In-Reply-To: " + corpus.generatedMessageId(parent));
            List<String> references = new ArrayList<>();
            for (int p = parent; p >= 0 && references.size() < 10; p = corpus.parent(p)) {
                references.add(0, corpus.generatedMessageId(p));
            }
            ascii("References: " + String.join(CRLF + " ", references));
        }
        if (oddity == CorpusOddity.OVERLONG_LINES) {
            StringBuilder tracking = new StringBuilder("X-Campaign-Tracking: ");
            while (tracking.length() < 1100 + r.nextInt(2000)) {
                tracking.append("utm_").append(Long.toHexString(r.nextLong())).append(';');
            }
            ascii(tracking.toString());
        }
        ascii("X-Mailer: " + MAILERS.get(r.nextInt(MAILERS.size())));
        ascii("MIME-Version: 1.0");
    }

    /** Broken mailers write headers in UTF-8, or in the body's charset when that is a Latin one. */
    private Charset rawHeaderCharset() {
        return charset.name().startsWith("ISO-8859") || charset.name().equals("windows-1252") ? charset
                : StandardCharsets.UTF_8;
    }

    private String subject() {
        String topic = language.subject(corpus.threadRandom(index), charset);
        if (corpus.parent(index) >= 0) {
            return language.replyPrefix + topic;
        }
        if (folder.specialUse() == SpecialUse.JUNK) {
            return "WIN " + (1000 + r.nextInt(9000)) + " USD!!! " + topic;
        }
        return topic;
    }

    private String phrase(String name) {
        return CorpusMimeEncoding.phrase(name, charset, r.nextBoolean());
    }

    private static String address(String name, SplittableRandom r) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("[^A-Za-z ]", "").trim()
                .toLowerCase(Locale.ROOT).replaceAll("\\s+", ".");
        String local = ascii.isEmpty() ? "contact" + Math.abs(name.hashCode() % 1000) : ascii;
        return local + "@" + DOMAINS.get(Math.abs(name.hashCode()) % DOMAINS.size());
    }

    private static String domainOf(String address) {
        return address.substring(address.indexOf('@') + 1);
    }

    // ---- bodies ----

    private void writePlainBody() {
        if (oddity == CorpusOddity.WRONG_CONTENT_TYPE) {
            ascii("Content-Type: multipart/mixed; boundary=\"" + boundary() + "\"");
            ascii("Content-Transfer-Encoding: 8bit");
            crlf();
            String text = textOfSize(remaining(), charset, false);
            bytes(eightBit(text, charset));
            return;
        }
        writeTextPart(remaining(), false);
    }

    private void writeAlternativeBody() {
        String boundary = boundary();
        ascii("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"");
        crlf();
        ascii("This is a multi-part message in MIME format.");
        long budget = remaining() - 200;
        writeAlternativeParts(boundary, budget);
        closeBoundary(boundary);
    }

    private void writeAlternativeParts(String boundary, long budget) {
        ascii("--" + boundary);
        writeTextPart(Math.max(200, budget * 2 / 5), false);
        crlf();
        ascii("--" + boundary);
        writeTextPart(Math.max(300, budget * 3 / 5), true);
        crlf();
    }

    private void writeMixedBody() {
        String boundary = boundary();
        ascii("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
        crlf();
        ascii("This is a multi-part message in MIME format.");
        long textBudget = Math.min(6000, Math.max(400, target / 10));
        if (r.nextBoolean() && target > 8 * 1024) {
            String inner = boundary();
            ascii("--" + boundary);
            ascii("Content-Type: multipart/alternative; boundary=\"" + inner + "\"");
            crlf();
            writeAlternativeParts(inner, textBudget);
            ascii("--" + inner + "--");
        } else {
            ascii("--" + boundary);
            writeTextPart(textBudget, false);
        }
        crlf();
        int attachments = target > 5 * 1024 * 1024 ? 1 : 1 + r.nextInt(3);
        for (int a = 0; a < attachments; a++) {
            long left = remaining() - (attachments - a) * (long) PART_OVERHEAD - 40;
            long share = a == attachments - 1 ? left : (long) (left * (0.3 + 0.4 * r.nextDouble()));
            writeAttachment(boundary, Math.max(64, share));
        }
        closeBoundary(boundary);
    }

    private void closeBoundary(String boundary) {
        if (oddity != CorpusOddity.MISSING_END_BOUNDARY) {
            ascii("--" + boundary + "--");
        }
    }

    /** A text/plain or text/html part (headers and body) of about {@code budget} bytes. */
    private void writeTextPart(long budget, boolean html) {
        boolean mislabeled = oddity == CorpusOddity.MISLABELED_CHARSET;
        boolean longLine = html && oddity == CorpusOddity.OVERLONG_LINES;
        Charset bodyCharset = mislabeled ? StandardCharsets.UTF_8 : charset;
        String declared = mislabeled ? "ISO-8859-1" : charset.name();
        String encoding = longLine || mislabeled ? "8bit" : chooseTransferEncoding();
        ascii("Content-Type: text/" + (html ? "html" : "plain") + "; charset=\"" + declared + "\""
                + (!html && r.nextDouble() < 0.2 ? "; format=flowed" : ""));
        ascii("Content-Transfer-Encoding: " + encoding);
        crlf();
        long bodyBudget = Math.max(100, budget - 90);
        String text = longLine ? longHtmlLine(bodyBudget) : textOfSize(bodyBudget, bodyCharset, html, encoding);
        switch (encoding) {
        case "quoted-printable" -> ascii(CorpusMimeEncoding.quotedPrintable(text, bodyCharset));
        case "base64" -> bytes(CorpusMimeEncoding.base64Lines(eightBit(text, bodyCharset)).getBytes(StandardCharsets.US_ASCII));
        default -> {
            bytes(eightBit(text, bodyCharset));
            crlf();
        }
        }
    }

    private String chooseTransferEncoding() {
        String name = charset.name();
        double x = r.nextDouble();
        if (name.equals("ISO-2022-JP")) {
            return "7bit";
        }
        if (name.equals("Shift_JIS") || name.equals("GB2312")) {
            return x < 0.7 ? "base64" : "8bit";
        }
        if (name.equals("UTF-8")) {
            return x < 0.6 ? "quoted-printable" : x < 0.8 ? "base64" : "8bit";
        }
        return x < 0.7 ? "quoted-printable" : "8bit";
    }

    private String textOfSize(long budget, Charset bodyCharset, boolean html) {
        return textOfSize(budget, bodyCharset, html, "8bit");
    }

    /**
     * Paragraphs until the encoded text reaches {@code budget}. Lines are wrapped (CJK by character count) so 8-bit
     * bodies keep within 998 bytes per line.
     */
    private String textOfSize(long budget, Charset bodyCharset, boolean html, String encoding) {
        StringBuilder text = new StringBuilder();
        if (html) {
            text.append("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=")
                    .append(bodyCharset.name()).append("\"></head>\n<body>\n");
        }
        text.append(html ? "<p>" + language.greeting + "</p>\n" : language.greeting + "\n\n");
        long size = encodedLength(text.toString(), bodyCharset, encoding);
        long closingSize = 200;
        boolean first = true;
        while (first || size + closingSize < budget) {
            long left = budget - size - closingSize;
            String paragraph = wrap(language.paragraph(r, bodyCharset, left < 1500 ? 1 : 6));
            String block = html ? "<p>" + escapeHtml(paragraph).replace("\n", "<br>\n") + "</p>\n" : paragraph + "\n\n";
            long blockSize = encodedLength(block, bodyCharset, encoding);
            // Stop at whichever side of the budget is nearer.
            if (!first && blockSize > 2 * left) {
                break;
            }
            text.append(block);
            size += blockSize;
            first = false;
        }
        if (corpus.parent(index) >= 0 && !html) {
            text.append("> ").append(wrap(language.paragraph(r, bodyCharset)).replace("\n", "\n> ")).append("\n\n");
        }
        text.append(html ? "<p>" + language.closing + "<br>\n" + escapeHtml(corpus.spec().ownerName()) + "</p>\n</body></html>"
                : language.closing + "\n" + corpus.spec().ownerName() + "\n");
        return text.toString();
    }

    /** One HTML line well past RFC 5322's 998-character limit, as newsletter generators write. */
    private String longHtmlLine(long budget) {
        StringBuilder line = new StringBuilder("<html><body><table width=\"100%\"><tr><td>");
        long want = Math.max(1200, budget);
        while (line.length() < want) {
            line.append("<span style=\"font-family:Arial;color:#333333\">")
                    .append(escapeHtml(language.paragraph(r, charset)).replace("\n", " ")).append("</span>");
        }
        return line.append("</td></tr></table></body></html>").toString();
    }

    private static long encodedLength(String block, Charset bodyCharset, String encoding) {
        long raw = block.getBytes(bodyCharset).length + block.chars().filter(c -> c == '\n').count();
        return switch (encoding) {
        case "quoted-printable" -> CorpusMimeEncoding.quotedPrintable(block, bodyCharset).length();
        case "base64" -> raw * 4 / 3 + raw / 38;
        default -> raw;
        };
    }

    private String wrap(String paragraph) {
        boolean spaced = paragraph.indexOf(' ') >= 0;
        int width = spaced ? 72 : 36;
        StringBuilder out = new StringBuilder(paragraph.length() + 16);
        int column = 0;
        if (spaced) {
            for (String word : paragraph.split(" ")) {
                if (column > 0 && column + 1 + word.length() > width) {
                    out.append('\n');
                    column = 0;
                } else if (column > 0) {
                    out.append(' ');
                    column++;
                }
                out.append(word);
                column += word.length();
            }
        } else {
            for (int i = 0; i < paragraph.length(); i++) {
                if (column == width) {
                    out.append('\n');
                    column = 0;
                }
                out.append(paragraph.charAt(i));
                column++;
            }
        }
        return out.toString();
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Text in {@code bodyCharset} with CRLF line ends. */
    private static byte[] eightBit(String text, Charset bodyCharset) {
        return text.replace("\n", CRLF).getBytes(bodyCharset);
    }

    // ---- attachments ----

    private void writeAttachment(String boundary, long budget) {
        String[][] types = {
                { "application/pdf", ".pdf" }, { "image/png", ".png" }, { "image/jpeg", ".jpg" },
                { "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx" },
                { "application/zip", ".zip" } };
        String[] type = types[r.nextInt(types.length)];
        String fileName = attachmentBaseName() + type[1];
        ascii("--" + boundary);
        if (CorpusMimeEncoding.isAscii(fileName)) {
            ascii("Content-Type: " + type[0] + "; name=\"" + fileName + "\"");
            ascii("Content-Transfer-Encoding: base64");
            ascii("Content-Disposition: attachment; filename=\"" + fileName + "\"");
        } else if (r.nextBoolean()) {
            // What Outlook writes: RFC 2047 in name, RFC 2231 in filename.
            ascii("Content-Type: " + type[0] + ";" + CRLF + "\tname=\""
                    + CorpusMimeEncoding.encodedWords(fileName, StandardCharsets.UTF_8, true) + "\"");
            ascii("Content-Transfer-Encoding: base64");
            ascii("Content-Disposition: attachment;" + CRLF + "\tfilename*=" + CorpusMimeEncoding.rfc2231(fileName));
        } else {
            // Not allowed by RFC 2047, yet the most common form in the wild.
            String word = CorpusMimeEncoding.encodedWords(fileName, charset, true);
            ascii("Content-Type: " + type[0] + "; name=\"" + word + "\"");
            ascii("Content-Transfer-Encoding: base64");
            ascii("Content-Disposition: attachment; filename=\"" + word + "\"");
        }
        crlf();
        int rawLength = (int) CorpusMimeEncoding.rawLengthForBase64(budget);
        byte[] content = new byte[Math.max(16, rawLength)];
        r.nextBytes(content);
        byte[] magic = magic(type[1]);
        System.arraycopy(magic, 0, content, 0, Math.min(magic.length, content.length));
        byte[] encoded = Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encode(content);
        bytes(encoded);
        crlf();
    }

    private String attachmentBaseName() {
        String[] names = { "Invoice_2024-" + r.nextInt(100, 999), "scan" + r.nextInt(1000, 9999), "IMG_" + r.nextInt(1000, 9999),
                "Präsentation Q" + r.nextInt(1, 5), "Отчёт " + r.nextInt(2019, 2027), "見積書_" + r.nextInt(1, 30),
                "Contract draft v" + r.nextInt(1, 9) };
        return names[r.nextInt(names.length)];
    }

    private static byte[] magic(String extension) {
        return switch (extension) {
        case ".pdf" -> "%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1);
        case ".png" -> new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
        case ".jpg" -> new byte[] { (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10, 'J', 'F', 'I', 'F' };
        default -> new byte[] { 'P', 'K', 3, 4 };
        };
    }

    // ---- output ----

    private String boundary() {
        return switch (r.nextInt(3)) {
        case 0 -> "----=_Part_" + index + "_" + Long.toHexString(r.nextLong() & Long.MAX_VALUE);
        case 1 -> "=_" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + "_=";
        default -> "_000_" + Long.toHexString(r.nextLong() & Long.MAX_VALUE).toUpperCase(Locale.ROOT) + "EXCH01_";
        };
    }

    private long remaining() {
        return target - out.size();
    }

    private void ascii(String line) {
        bytes(line.getBytes(StandardCharsets.US_ASCII));
        crlf();
    }

    private void raw(String line, Charset headerCharset) {
        bytes(line.getBytes(headerCharset));
        crlf();
    }

    private void bytes(byte[] data) {
        out.write(data, 0, data.length);
    }

    private void crlf() {
        out.write('\r');
        out.write('\n');
    }
}
