package dev.mailferry.core.model;

import java.time.Instant;

/**
 * Identifies a copied message without its UID: the byte size and internal date (both preserved exactly by a copy)
 * and the Message-ID (may be null). Used to find out after a crash which in-flight messages the target had already
 * accepted, and to re-pair messages when a source folder's UIDVALIDITY changes.
 */
public record MessageFingerprint(long size, Instant internalDate, String messageId) {

    /** Internal dates have one-second precision in IMAP; compare on that. */
    public MessageFingerprint {
        internalDate = Instant.ofEpochSecond(internalDate.getEpochSecond());
        messageId = messageId == null || messageId.isBlank() ? null : messageId.trim();
    }
}
