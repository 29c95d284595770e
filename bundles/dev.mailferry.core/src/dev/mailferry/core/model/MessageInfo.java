package dev.mailferry.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What the engine knows about one source message before reading its body.
 *
 * @param uid          the source's identifier within the folder (the IMAP UID); unique and increasing within one
 *                     {@code uidValidity}
 * @param size         the exact size in bytes of the raw RFC 822 message (IMAP RFC822.SIZE)
 * @param internalDate when the message arrived in the source mailbox (IMAP INTERNALDATE), preserved on the target
 * @param flags        flags and keywords
 * @param messageId    the Message-ID header value, or null when the message has none (such messages are copied too)
 * @param deleted      true when the source has the message flagged \Deleted (awaiting expunge)
 */
public record MessageInfo(long uid, long size, Instant internalDate, MessageFlags flags, String messageId, boolean deleted) {

    public MessageInfo {
        Objects.requireNonNull(internalDate, "internalDate");
        Objects.requireNonNull(flags, "flags");
    }

    /** The identity of this message's content on any store that preserved its bytes and internal date. */
    public MessageFingerprint fingerprint() {
        return new MessageFingerprint(size, internalDate, messageId);
    }
}
