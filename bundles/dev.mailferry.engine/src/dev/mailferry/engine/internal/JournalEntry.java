package dev.mailferry.engine.internal;

import dev.mailferry.core.model.MessageFingerprint;

/** A message that was about to be appended when the journal was written. */
public record JournalEntry(long uidValidity, long uid, MessageFingerprint fingerprint, String flags) {
}
