package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lane planning: which lane copies which folders. Folders larger than a lane's share of the mailbox are split into UID
 * ranges (parts) copied side by side; all source folders that go to the same target folder share a lane, so that a
 * target folder's checkpoint only ever covers appends journaled for it by that lane (recovery pairs arrivals with
 * journal entries by fingerprint, and without target UIDs two source folders could claim the same arrival). The parts
 * of a split folder are the one exception: they are one source folder with one checkpoint, so recovery sees them as
 * one.
 */
final class LanePlanner {

    /**
     * The largest folder that is split. Parallel appends into one folder cost some servers more the more the folder
     * holds (a Maildir folder is re-read by every session that sees another session's messages arrive), so that
     * beyond this size splitting costs more than it gains; such a folder is copied by one lane while the others copy
     * the rest of the mailbox. See bench/README.md, "Benchmark: scale".
     */
    static final long MAX_SPLIT_FOLDER_MESSAGES = 50_000;

    private final SyncStore store;
    private final int lanes;

    LanePlanner(SyncStore store, int lanes) {
        this.store = store;
        this.lanes = lanes;
    }

    /**
     * Splits each folder holding more than a lane's share of the mailbox into UID ranges copied by several lanes side
     * by side (a mailbox is often mostly its INBOX): first takes the folder's target checkpoint, which all its parts
     * share. A renumbered folder is not split (its messages are paired with those copied before as a whole), nor one
     * larger than {@link #MAX_SPLIT_FOLDER_MESSAGES}.
     */
    List<FolderWork> splitLargeFolders(SourceSession source, TargetSession target, List<FolderWork> work,
            Map<FolderWork, Long> counts, long messages) throws ConnectorException, StoreException {
        if (lanes < 2 || messages == 0) {
            return work;
        }
        Map<FolderPath, Integer> sourcesPerTarget = new HashMap<>();
        for (FolderWork w : work) {
            sourcesPerTarget.merge(w.record().target(), 1, Integer::sum);
        }
        List<FolderWork> result = new ArrayList<>();
        for (FolderWork w : work) {
            long count = counts.get(w);
            int parts = (int) Math.min(Math.min(lanes, count / MailboxSync.PAGE),
                    Math.max(2, Math.round((double) count * lanes / messages)));
            // source folders merged into one target folder keep to one lane (see #partition): those are not split
            if (parts < 2 || count * lanes <= messages || count > MAX_SPLIT_FOLDER_MESSAGES
                    || sourcesPerTarget.get(w.record().target()) > 1) {
                result.add(w);
                continue;
            }
            FolderRecord r = w.record();
            long[] splits;
            try (SourceFolderReader reader = source.openFolder(w.source())) {
                long uidValidity = reader.uidValidity();
                if (r.uidValidity() != 0 && r.uidValidity() != uidValidity) {
                    result.add(w);
                    continue;
                }
                splits = reader.splitPoints(parts);
                if (splits.length == 0) {
                    result.add(w);
                    continue;
                }
                if (r.uidValidity() == 0) {
                    store.changeUidValidity(r.id(), 0, uidValidity); // first pass: nothing to pair, only remembered
                    r = r.withUidValidity(uidValidity);
                }
            }
            int epoch;
            try (TargetFolderWriter out = target.openFolder(target.createFolder(r.target()))) {
                epoch = store.newCheckpoint(r.id(), out.checkpoint());
            }
            SplitFolder split = new SplitFolder(epoch, splits.length + 1);
            long from = 1;
            for (int i = 0; i <= splits.length; i++) {
                long to = i < splits.length ? splits[i] - 1 : Long.MAX_VALUE;
                FolderWork part = new FolderWork(w.source(), r, new Part(i, from, to, split));
                result.add(part);
                counts.put(part, count / (splits.length + 1));
                from = to + 1;
            }
        }
        return result;
    }

    /**
     * Groups folders by target folder and spreads the groups over the lanes, biggest first: by messages to copy when
     * the mailbox is planned ({@code messageCounts} null), by messages to scan ({@code messageCounts}) when each folder
     * is planned in its lane. Each part of a split folder
     * is a group of its own: the parts share a checkpoint taken for them all.
     */
    List<List<FolderWork>> partition(List<FolderWork> work, Map<FolderWork, Long> messageCounts)
            throws StoreException {
        Map<Object, List<FolderWork>> byTarget = new java.util.LinkedHashMap<>();
        Map<Object, Long> load = new HashMap<>();
        for (FolderWork w : work) {
            Object group = w.part() != null ? w.part() : w.record().target();
            byTarget.computeIfAbsent(group, t -> new ArrayList<>()).add(w);
            long size = messageCounts != null ? messageCounts.get(w)
                    : store.pendingCount(w.record().id(), w.record().uidValidity());
            load.merge(group, 1 + size, Long::sum);
        }
        int laneCount = (int) Math.max(1, Math.min(lanes, byTarget.size()));
        List<List<FolderWork>> result = new ArrayList<>();
        long[] laneLoad = new long[laneCount];
        for (int i = 0; i < laneCount; i++) {
            result.add(new ArrayList<>());
        }
        List<Object> targets = new ArrayList<>(byTarget.keySet());
        targets.sort((a, b) -> Long.compare(load.get(b), load.get(a)));
        for (Object t : targets) {
            int lightest = 0;
            for (int i = 1; i < laneCount; i++) {
                if (laneLoad[i] < laneLoad[lightest]) {
                    lightest = i;
                }
            }
            result.get(lightest).addAll(byTarget.get(t));
            laneLoad[lightest] += load.get(t);
        }
        // within a lane, keep the source's order (parents before children)
        Map<FolderWork, Integer> order = new IdentityHashMap<>();
        for (int i = 0; i < work.size(); i++) {
            order.put(work.get(i), i);
        }
        for (List<FolderWork> lane : result) {
            lane.sort(java.util.Comparator.comparingInt(order::get));
        }
        return result;
    }

    /**
     * One UID range {@code [fromUid, toUid]} of a large folder that several lanes copy side by side. The parts share
     * one target checkpoint, taken before any of them appends, so that recovery sees every part's appends.
     */
    static final class Part {
        final int index;
        final long fromUid;
        final long toUid;
        final SplitFolder folder;

        Part(int index, long fromUid, long toUid, SplitFolder folder) {
            this.index = index;
            this.fromUid = fromUid;
            this.toUid = toUid;
            this.folder = folder;
        }
    }

    /** What the parts of one split folder share: its checkpoint's epoch, and who finishes the folder as a whole. */
    static final class SplitFolder {
        final int epoch;
        private final AtomicInteger unfinished;
        private volatile boolean incomplete;

        SplitFolder(int epoch, int parts) {
            this.epoch = epoch;
            this.unfinished = new AtomicInteger(parts);
        }

        /**
         * Called once by each part when it ends ({@code whole} = scanned to its end); true for the last one to end. When
         * every part was scanned whole, that one finishes the folder (vanished messages, skips, flag changes).
         */
        boolean partEnded(boolean whole) {
            if (!whole) {
                incomplete = true;
            }
            return unfinished.decrementAndGet() == 0;
        }

        boolean scannedWhole() {
            return !incomplete;
        }
    }
}
