package dev.mailferry.connector.imap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.eclipse.angus.mail.iap.ByteArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written parts of reading and writing IMAP items, against what they replace. */
class MessageItemsTest {

    private static final DateTimeFormatter RFC3501_DATE_TIME = DateTimeFormatter
            .ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    @Test
    void internalDateIsWrittenInImapSyntaxInUtc() {
        assertEquals("05-Mar-2024 14:03:09 +0000",
                MessageItems.formatInternalDate(Instant.parse("2024-03-05T14:03:09.750Z")));
        assertEquals("01-Jan-1970 00:00:00 +0000", MessageItems.formatInternalDate(Instant.EPOCH));
        assertEquals("31-Dec-0999 23:59:59 +0000",
                MessageItems.formatInternalDate(Instant.parse("0999-12-31T23:59:59Z")));
    }

    @Test
    void internalDateMatchesTheJdkFormatterOverFourCenturies() {
        Random random = new Random(7);
        long from = Instant.parse("1800-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from)),
                    random.nextInt(1_000_000_000));
            assertEquals(RFC3501_DATE_TIME.format(instant), MessageItems.formatInternalDate(instant), instant::toString);
        }
    }

    @Test
    void internalDateOutsideFourDigitYearsFallsBackToTheJdkFormatter() {
        Instant far = Instant.parse("+12024-03-05T14:03:09Z");
        assertEquals(RFC3501_DATE_TIME.format(far), MessageItems.formatInternalDate(far));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'Message-ID: <a@example.org>\r\n\r\n'                         | <a@example.org>",
        "'message-id:<a@example.org>\n\n'                               | <a@example.org>",
        "'Message-ID:\r\n <folded@example.org>\r\n\r\n'                 | <folded@example.org>",
        "'Message-ID: <split\r\n\t@example.org>\r\n'                    | '<split @example.org>'",
        "'Message-ID: not-an-id  \r\n'                                  | not-an-id",
        "'Message-ID: junk <x@y> trailing\r\n'                          | <x@y>",
        "'Message-ID:   \r\n\r\n'                                       | ",
        "'\r\n'                                                          | ",
        "'X-Other: 1\r\nMessage-ID : <second@example.org>\r\n'          | <second@example.org>",
        "'Message-ID: <no-line-break@example.org>'                      | <no-line-break@example.org>",
        "'Message-ID: <cr\ronly@example.org>\r\n'                       | '<cr\ronly@example.org>'",
    })
    void messageIdIsReadFromTheFetchedHeader(String header, String expected) {
        assertEquals(expected, MessageItems.messageId(bytes(header.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void messageIdToleratesEightBitHeadersAndKeepsAtMost998Characters() {
        byte[] latin1 = "Message-ID: <caf\u00e9@example.org>\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("<caf\u00e9@example.org>", MessageItems.messageId(bytes(latin1)));
        String longId = "x".repeat(2000);
        assertEquals(998, MessageItems.messageId(bytes(("Message-ID: " + longId + "\r\n")
                .getBytes(StandardCharsets.US_ASCII))).length());
        assertNull(MessageItems.messageId(null));
        assertNull(MessageItems.messageId(bytes(new byte[0])));
    }

    /** The bytes inside a larger buffer, as Angus Mail hands them over. */
    private static ByteArray bytes(byte[] content) {
        byte[] buffer = new byte[content.length + 8];
        System.arraycopy(content, 0, buffer, 5, content.length);
        return new ByteArray(buffer, 5, content.length);
    }
}
