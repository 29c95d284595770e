package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.FolderStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The per-folder part of the state store, for one pass over a mailbox: folder records and their source states, the
 * scan and what it plans, the append journal and target checkpoints, the recorded outcomes and flag changes. The
 * project-wide part is {@link ProjectStore}'s.
 */
public interface SyncStore {

    /** The reason recorded with a copied message that the target already held, so it was not copied again. */
    String ALREADY_ON_TARGET = "already on the target";

    // folders
    /**
     * The folder's record, created (with {@code target}) when missing; the target path is updated when it changed (and
     * the new target folder is then looked at for messages it already holds, as for a new record).
     */
    FolderRecord folder(String email, FolderPath source, FolderPath target) throws StoreException;

    List<FolderRecord> folders(String email) throws StoreException;

    void setFolderNote(long folderId, String note) throws StoreException;

    /**
     * The source folder's state (as the engine encodes it) when its last complete pass began, with everything up to it
     * recorded; null when there is none. An equal state later means the folder can be passed over.
     */
    String sourceState(long folderId) throws StoreException;

    /** Records (or, with null, forgets) the source state a complete pass of the folder began with. */
    void setSourceState(long folderId, String state) throws StoreException;

    /** The mailbox's folders with messages to try again (failed, refused as too large) or an append journal. */
    java.util.Set<Long> foldersWithUnfinishedMessages(String email) throws StoreException;

    /**
     * How many messages are recorded as being on the target (copied, also those since gone from the source), by target
     * folder; folders with none are left out.
     */
    Map<FolderPath, Long> recordedOnTarget(String email) throws StoreException;

    /**
     * What reading the target back after a pass found: the target folder {@code target} held {@code onTarget} messages
     * while {@code recorded} were recorded as copied there. Kept for the reports until the next read-back.
     */
    void recordReadBack(String email, FolderPath target, long onTarget, long recorded) throws StoreException;

    /**
     * The source folder of a record was renamed to {@code newSource} (no record has that path yet): the record, with its
     * message map and checkpoint, now stands for the new path and goes to {@code newTarget}; {@code renamedFrom} is kept
     * for the reports.
     */
    void renameFolder(long folderId, FolderPath newSource, FolderPath newTarget, String renamedFrom)
            throws StoreException;

    /**
     * A target folder was renamed with its subfolders: the mailbox's records whose target lies at or below
     * {@code oldTarget} now point below {@code newTarget}.
     */
    void retargetFolders(String email, FolderPath oldTarget, FolderPath newTarget) throws StoreException;

    /** Copied messages of a folder under {@code uidValidity} (UID and fingerprint), in UID order: to recognise a rename. */
    List<MessageInfo> copiedMessages(long folderId, long uidValidity) throws StoreException;

    /** Target ids of the messages (copied or vanished since) that the mailbox's folders put into {@code target}. */
    java.util.Set<String> recordedTargetIds(String email, FolderPath target) throws StoreException;

    /** Remembers that a whole pass looked for these folders' messages on the target (see {@link FolderRecord}). */
    void markPresenceChecked(Collection<Long> folderIds) throws StoreException;

    /** Stores a fresh target checkpoint and returns the new epoch. */
    int newCheckpoint(long folderId, String checkpoint) throws StoreException;

    /**
     * The source UIDVALIDITY changed (or is seen for the first time): pairs the scanned messages with recorded ones by
     * fingerprint, with multiplicity, moves the pairs to the new UIDs, and marks recorded messages without a partner
     * vanished. Returns the number of pairs.
     */
    long changeUidValidity(long folderId, long oldUidValidity, long newUidValidity) throws StoreException;

    // scan
    /** Records a new scan of the folder, replacing the previous one. */
    default ScanWriter scanWriter(long folderId) throws StoreException {
        return scanWriter(folderId, 0, Long.MAX_VALUE);
    }

    /**
     * Records a new scan of the UIDs {@code [fromUid, toUid]} of the folder, replacing the previous one of that range
     * only: a folder split into UID ranges is scanned by several lanes at once.
     */
    ScanWriter scanWriter(long folderId, long fromUid, long toUid) throws StoreException;

    /**
     * Applies the item limit to a whole scanned mailbox (beyond the {@code maxItems} newest, messages are skipped) and
     * records its skips, those the scan decided included, replacing the previous skip records of the mailbox.
     */
    void planItemLimit(String email, long maxItems) throws StoreException;

    /**
     * Records the skips of one folder as its scan decided them (the reasons given to {@link ScanWriter#add}), replacing
     * its previous skip records: for a mailbox within the item limit, whose folders are planned one by one.
     */
    void recordFolderSkips(long folderId) throws StoreException;

    /** Forgets the skip records of the mailbox's folders other than {@code folderIds} (excluded or gone since). */
    void retainSkips(String email, Collection<Long> folderIds) throws StoreException;

    /** Messages scanned and neither copied nor skipped, with UID above {@code afterUid}, in UID order. */
    default List<MessageInfo> pendingCopies(long folderId, long uidValidity, long afterUid, int limit)
            throws StoreException {
        return pendingCopies(folderId, uidValidity, afterUid, Long.MAX_VALUE, limit);
    }

    /** As {@link #pendingCopies(long, long, long, int)}, with UID at most {@code toUid}. */
    List<MessageInfo> pendingCopies(long folderId, long uidValidity, long afterUid, long toUid, int limit)
            throws StoreException;

    /** Number of messages {@link #pendingCopies} will return for one folder. */
    long pendingCount(long folderId, long uidValidity) throws StoreException;

    /** Count and bytes of the messages {@link #pendingCopies} will return for one folder. */
    long[] pendingTotals(long folderId, long uidValidity) throws StoreException;

    /** Count and bytes of the messages {@link #pendingCopies} will return, for the whole mailbox. */
    long[] pendingTotals(String email) throws StoreException;

    /** Copied messages whose source flags differ from the flags last synced: target id and the new source flags. */
    List<FlagChange> flagChanges(long folderId, long uidValidity, long afterUid, int limit) throws StoreException;

    /** Marks copied messages that are no longer in the scan as vanished; returns how many. */
    long markVanished(long folderId, long uidValidity) throws StoreException;

    /**
     * A pass that read only what changed since the last one (see {@link #recordScannedSkips}): marks the copied messages
     * with a UID in one of {@code uidRanges} ({@code {from, to}}, inclusive), which the source said are gone, as vanished
     * unless this pass scanned them, and forgets their failures and skips as a full scan would; returns how many copied
     * messages it marked.
     */
    long markVanished(long folderId, long uidValidity, List<long[]> uidRanges) throws StoreException;

    /**
     * Mirror deletion: the folder's messages recorded as vanished from the source that have a target id, after
     * {@code after} (null: from the first) in the order of {@link VanishedCopy#after}, at most {@code limit}.
     */
    List<VanishedCopy> vanishedCopies(long folderId, VanishedCopy after, int limit) throws StoreException;

    /** Records that the target copies of these vanished messages were deleted (mirror deletion); returns how many. */
    long markDeletedOnTarget(long folderId, List<VanishedCopy> deleted) throws StoreException;

    /**
     * As {@link #recordFolderSkips} for a pass that scanned only the folder's changed and new messages: their skip
     * records are replaced by what the scan decided, the other messages' skip records stay as they are.
     */
    void recordScannedSkips(long folderId) throws StoreException;

    /** Skip records of one folder with UID above {@code afterUid}, in UID order, to report them as events. */
    List<SkipRecord> skips(long folderId, long uidValidity, long afterUid, int limit) throws StoreException;

    /** Forgets the scan of every folder of the mailbox: each pass scans afresh, and folders gone or excluded since
     * must not count. */
    void clearScan(String email) throws StoreException;

    // journal
    void journal(long folderId, long uidValidity, List<MessageInfo> messages) throws StoreException;

    List<JournalEntry> journalEntries(long folderId) throws StoreException;

    /** Ids of the folders of a mailbox that have journal entries. */
    List<Long> foldersWithJournal(String email) throws StoreException;

    /** True when some folder of the mailbox has a copied message recorded with this target id. */
    boolean isTargetIdRecorded(String email, String targetId) throws StoreException;

    /** Fingerprints of the messages recorded in the given epoch without a target id (they cannot be told apart by id). */
    List<dev.mailferry.core.model.MessageFingerprint> copiedWithoutTargetId(long folderId, int epoch) throws StoreException;

    // recording
    Recorder recorder() throws StoreException;

    /** The folder's counts and note, for the events that report it finished. */
    FolderStatus folderStatus(long folderId) throws StoreException;

    /** Bulk insert of scanned message metadata; commits on close. */
    interface ScanWriter extends AutoCloseable {
        /** Adds a scanned message; {@code skipReason} is null for a message to copy. */
        void add(MessageInfo message, String skipReason) throws StoreException;

        /** Makes what was added so far visible to the other queries (pending copies). */
        void commit() throws StoreException;

        @Override
        void close() throws StoreException;
    }

    /** A change of flags to push to the target. */
    record FlagChange(long uid, String targetId, String flags) {
    }

    /** A message gone from the source whose copy the target holds under {@code targetId}. */
    record VanishedCopy(long uidValidity, long uid, String targetId) {
        /** True when this one comes after {@code other} in the order of {@link #vanishedCopies}. */
        boolean after(VanishedCopy other) {
            return other == null || uidValidity > other.uidValidity
                    || uidValidity == other.uidValidity && uid > other.uid;
        }
    }

    /** A message skipped by planning. */
    record SkipRecord(MessageInfo message, String reason) {
    }

    /**
     * Records outcomes in one transaction at a time; used by one thread. Nothing is durable before {@link #commit()}.
     */
    interface Recorder extends AutoCloseable {
        void copied(long folderId, long uidValidity, MessageInfo message, String targetId, int epoch) throws StoreException;

        /** The target already held this message before the engine wrote to the folder: copied, not appended again. */
        void alreadyOnTarget(long folderId, long uidValidity, MessageInfo message, String targetId) throws StoreException;

        void failed(long folderId, long uidValidity, MessageInfo message, String reason) throws StoreException;

        void skipped(long folderId, long uidValidity, MessageInfo message, String reason) throws StoreException;

        /** The target refused the message as too large: skipped, with the target's reason, and tried again next pass. */
        void tooLargeForTarget(long folderId, long uidValidity, MessageInfo message, String reason) throws StoreException;

        void flagsSynced(long folderId, long uidValidity, long uid, String flags) throws StoreException;

        /** Removes a journal entry without an outcome (the message was not appended). */
        void unjournal(long folderId, long uidValidity, long uid) throws StoreException;

        int pending();

        void commit() throws StoreException;

        void rollback();

        @Override
        void close();
    }
}
