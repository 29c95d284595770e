package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.internal.FolderPlanner.PlannedFolder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises source folders renamed since the last pass, follows them on the target, and reports the folders that
 * are gone from the source without a rename.
 *
 * <p>A folder is taken for renamed when a recorded folder is no longer on the source and a source folder without a
 * record holds its copied messages: with the same UIDVALIDITY (a server's RENAME keeps it), more than half of the
 * recorded messages are there under the same UID with the same fingerprint; renumbered (another UIDVALIDITY, e.g.
 * copied into a new folder and deleted), at least two thirds of them are found by fingerprint (with multiplicity).
 * Only then are the new folders scanned, so a pass without a vanished folder costs nothing. The record then stands
 * for the new path, with its message map and checkpoint: nothing is copied again (a renumbered folder is paired by
 * fingerprint as usual), and the target folder is renamed to the new folder's planned target (with its subfolders,
 * which the source renamed along). The target folder keeps its old name, and the new messages go there, when the new
 * name exists on the target or another folder goes there, when it is INBOX or has a special use, when the batch's
 * folder mapping put it there and does not map the new name, when a folder still on the source has a target below it,
 * or when the target refuses the rename; the notice and the note say so.
 */
final class FolderRenames {

    private final SyncStore store;
    private final String email;
    private final BatchOptions options;
    private final MigrationListener listener;
    private final SourceSession source;
    private final TargetSession target;
    private final List<SourceFolder> sourceFolders;
    private List<TargetFolder> targetFolders;
    private final List<PlannedFolder> plan;
    private final Map<Long, FolderRecord> records = new java.util.LinkedHashMap<>();
    private final List<FolderRecord> gone = new ArrayList<>();

    FolderRenames(SyncStore store, String email, BatchOptions options, MigrationListener listener,
            SourceSession source, TargetSession target, List<SourceFolder> sourceFolders,
            List<TargetFolder> targetFolders, List<FolderRecord> records, List<PlannedFolder> plan) {
        this.store = store;
        this.email = email;
        this.options = options;
        this.listener = listener;
        this.source = source;
        this.target = target;
        this.sourceFolders = sourceFolders;
        this.targetFolders = targetFolders;
        this.plan = new ArrayList<>(plan);
        java.util.Set<FolderPath> onSource = new java.util.HashSet<>();
        for (SourceFolder f : sourceFolders) {
            if (f.selectable()) {
                onSource.add(f.path());
            }
        }
        for (FolderRecord r : records) {
            this.records.put(r.id(), r);
            if (!onSource.contains(r.source())) {
                gone.add(r);
            }
        }
    }

    /** The target's folders, listed again after a target folder was renamed. */
    List<TargetFolder> targetFolders() {
        return targetFolders;
    }

    /** The plan, with the targets of renamed folders whose target folder kept its name. */
    List<PlannedFolder> follow() throws ConnectorException, StoreException {
        if (gone.isEmpty()) {
            return plan;
        }
        java.util.Set<FolderPath> recorded = new java.util.HashSet<>();
        for (FolderRecord r : records.values()) {
            recorded.add(r.source());
        }
        if (plan.stream().noneMatch(p -> p.copied() && !recorded.contains(p.source().path()))) {
            return plan; // no new folder: nothing was renamed
        }
        Map<Long, List<MessageInfo>> copiedByGone = new java.util.LinkedHashMap<>();
        for (FolderRecord r : gone) {
            List<MessageInfo> copiedMessages = store.copiedMessages(r.id(), r.uidValidity());
            if (!copiedMessages.isEmpty()) {
                copiedByGone.put(r.id(), copiedMessages);
            }
        }
        for (int i = 0; i < plan.size() && !copiedByGone.isEmpty(); i++) {
            PlannedFolder p = plan.get(i);
            if (!p.copied() || recorded.contains(p.source().path())) {
                continue;
            }
            Long renamedId = renamedFrom(p.source(), copiedByGone);
            if (renamedId != null) {
                copiedByGone.remove(renamedId);
                plan.set(i, followRename(records.get(renamedId), p));
            }
        }
        return plan;
    }

    /** The id of the gone folder whose copied messages {@code folder} holds, or null. */
    private Long renamedFrom(SourceFolder folder, Map<Long, List<MessageInfo>> copiedByGone)
            throws ConnectorException {
        long count = source.messageCount(folder);
        if (count == 0) {
            return null;
        }
        Map<Long, long[]> matches = new HashMap<>(); // gone id -> {matches}
        Map<Long, Map<Long, MessageFingerprint>> byUid = new HashMap<>();
        Map<Long, Map<MessageFingerprint, Integer>> byFingerprint = new HashMap<>();
        long uidValidity;
        try (SourceFolderReader reader = source.openFolder(folder)) {
            uidValidity = reader.uidValidity();
            for (Map.Entry<Long, List<MessageInfo>> e : copiedByGone.entrySet()) {
                if (count * 2 <= e.getValue().size()) {
                    continue; // too few messages for either rule
                }
                matches.put(e.getKey(), new long[1]);
                if (records.get(e.getKey()).uidValidity() == uidValidity) {
                    Map<Long, MessageFingerprint> m = new HashMap<>();
                    e.getValue().forEach(c -> m.put(c.uid(), TargetPresence.fingerprint(c)));
                    byUid.put(e.getKey(), m);
                } else {
                    Map<MessageFingerprint, Integer> m = new HashMap<>();
                    e.getValue().forEach(c -> m.merge(TargetPresence.fingerprint(c), 1, Integer::sum));
                    byFingerprint.put(e.getKey(), m);
                }
            }
            if (matches.isEmpty()) {
                return null;
            }
            reader.scanMessages(1, Long.MAX_VALUE, m -> {
                MessageFingerprint f = TargetPresence.fingerprint(m);
                byUid.forEach((id, uids) -> {
                    if (f.equals(uids.get(m.uid()))) {
                        matches.get(id)[0]++;
                    }
                });
                byFingerprint.forEach((id, fingerprints) -> {
                    Integer left = fingerprints.get(f);
                    if (left != null && left > 0) {
                        fingerprints.put(f, left - 1);
                        matches.get(id)[0]++;
                    }
                });
            });
        }
        Long best = null;
        long bestMatches = 0;
        for (Map.Entry<Long, long[]> e : matches.entrySet()) {
            long recorded = copiedByGone.get(e.getKey()).size();
            long n = e.getValue()[0];
            boolean renamed = byUid.containsKey(e.getKey()) ? n * 2 > recorded : n * 3 >= recorded * 2;
            if (renamed && n > bestMatches) {
                best = e.getKey();
                bestMatches = n;
            }
        }
        return best;
    }

    /** Moves the gone folder's record to the new folder and follows on the target; returns the folder's plan. */
    private PlannedFolder followRename(FolderRecord old, PlannedFolder renamed) throws ConnectorException,
            StoreException {
        FolderPath oldTarget = old.target();
        FolderPath newTarget = renamed.target();
        String kept = null;
        TargetFolder oldFolder = find(oldTarget);
        if (!newTarget.equals(oldTarget) && oldFolder != null) {
            kept = whyTargetKeepsItsName(old, oldFolder, renamed);
            if (kept == null) {
                try {
                    newTarget = target.renameFolder(oldFolder, newTarget).path();
                } catch (ConnectorException e) {
                    if (e.kind() == ConnectorException.Kind.CONNECTION) {
                        throw e;
                    }
                    kept = "the target refused to rename it: " + e.getMessage();
                }
            }
        }
        String note = "renamed on the source from " + old.source();
        String notice = "The source folder " + old.source() + " was renamed to " + renamed.source().path() + ": its "
                + store.folderStatus(old.id()).copied() + " copied messages are not copied again";
        if (kept != null) {
            newTarget = oldTarget;
            note += "; its messages stay in the target folder " + oldTarget + " (" + kept + ")";
            notice += "; they stay in the target folder " + oldTarget + ", where its new messages go too, as "
                    + kept;
        } else if (!newTarget.equals(oldTarget) && oldFolder != null) {
            store.retargetFolders(email, oldTarget, newTarget);
            targetFolders = target.listFolders();
            for (FolderRecord r : store.folders(email)) {
                records.put(r.id(), r);
            }
            note += "; the target folder was renamed from " + oldTarget;
            notice += "; the target folder " + oldTarget + " was renamed to " + newTarget;
        }
        store.renameFolder(old.id(), renamed.source().path(), newTarget, note);
        // its recorded state was the old folder's: the next look at it reads every message
        store.setSourceState(old.id(), null);
        records.put(old.id(), new FolderRecord(old.id(), email, renamed.source().path(), newTarget,
                old.uidValidity(), old.checkpoint(), old.epoch(), old.presenceChecked()));
        gone.removeIf(r -> r.id() == old.id());
        listener.notice(email, notice);
        return new PlannedFolder(renamed.source(), newTarget, null);
    }

    /** Why the target folder of a renamed folder is not renamed along, or null when it is. */
    private String whyTargetKeepsItsName(FolderRecord old, TargetFolder oldFolder, PlannedFolder renamed) {
        FolderPath newTarget = renamed.target();
        if (oldFolder.path().isInbox() || oldFolder.specialUse() != null
                && oldFolder.specialUse() != dev.mailferry.core.model.SpecialUse.NONE) {
            return "the target gives it a special use";
        }
        if (find(newTarget) != null) {
            return "the target already has a folder " + newTarget;
        }
        if (FolderPlanner.isMapped(old.source(), options.folderMapping())
                && !FolderPlanner.isMapped(renamed.source().path(), options.folderMapping())) {
            return "the batch's folder mapping put it there";
        }
        for (PlannedFolder p : plan) {
            if (p.copied() && p != renamed && p.target().equals(newTarget)) {
                return "another source folder goes to " + newTarget;
            }
        }
        java.util.Set<Long> goneIds = new java.util.HashSet<>();
        gone.forEach(r -> goneIds.add(r.id()));
        for (FolderRecord r : records.values()) {
            if (r.id() != old.id() && r.target().startsWith(old.target()) && !r.target().equals(old.target())
                    && !goneIds.contains(r.id())) {
                return "the source folder " + r.source() + " still goes below it";
            }
            if (r.id() != old.id() && r.target().equals(old.target())) {
                return "the source folder " + r.source() + " goes there too";
            }
        }
        return null;
    }

    private TargetFolder find(FolderPath path) {
        for (TargetFolder t : targetFolders) {
            if (t.path().equals(path)) {
                return t;
            }
        }
        return null;
    }

    /** Notes and reports the recorded folders that are no longer on the source (and were not renamed). */
    void reportGone() throws StoreException {
        for (FolderRecord g : gone) {
            FolderRecord r = records.get(g.id()); // its target may have moved with a renamed parent
            long copiedThere = store.folderStatus(r.id()).copied();
            String text = "no longer on the source; its " + copiedThere + " copied messages stay on the target in "
                    + r.target();
            store.setFolderNote(r.id(), text);
            listener.notice(email, "The source folder " + r.source() + " is " + text);
        }
    }
}
