package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaildirModifiedUtf7Test {

    /** Expected forms as printed by {@code doveadm mailbox mutf7}. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INBOX|INBOX",
            "Customer Feedback|Customer Feedback",
            "R&D|R&-D",
            "Entwürfe Ä|Entw&APw-rfe &AMQ-",
            "Проекты|&BB8EQAQ+BDUEOgRCBEs-",
            "日本語|&ZeVnLIqe-",
            "~peter/mail/台北/日本語|~peter/mail/&U,BTFw-/&ZeVnLIqe-",
            "a😀b|a&2D3eAA-b" })
    void encodesAsDovecotDoesAndDecodesBack(String name, String encoded) {
        assertEquals(encoded, MaildirModifiedUtf7.encode(name));
        assertEquals(name, MaildirModifiedUtf7.decode(encoded));
    }

    @ParameterizedTest
    @CsvSource({ "&ZeVnLIqe", "&Ze!-" })
    void rejectsBrokenEncodings(String encoded) {
        assertThrows(IllegalArgumentException.class, () -> MaildirModifiedUtf7.decode(encoded));
    }
}
