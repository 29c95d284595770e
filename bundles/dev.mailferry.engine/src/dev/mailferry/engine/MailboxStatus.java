package dev.mailferry.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * One mailbox's progress in a batch.
 *
 * @param emailAddress the mailbox
 * @param state        where it stands
 * @param copied       messages on the target recorded as copied, over all passes
 * @param skipped      messages skipped in the last pass (each with a reason in the detail report)
 * @param failed       messages the target refused or that could not be read in the last pass
 * @param bytes        bytes of the copied messages, over all passes
 * @param vanished     messages copied earlier that have since disappeared from the source (kept on the target)
 * @param lastPassCopied messages copied by the last pass
 * @param lastPassDuration duration of the last pass for this mailbox, zero before the first
 * @param lastPassThrottled how long the last pass waited because the target asked to slow down (throttling)
 * @param lastError    why the last pass failed, null when it did not
 * @param lastSyncEnd  end of the last pass, null before the first
 */
public record MailboxStatus(String emailAddress, MailboxState state, long copied, long skipped, long failed, long bytes,
        long vanished, long lastPassCopied, Duration lastPassDuration, Duration lastPassThrottled, String lastError,
        Instant lastSyncEnd) {
}
