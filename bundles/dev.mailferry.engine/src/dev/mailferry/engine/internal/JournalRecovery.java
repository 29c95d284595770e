package dev.mailferry.engine.internal;

import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.MigrationListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Crash recovery, the first step of a pass after planning: settles the messages a previous run was appending when it
 * stopped (its journal entries), so that none is appended twice and none is taken for copied without being there.
 */
final class JournalRecovery {

    private final SyncStore store;
    private final String email;
    private final MigrationListener listener;

    JournalRecovery(SyncStore store, String email, MigrationListener listener) {
        this.store = store;
        this.email = email;
        this.listener = listener;
    }

    /**
     * For every folder with journal entries (messages that were being appended when the last run stopped), asks the
     * target what arrived since the checkpoint taken before those appends and records as copied each journal entry
     * whose fingerprint is there (with multiplicity), so it is not appended twice. The others were not appended.
     */
    void recover(TargetSession target, List<TargetFolder> targetFolders) throws StoreException, ConnectorException {
        List<Long> folderIds = store.foldersWithJournal(email);
        if (folderIds.isEmpty()) {
            return;
        }
        Map<Long, FolderRecord> records = new HashMap<>();
        for (FolderRecord r : store.folders(email)) {
            records.put(r.id(), r);
        }
        for (long folderId : folderIds) {
            FolderRecord record = records.get(folderId);
            List<JournalEntry> entries = store.journalEntries(folderId);
            Map<MessageFingerprint, Deque<String>> arrived = new HashMap<>();
            TargetFolder targetFolder = targetFolders.stream().filter(t -> t.path().equals(record.target())).findFirst()
                    .orElse(null);
            // no checkpoint or no folder: the writer never reached this folder, so nothing of it was appended
            if (record.checkpoint() != null && targetFolder != null) {
                List<TargetFolderWriter.AppendedMessage> appended;
                try (TargetFolderWriter writer = target.openFolder(targetFolder)) {
                    appended = writer.appendedSince(record.checkpoint());
                }
                Map<MessageFingerprint, Integer> recordedWithoutId = new HashMap<>();
                for (MessageFingerprint f : store.copiedWithoutTargetId(folderId, record.epoch())) {
                    recordedWithoutId.merge(f, 1, Integer::sum);
                }
                for (TargetFolderWriter.AppendedMessage a : appended) {
                    if (a.targetId() != null ? store.isTargetIdRecorded(email, a.targetId())
                            : recordedWithoutId.merge(a.fingerprint(), -1, Integer::sum) >= 0) {
                        continue; // recorded already: not one of the in-flight messages
                    }
                    arrived.computeIfAbsent(a.fingerprint(), f -> new ArrayDeque<>()).add(a.targetId() == null ? ""
                            : a.targetId());
                }
            }
            long found = 0;
            try (SyncStore.Recorder recorder = store.recorder()) {
                for (JournalEntry e : entries) {
                    Deque<String> ids = arrived.get(e.fingerprint());
                    MessageInfo info = new MessageInfo(e.uid(), e.fingerprint().size(), e.fingerprint().internalDate(),
                            MessageFlags.parse(e.flags()), e.fingerprint().messageId(), false);
                    if (ids != null && !ids.isEmpty()) {
                        String id = ids.poll();
                        recorder.copied(folderId, e.uidValidity(), info, id.isEmpty() ? null : id, record.epoch());
                        found++;
                    } else {
                        recorder.unjournal(folderId, e.uidValidity(), e.uid());
                    }
                }
                recorder.commit();
            }
            if (!entries.isEmpty()) {
                listener.notice(email, "Resumed " + record.source() + " after an interruption: " + found + " of "
                        + entries.size() + " messages in flight had reached the target and are recorded as copied");
            }
        }
    }
}
