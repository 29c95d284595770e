package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;

/**
 * One source folder's state after the last pass.
 *
 * @param emailAddress the mailbox
 * @param source       the source folder
 * @param target       where its messages go
 * @param copied       messages recorded as copied, over all passes
 * @param skipped      messages skipped in the last pass
 * @param failed       messages failed in the last pass
 * @param bytes        bytes copied, over all passes
 * @param vanished     messages copied earlier that are no longer on the source
 * @param note         why the folder itself was not processed (excluded, failed, gone from the source), what happened to
 *                     it (renamed on the source), and how many of its messages were already on the target; else null
 * @param alreadyOnTarget messages among {@code copied} that the target held before the engine wrote to the folder, so
 *                     they were recorded as copied instead of being copied again
 * @param readBack     what reading the target folder back found after the last complete pass, or null when it was not
 *                     read back (the target cannot count its messages, or no pass completed since)
 */
public record FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
        long failed, long bytes, long vanished, String note, long alreadyOnTarget, ReadBack readBack) {

    /**
     * The target folder held {@code onTarget} messages while {@code recorded} were recorded as copied into it (by this
     * and any other source folder that goes there); more on the target is normal (mail of its own).
     */
    public record ReadBack(long onTarget, long recorded) {
        /** Messages recorded as copied that the target folder does not hold; 0 when none is missing. */
        public long missing() {
            return Math.max(0, recorded - onTarget);
        }
    }

    public FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
            long failed, long bytes, long vanished, String note, long alreadyOnTarget) {
        this(emailAddress, source, target, copied, skipped, failed, bytes, vanished, note, alreadyOnTarget, null);
    }

    public FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
            long failed, long bytes, long vanished, String note) {
        this(emailAddress, source, target, copied, skipped, failed, bytes, vanished, note, 0);
    }
}
