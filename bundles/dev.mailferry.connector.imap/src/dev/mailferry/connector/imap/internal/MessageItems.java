package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import jakarta.mail.Flags;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/** Reads FETCH items into the core model and writes flags and dates in IMAP syntax. */
final class MessageItems {

    /** The FETCH items of a metadata scan; BODY.PEEK never sets \Seen. */
    static final String METADATA_ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])";

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec"};
    private static final DateTimeFormatter INTERNALDATE_FORMAT = DateTimeFormatter
            .ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** RFC 3501 atom: no specials, controls, spaces, or non-ASCII. */
    private static final Pattern KEYWORD = Pattern.compile("[!#$&'+,\\-./0-9:;<=>?@A-Z\\[^_`a-z|}~]+");

    private MessageItems() {
    }

    /** The message described by a FETCH response, or null when it carries no UID (an unsolicited flag update). */
    static MessageInfo toMessageInfo(FetchResponse response) {
        UID uid = response.getItem(UID.class);
        if (uid == null) {
            return null;
        }
        FLAGS flags = response.getItem(FLAGS.class);
        INTERNALDATE date = response.getItem(INTERNALDATE.class);
        RFC822SIZE size = response.getItem(RFC822SIZE.class);
        BODY header = response.getItem(BODY.class);
        Date internalDate = date == null ? null : date.getDate();
        boolean deleted = flags != null && flags.contains(Flags.Flag.DELETED);
        return new MessageInfo(uid.uid, size == null ? 0 : size.size,
                internalDate == null ? Instant.EPOCH : internalDate.toInstant(), toMessageFlags(flags),
                header == null ? null : messageId(header.getByteArray()), deleted);
    }

    static MessageFlags toMessageFlags(Flags flags) {
        if (flags == null) {
            return MessageFlags.NONE;
        }
        List<String> names = new ArrayList<>();
        for (Flags.Flag flag : flags.getSystemFlags()) {
            if (flag == Flags.Flag.SEEN) {
                names.add(SystemFlag.SEEN.imapName());
            } else if (flag == Flags.Flag.ANSWERED) {
                names.add(SystemFlag.ANSWERED.imapName());
            } else if (flag == Flags.Flag.FLAGGED) {
                names.add(SystemFlag.FLAGGED.imapName());
            } else if (flag == Flags.Flag.DRAFT) {
                names.add(SystemFlag.DRAFT.imapName());
            }
        }
        for (String keyword : flags.getUserFlags()) {
            names.add(keyword);
        }
        return MessageFlags.fromImap(names);
    }

    /**
     * The Message-ID from the bytes of a {@code HEADER.FIELDS (MESSAGE-ID)} fetch; null when missing or empty. Broken
     * and 8-bit headers are tolerated: the value is whatever lies between the first '<' and '>', else the trimmed text.
     */
    static String messageId(ByteArray header) {
        if (header == null || header.getCount() == 0) {
            return null;
        }
        // Hand-written rather than regular expressions: this runs once per message of every scan.
        String text = decodeLeniently(header.getBytes(), header.getStart(), header.getCount());
        int length = text.length();
        int position = 0;
        StringBuilder line = new StringBuilder();
        while (position < length) {
            line.setLength(0);
            position = readUnfoldedLine(text, position, line);
            int colon = line.indexOf(":");
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Message-ID")) {
                String value = line.substring(colon + 1).trim();
                int open = value.indexOf('<');
                int close = open < 0 ? -1 : value.indexOf('>', open);
                if (open >= 0 && close > open) {
                    value = value.substring(open, close + 1);
                }
                if (value.length() > 998) {
                    value = value.substring(0, 998);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /**
     * Appends the header line starting at {@code start} to {@code line}, its continuation lines joined by one space
     * each (RFC 5322 unfolding), without the line break; returns where the next line starts.
     */
    private static int readUnfoldedLine(String text, int start, StringBuilder line) {
        int length = text.length();
        int position = start;
        while (true) {
            int newline = text.indexOf('\n', position);
            if (newline < 0) {
                line.append(text, position, length);
                return length;
            }
            int end = newline > position && text.charAt(newline - 1) == '\r' ? newline - 1 : newline;
            line.append(text, position, end);
            int next = newline + 1;
            if (next == length || !isFoldingSpace(text.charAt(next))) {
                return next;
            }
            while (next < length && isFoldingSpace(text.charAt(next))) {
                next++;
            }
            line.append(' ');
            position = next;
        }
    }

    private static boolean isFoldingSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static String decodeLeniently(byte[] bytes, int start, int count) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, count))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, start, count, StandardCharsets.ISO_8859_1);
        }
    }

    /** {@code "05-Mar-2024 14:03:09 +0000"} (quoted by the caller's Argument). */
    static String formatInternalDate(Instant instant) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = utc.getYear();
        if (year < 1 || year > 9999) {
            return INTERNALDATE_FORMAT.format(instant);
        }
        // Written by hand: DateTimeFormatter took ~10 µs a message, once for each APPEND.
        char[] date = new char[26];
        twoDigits(date, 0, utc.getDayOfMonth());
        date[2] = '-';
        String month = MONTHS[utc.getMonthValue() - 1];
        month.getChars(0, 3, date, 3);
        date[6] = '-';
        twoDigits(date, 7, year / 100);
        twoDigits(date, 9, year % 100);
        date[11] = ' ';
        twoDigits(date, 12, utc.getHour());
        date[14] = ':';
        twoDigits(date, 15, utc.getMinute());
        date[17] = ':';
        twoDigits(date, 18, utc.getSecond());
        " +0000".getChars(0, 6, date, 20);
        return new String(date);
    }

    private static void twoDigits(char[] into, int at, int value) {
        into[at] = (char) ('0' + value / 10);
        into[at + 1] = (char) ('0' + value % 10);
    }

    /** True when {@code keyword} can be written as an IMAP flag atom. */
    static boolean isValidKeyword(String keyword) {
        return KEYWORD.matcher(keyword).matches();
    }

    /** The parenthesised flag list of an APPEND or STORE, e.g. {@code (\Seen $Forwarded)}. */
    static String flagList(MessageFlags flags) {
        return "(" + flags + ")";
    }

    /** UIDs as a compact IMAP set: {@code 1:4,7,9:10}; {@code uids} must be ascending. */
    static String uidSet(long[] uids, int count) {
        StringBuilder set = new StringBuilder();
        int i = 0;
        while (i < count) {
            int j = i;
            while (j + 1 < count && uids[j + 1] == uids[j] + 1) {
                j++;
            }
            if (set.length() > 0) {
                set.append(',');
            }
            set.append(uids[i]);
            if (j > i) {
                set.append(':').append(uids[j]);
            }
            i = j + 1;
        }
        return set.toString();
    }
}
