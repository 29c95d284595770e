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
 */
public record FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
        long failed, long bytes, long vanished, String note, long alreadyOnTarget) {

    public FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
            long failed, long bytes, long vanished, String note) {
        this(emailAddress, source, target, copied, skipped, failed, bytes, vanished, note, 0);
    }
}
