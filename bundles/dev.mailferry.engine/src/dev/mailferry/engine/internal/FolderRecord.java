package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;

/**
 * Sync state of one source folder of one mailbox.
 *
 * @param id          database key
 * @param email       the mailbox
 * @param source      the source folder
 * @param target      the target folder its messages go to
 * @param uidValidity the source UIDVALIDITY the message map refers to, 0 before the first scan
 * @param checkpoint  the target folder checkpoint taken before the latest appends, null before any
 * @param epoch       increases with every checkpoint; copied messages are recorded with the epoch they were appended in
 * @param presenceChecked true once a whole pass has looked for the source's messages among those the target folder
 *                    already held (before the engine wrote to it); until then each pass looks again
 */
public record FolderRecord(long id, String email, FolderPath source, FolderPath target, long uidValidity,
        String checkpoint, int epoch, boolean presenceChecked) {

    public FolderRecord withUidValidity(long newUidValidity) {
        return new FolderRecord(id, email, source, target, newUidValidity, checkpoint, epoch, presenceChecked);
    }
}
