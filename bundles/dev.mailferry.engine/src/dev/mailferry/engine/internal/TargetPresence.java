package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.MigrationListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages already on the target: those the target folders held before this mailbox's first copy into them (another
 * tool, an earlier project, the user). A source message with the same fingerprint is recorded as copied instead of
 * being copied again.
 */
final class TargetPresence {

    /** Nothing found on the target (before the pass looked, or no folder to look in). */
    static final TargetPresence NONE = new TargetPresence(null, Map.of());

    private final SyncStore store;
    private final Map<FolderPath, Presence> byTarget;

    private TargetPresence(SyncStore store, Map<FolderPath, Presence> byTarget) {
        this.store = store;
        this.byTarget = byTarget;
    }

    static MessageFingerprint fingerprint(MessageInfo m) {
        return new MessageFingerprint(m.size(), m.internalDate(), m.messageId());
    }

    /** Whether the target folder held messages of its own when the pass began. */
    boolean holdsMessagesOfItsOwn(FolderPath target) {
        return byTarget.containsKey(target);
    }

    /** Tells the listener, per target folder, how many source messages were found there already. */
    void reportFound(String email, MigrationListener listener) {
        for (Presence p : byTarget.values()) {
            long found = p.found.get();
            if (found > 0) {
                listener.notice(email, found + (found == 1 ? " message" : " messages") + " of the target folder "
                        + p.target + " " + (found == 1 ? "was" : "were") + " already on the target and "
                        + (found == 1 ? "is" : "are") + " recorded as copied, not copied again");
            }
        }
    }

    /**
     * Reads the messages of each existing target folder that a folder of {@code records} goes to for the first time (its
     * record was never checked, see {@link FolderRecord#presenceChecked()}): one paged FETCH of fingerprints per target
     * folder, none for a folder the target does not have, nothing at all on later passes. Messages this mailbox put there
     * itself (recorded target ids; recovery has already recorded those in flight) do not count. {@code checked} receives
     * the ids of the records looked at, to be marked once the pass has gone through them all.
     */
    static TargetPresence find(SyncStore store, String email, TargetSession target, List<TargetFolder> targetFolders,
            List<FolderRecord> records, List<Long> checked) throws ConnectorException, StoreException {
        Map<FolderPath, TargetFolder> existing = new HashMap<>();
        for (TargetFolder t : targetFolders) {
            existing.put(t.path(), t);
        }
        Map<FolderPath, Presence> result = new HashMap<>();
        java.util.Set<FolderPath> read = new java.util.HashSet<>();
        for (FolderRecord r : records) {
            if (r.presenceChecked()) {
                continue;
            }
            checked.add(r.id());
            TargetFolder folder = existing.get(r.target());
            if (folder == null || !read.add(r.target())) {
                continue;
            }
            java.util.Set<String> ours = store.recordedTargetIds(email, r.target());
            Map<MessageFingerprint, Deque<TargetFolderWriter.AppendedMessage>> byFingerprint = new HashMap<>();
            try (TargetFolderWriter writer = target.openFolder(folder)) {
                writer.existingMessages(m -> {
                    if (m.targetId() == null || !ours.contains(m.targetId())) {
                        byFingerprint.computeIfAbsent(m.fingerprint(), f -> new ArrayDeque<>()).add(m);
                    }
                });
            }
            if (!byFingerprint.isEmpty()) {
                result.put(r.target(), new Presence(r.target(), byFingerprint));
            }
        }
        return new TargetPresence(store, result);
    }

    /**
     * Records the messages of {@code page} that the target folder already held as copied ("already on the target") and
     * returns the others, which are to be copied. Committed before the others are journaled: those found are on the
     * target whatever happens to the copy. They are recorded with their flags on the target, so that the flag sync
     * brings those that differ in line with the source, as for any copied message.
     */
    List<MessageInfo> withoutPresent(FolderRecord r, long uidValidity, List<MessageInfo> page)
            throws StoreException {
        Presence p = byTarget.get(r.target());
        if (p == null || page.isEmpty()) {
            return page;
        }
        List<MessageInfo> rest = new ArrayList<>(page.size());
        try (SyncStore.Recorder recorder = store.recorder()) {
            for (MessageInfo m : page) {
                TargetFolderWriter.AppendedMessage there = p.take(fingerprint(m));
                if (there == null) {
                    rest.add(m);
                } else {
                    MessageInfo recorded = there.flags() == null ? m : new MessageInfo(m.uid(), m.size(),
                            m.internalDate(), there.flags(), m.messageId(), m.deleted());
                    recorder.alreadyOnTarget(r.id(), uidValidity, recorded, there.targetId());
                }
            }
            recorder.commit();
        }
        return rest;
    }

    /**
     * The messages of one target folder that the engine did not put there (another tool, an earlier project, the
     * user), by fingerprint with multiplicity: each one stands for at most one source message. Shared by the source
     * folders going to that folder and by the parts of a split folder (lanes take from it at once).
     */
    private static final class Presence {
        final FolderPath target;
        private final Map<MessageFingerprint, Deque<TargetFolderWriter.AppendedMessage>> byFingerprint;
        final AtomicLong found = new AtomicLong();

        Presence(FolderPath target, Map<MessageFingerprint, Deque<TargetFolderWriter.AppendedMessage>> byFingerprint) {
            this.target = target;
            this.byFingerprint = byFingerprint;
        }

        /** A target message with this fingerprint, taken; null when none is left. */
        synchronized TargetFolderWriter.AppendedMessage take(MessageFingerprint fingerprint) {
            Deque<TargetFolderWriter.AppendedMessage> messages = byFingerprint.get(fingerprint);
            if (messages == null || messages.isEmpty()) {
                return null;
            }
            found.incrementAndGet();
            return messages.poll();
        }
    }
}
