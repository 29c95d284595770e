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
 * @param note         why the folder itself was not processed (excluded, failed), else null
 */
public record FolderStatus(String emailAddress, FolderPath source, FolderPath target, long copied, long skipped,
        long failed, long bytes, long vanished, String note) {
}
