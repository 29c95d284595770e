package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.FolderState;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One pass over one mailbox: plan, recover, scan, decide, copy, record. {@link #run()} shows the steps in order; each
 * has a class of its own: {@link FolderPlanner} (which source folder goes to which target folder),
 * {@link FolderRenames} (folders renamed or gone on the source), {@link JournalRecovery} (messages in flight when the
 * last run stopped), {@link TargetPresence} (messages already on the target), {@link FolderScan} (reading the source's
 * message lists), {@link LanePlanner} (which lane copies what), {@link LaneSessions} (the lanes' connections) and
 * {@link TargetWriter} (appending and recording). Deciding which folders to scan, and the copy's reading side, are here.
 *
 * <p>Copying runs on two threads per lane: this one reads the source (and writes the journal before any message it
 * reads can be appended), a {@link TargetWriter} owns the target session, appends, and records each message when the
 * target accepts it.
 */
public final class MailboxSync {

    /** Messages per journal transaction and per source read request. */
    static final int PAGE = 250;

    private final SyncStore store;
    private final SessionOpener opener;
    private final String email;
    private final BatchOptions options;
    private final MigrationListener listener;
    private final BooleanSupplier stopRequested;
    private final PipelineHook hook;
    private final long byteBudget;
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final int lanes;
    private final LanePlanner lanePlanner;
    private final FolderScan folderScan;
    private volatile boolean stopped;
    private String readBackShortfall;
    /** The source state of each folder when this pass began, by folder id; recorded once the pass is complete. */
    private final Map<Long, String> sourceStatesAtStart = new HashMap<>();
    /**
     * The folders whose last complete pass recorded everything up to a modification sequence of the source, by folder
     * id: this pass asks the source only for what changed since (see {@link #copyChanges}).
     */
    private final Map<Long, Long> changesSince = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Folders whose mirror deletion failed in this pass: their source states are not recorded, so that the next pass
     * does not pass over them and tries again.
     */
    private final java.util.Set<Long> deletionsUnfinished = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Messages the target folders held before this mailbox's first copy into them, by target folder. */
    private volatile TargetPresence presence = TargetPresence.NONE;

    public MailboxSync(SyncStore store, SourceSide source, TargetSide target, String email, BatchOptions options,
            MigrationListener listener, BooleanSupplier stopRequested, PipelineHook hook, long byteBudget, int lanes) {
        this.lanes = Math.max(1, lanes);
        this.lanePlanner = new LanePlanner(store, this.lanes);
        this.folderScan = new FolderScan(store, email, options, listener, hook);
        this.store = store;
        this.opener = new SessionOpener(source, target, email);
        this.email = email;
        this.options = options;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.hook = hook;
        this.byteBudget = byteBudget;
    }

    /** Messages copied by this pass so far (also after a failure). */
    public long copied() {
        return copied.get();
    }

    public long copiedBytes() {
        return copiedBytes.get();
    }

    /** True when the pass ended early because a stop was requested. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * The pass, in the order of its steps: plan the folders, follow those renamed on the source, settle what a crash
     * left in flight, find the messages already on the target, then scan and copy; after a complete pass, remember the
     * folders' source states and read the target back. The lanes after the first get their sessions from
     * {@link LaneSessions}, which starts opening them as soon as the plan is known.
     */
    public void run() throws ConnectorException, StoreException, InterruptedException {
        try (LaneSessions.Sessions sessions = opener.open()) {
            SourceSession source = sessions.source();
            TargetSession target = sessions.target();
            List<SourceFolder> sourceFolders = source.listFolders();
            List<TargetFolder> targetFolders = target.listFolders();
            List<FolderRecord> records = store.folders(email);
            List<PlannedFolder> plan = plan(target, sourceFolders, targetFolders, records);
            try (LaneSessions laneSessions = new LaneSessions(opener, lanes, email, foldersNotVouchedFor(plan, records))) {
                FolderRenames renames = new FolderRenames(store, email, options, listener, source, target,
                        sourceFolders, targetFolders, records, plan);
                plan = renames.follow();
                targetFolders = renames.targetFolders();
                List<FolderWork> work = recordFolders(plan);
                renames.reportGone();
                new JournalRecovery(store, email, listener).recover(target, targetFolders);
                List<Long> presenceChecked = new ArrayList<>();
                presence = TargetPresence.find(store, email, target, targetFolders,
                        work.stream().map(FolderWork::record).toList(), presenceChecked);
                try {
                    scanAndCopy(source, target, work, laneSessions);
                    if (!stopped && !presenceChecked.isEmpty()) {
                        store.markPresenceChecked(presenceChecked);
                    }
                } finally {
                    presence.reportFound(email, listener);
                }
            }
            if (!stopped) {
                recordSourceStates();
                readBackShortfall = TargetReadBack.check(target, store, email, listener);
                // the scan has served: cleared by the pass that made it rather than at the start of the next, which
                // would make the first idle pass after a large first pass pay for deleting it
                store.clearScan(email);
            }
        }
    }

    /** Which source folder goes to which target folder, keeping the targets recorded by earlier passes. */
    private List<PlannedFolder> plan(TargetSession target, List<SourceFolder> sourceFolders,
            List<TargetFolder> targetFolders, List<FolderRecord> records) throws ConnectorException {
        Map<FolderPath, FolderPath> recordedTargets = new HashMap<>();
        for (FolderRecord r : records) {
            recordedTargets.put(r.source(), r.target());
        }
        return FolderPlanner.plan(sourceFolders, targetFolders, options, recordedTargets, target::storablePath,
                target.ignoresFolderNameCase());
    }

    /**
     * The planned folders to copy that no complete pass vouches for (new ones, and those with messages to try again):
     * the lanes' sessions are opened ahead for these only. The other folders are most often unchanged, so an idle
     * incremental pass logs in once, and a pass that finds changes opens its lanes when it needs them.
     */
    private long foldersNotVouchedFor(List<PlannedFolder> plan, List<FolderRecord> records) throws StoreException {
        Map<FolderPath, FolderRecord> recordsBySource = new HashMap<>();
        for (FolderRecord r : records) {
            recordsBySource.put(r.source(), r);
        }
        long folders = 0;
        for (PlannedFolder p : plan) {
            FolderRecord r = recordsBySource.get(p.source().path());
            if (p.copied() && (r == null || store.sourceState(r.id()) == null)) {
                folders++;
            }
        }
        return folders;
    }

    /** Records each planned folder (with its note) and returns those to copy. */
    private List<FolderWork> recordFolders(List<PlannedFolder> plan) throws StoreException {
        List<FolderWork> work = new ArrayList<>();
        for (PlannedFolder p : plan) {
            FolderRecord record = store.folder(email, p.source().path(), p.target());
            store.setFolderNote(record.id(), p.note());
            if (p.copied()) {
                work.add(new FolderWork(p.source(), record));
            }
        }
        return work;
    }

    /**
     * After a complete pass: each folder's source state from the pass's start now vouches that everything up to it is
     * recorded, unless the folder has messages to try again.
     */
    private void recordSourceStates() throws StoreException {
        java.util.Set<Long> unfinished = store.foldersWithUnfinishedMessages(email);
        for (Map.Entry<Long, String> state : sourceStatesAtStart.entrySet()) {
            boolean again = unfinished.contains(state.getKey()) || deletionsUnfinished.contains(state.getKey());
            store.setSourceState(state.getKey(), again ? null : state.getValue());
        }
    }

    /**
     * A folder's source state with what else decides its copy (the size and item limits, the target folder): a change
     * of any of them makes the folder be scanned again.
     */
    private String encode(FolderState state, FolderRecord record) {
        return state.uidValidity() + ":" + state.uidNext() + ":" + state.modSeq() + ":" + state.messages() + "|"
                + options.maxMessageSize() + ":" + options.maxItemsPerMailbox() + "|" + record.target();
    }

    /**
     * {@code {modSeq, new messages}} when only what changed in the folder since its last complete pass needs reading:
     * that pass recorded everything up to the {@code recorded} state, and decided the copy with the same limits and
     * target folder; the UID space is the same (else its messages are paired anew) and the source's modification
     * sequence did not go back (a server that reset it). Null when the folder is to be scanned in full.
     */
    private static long[] changesSince(String recorded, String encoded, FolderState state, FolderRecord record) {
        if (recorded == null) {
            return null;
        }
        int bar = recorded.indexOf('|');
        if (bar < 0 || !recorded.substring(bar).equals(encoded.substring(encoded.indexOf('|')))) {
            return null;
        }
        String[] was = recorded.substring(0, bar).split(":");
        try {
            long uidValidity = Long.parseLong(was[0]);
            long uidNext = Long.parseLong(was[1]);
            long modSeq = Long.parseLong(was[2]);
            if (uidValidity != state.uidValidity() || uidValidity != record.uidValidity() || modSeq <= 0
                    || modSeq > state.modSeq()) {
                return null;
            }
            return new long[] {modSeq, Math.max(0, state.uidNext() - uidNext)};
        } catch (RuntimeException unreadable) {
            return null; // recorded by another version: scanned in full, and recorded anew
        }
    }

    /** What reading the target back after this pass found missing, or null when nothing (or it was not read back). */
    public String readBackShortfall() {
        return readBackShortfall;
    }

    /**
     * Scans, plans and copies the folders of {@code work}, passing over those unchanged since their last complete pass.
     */
    private void scanAndCopy(SourceSession source, TargetSession target, List<FolderWork> work,
            LaneSessions laneSessions) throws ConnectorException, StoreException, InterruptedException {
        store.clearScan(email);
        // A mailbox within the item limit needs no mailbox-wide ranking: each folder is planned on its own, so its
        // lane copies it as soon as it is scanned while the other lanes still scan theirs.
        Map<FolderWork, Long> counts = new IdentityHashMap<>(); // each FolderWork is its own key
        long messages = 0;
        java.util.Set<Long> unfinished = store.foldersWithUnfinishedMessages(email);
        List<FolderWork> unchanged = new ArrayList<>();
        Map<FolderWork, Long> newMessages = new IdentityHashMap<>();
        for (FolderWork w : work) {
            FolderState state = source.folderState(w.source());
            long n = state != null ? state.messages() : source.messageCount(w.source());
            counts.put(w, n);
            messages += n;
            if (state != null) {
                String encoded = encode(state, w.record());
                sourceStatesAtStart.put(w.record().id(), encoded);
                String recorded = store.sourceState(w.record().id());
                if (!unfinished.contains(w.record().id())) {
                    if (encoded.equals(recorded)) {
                        unchanged.add(w);
                    } else {
                        long[] since = changesSince(recorded, encoded, state, w.record());
                        if (since != null) {
                            changesSince.put(w.record().id(), since[0]);
                            newMessages.put(w, since[1]);
                        }
                    }
                }
            }
        }
        Planning planning;
        if (messages <= options.maxItemsPerMailbox()) {
            List<Long> folderIds = new ArrayList<>();
            for (FolderWork w : work) {
                folderIds.add(w.record().id());
            }
            store.retainSkips(email, folderIds);
            // nothing changed in these since their last complete pass, which recorded everything: nothing to do
            work = new ArrayList<>(work);
            work.removeAll(unchanged);
            if (work.isEmpty()) {
                listener.mailboxPlanned(email, 0, 0);
                return;
            }
            // a folder read for its changes only weighs as much as its new messages in the lanes
            counts.putAll(newMessages);
            work = lanePlanner.splitLargeFolders(source, target, work, counts, messages);
            planning = new Planning(true, counts, work.size());
        } else {
            // the item limit ranks the whole mailbox: every folder is scanned, and no folder's state can vouch for it
            sourceStatesAtStart.clear();
            changesSince.clear();
            for (FolderWork w : work) {
                store.setSourceState(w.record().id(), null);
            }
            for (int i = 0; i < work.size(); i++) {
                if (stop()) {
                    return;
                }
                work.set(i, folderScan.scanWhole(source, work.get(i)));
            }
            store.planItemLimit(email, options.maxItemsPerMailbox());
            planning = new Planning(false, null, 0);
            long[] totals = store.pendingTotals(email);
            listener.mailboxPlanned(email, totals[0], totals[1]);
        }
        copy(source, target, work, planning, laneSessions);
    }

    /**
     * How this pass plans: {@code perFolder} = each lane scans its folders step by step and copies each step before it
     * scans the next ({@code messageCounts} balance the lanes); otherwise the whole mailbox was scanned and planned
     * first. Per folder, the mailbox's totals are announced once the last folder is scanned.
     */
    private final class Planning {
        final boolean perFolder;
        final Map<FolderWork, Long> messageCounts;
        private int foldersLeft;
        private long messages;
        private long bytes;

        Planning(boolean perFolder, Map<FolderWork, Long> messageCounts, int folders) {
            this.perFolder = perFolder;
            this.messageCounts = messageCounts;
            this.foldersLeft = folders;
        }

        /** One folder is planned (in a lane): counts its messages to copy, announces the mailbox's after the last. */
        void folderPlanned(long folderMessages, long folderBytes) {
            synchronized (this) {
                messages += folderMessages;
                bytes += folderBytes;
                if (--foldersLeft > 0) {
                    return;
                }
            }
            listener.mailboxPlanned(email, messages, bytes);
        }
    }

    private boolean stop() {
        if (stopRequested.getAsBoolean()) {
            stopped = true;
        }
        return stopped;
    }

    /** Told whenever the source or the target answered while sessions were opened. */
    @FunctionalInterface
    public interface EndpointWatch {
        void reached(boolean source);
    }

    /** Sets who is told that an endpoint answered (see {@link EndpointRetries}). */
    public void watchEndpoints(EndpointWatch watch) {
        opener.watch(watch);
    }

    // ------------------------------------------------------------------ copy

    /**
     * Copies the folders over {@code lanes} parallel pipelines (each its own source and target connection, reader and
     * writer thread): one pipeline is bound by the target's round trips, several keep the target server busier. Which
     * lane copies which folders is the {@link LanePlanner}'s.
     */
    private void copy(SourceSession source, TargetSession target, List<FolderWork> work, Planning planning,
            LaneSessions laneSessions) throws ConnectorException, StoreException, InterruptedException {
        List<List<FolderWork>> lanes = lanePlanner.partition(work, planning.messageCounts);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 1; i < lanes.size(); i++) {
            List<FolderWork> lane = lanes.get(i);
            Thread t = new Thread(() -> {
                try (LaneSessions.Sessions sessions = laneSessions.take()) {
                    copyLane(sessions.source(), sessions.target(), lane, planning);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "mailferry-lane-" + i + "-" + email);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            copyLane(source, target, lanes.get(0), planning);
        } catch (Throwable e) {
            failures.add(0, e);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            // an Error (a crash) wins; otherwise the first lane's failure
            Failures.rethrow(failures.stream().filter(f -> f instanceof Error).findFirst().orElse(failures.get(0)));
        }
    }

    private void copyLane(SourceSession source, TargetSession target, List<FolderWork> work, Planning planning)
            throws ConnectorException, StoreException, InterruptedException {
        // each lane has its share of the mailbox's byte budget, so a failing lane cannot stall or abort the others
        ByteBudget budget = new ByteBudget(Math.max(1, byteBudget / Math.max(1, lanes)));
        TargetWriter writer = new TargetWriter(store, email, listener, hook, target, budget, copied, copiedBytes);
        writer.start("mailferry-writer-" + email);
        Throwable readerFailure = null;
        try {
            for (FolderWork w : work) {
                if (stop() || writer.failure() != null) {
                    break;
                }
                if (planning.perFolder) {
                    copyFolderWhileScanning(source, w, writer, planning);
                } else {
                    copyFolder(source, w, writer);
                }
            }
        } catch (ConnectorException | StoreException | InterruptedException | RuntimeException | Error e) {
            readerFailure = e;
        } finally {
            writer.finish();
        }
        // the writer's failure comes first: a reader failure is often only its consequence
        if (writer.failure() != null) {
            Failures.rethrow(writer.failure());
        }
        if (readerFailure != null) {
            Failures.rethrow(readerFailure);
        }
    }

    /**
     * Scans the folder {@link #PAGE} messages at a time and copies each step before scanning the next, so that the
     * first appends of a large folder do not wait for its whole scan. A renumbered folder (UIDVALIDITY changed) is
     * scanned whole first: pairing its messages with those copied before needs all of them.
     */
    private void copyFolderWhileScanning(SourceSession source, FolderWork w, TargetWriter writer, Planning planning)
            throws ConnectorException, StoreException, InterruptedException {
        FolderRecord r = w.record();
        LanePlanner.Part part = w.part();
        long fromUid = part == null ? 1 : part.fromUid;
        long toUid = part == null ? Long.MAX_VALUE : part.toUid;
        SourceFolderReader reader = source.openFolder(w.source());
        try {
            long uidValidity = reader.uidValidity();
            if (part != null && r.uidValidity() != uidValidity) {
                // renumbered since it was split: the next pass pairs it as a whole
                part.folder.partEnded(false);
                throw new ConnectorException(ConnectorException.Kind.PROTOCOL, "The source folder " + r.source()
                        + " was renumbered (UIDVALIDITY changed) during the copy; it is scanned again");
            }
            if (r.uidValidity() != 0 && r.uidValidity() != uidValidity) {
                reader.close();
                FolderWork scanned = folderScan.scanWhole(source, w);
                store.recordFolderSkips(r.id());
                long[] totals = store.pendingTotals(r.id(), uidValidity);
                planning.folderPlanned(totals[0], totals[1]);
                copyFolder(source, scanned, writer);
                return;
            }
            if (r.uidValidity() == 0) {
                store.changeUidValidity(r.id(), 0, uidValidity); // first pass: nothing to pair, only remembered
                r = r.withUidValidity(uidValidity);
            }
            Long sinceModSeq = part == null ? changesSince.get(r.id()) : null;
            if (sinceModSeq != null && copyChanges(reader, r, sinceModSeq, writer, planning)) {
                return;
            }
            if (part == null || part.index == 0) {
                listener.folderStarted(email, r.source(), r.target(), -1);
            }
            if (part == null) {
                writer.openFolder(r, false);
            } else {
                writer.openPart(r, part.folder.epoch);
            }
            FolderCopy copy = new FolderCopy();
            boolean scannedWhole = false;
            try (FolderScan.Steps steps = folderScan.steps(reader, r, fromUid, toUid)) {
                long after = fromUid - 1;
                while (!stop() && writer.failure() == null) {
                    List<MessageInfo> step = steps.next();
                    if (step.isEmpty()) {
                        scannedWhole = true;
                        break;
                    }
                    // the scan goes no further than this step, so neither do the pending copies
                    long last = step.get(step.size() - 1).uid();
                    copyPage(reader, r, uidValidity, store.pendingCopies(r.id(), uidValidity, after, last, PAGE), writer,
                            copy);
                    after = last;
                }
            }
            if (!scannedWhole) {
                // stopped or failed: what vanished, skips and flag changes are decided by a pass that sees it all
                writer.closeFolder(r, part == null || part.folder.partEnded(false));
                return;
            }
            // the folder's outcomes must be committed before its records are updated as a whole (else the writer's
            // uncommitted rows and these updates wait for each other's locks)
            writer.awaitRecorded();
            planning.folderPlanned(copy.messages, copy.bytes);
            if (part != null) {
                boolean last = part.folder.partEnded(true);
                if (!last || !part.folder.scannedWhole()) {
                    // the folder as a whole is finished by another part, or (a part stopped early) by the next pass
                    writer.closeFolder(r, last);
                    return;
                }
            }
            folderScan.markVanished(r, uidValidity);
            mirrorDeletions(writer);
            store.recordFolderSkips(r.id());
            finishFolder(r, uidValidity, writer, copy);
        } finally {
            reader.close();
        }
    }

    /**
     * Copies what changed in the folder since the modification sequence {@code sinceModSeq} up to which its last complete
     * pass recorded everything, with the same outcome as a scan of the whole folder would give: the source lists the new
     * and changed messages only (the new ones are copied, changed flags pushed) and the UIDs expunged since (marked
     * vanished; the other messages' records, skips included, still hold). Returns false, having done nothing, when the
     * source cannot tell what changed: the folder is then scanned in full.
     */
    private boolean copyChanges(SourceFolderReader reader, FolderRecord r, long sinceModSeq, TargetWriter writer,
            Planning planning) throws ConnectorException, StoreException, InterruptedException {
        List<long[]> vanished = folderScan.scanChanges(reader, r, sinceModSeq);
        if (vanished == null) {
            return false;
        }
        long uidValidity = r.uidValidity();
        listener.folderStarted(email, r.source(), r.target(), -1);
        writer.openFolder(r, false);
        FolderCopy copy = new FolderCopy();
        List<MessageInfo> page = store.pendingCopies(r.id(), uidValidity, 0, PAGE);
        while (!page.isEmpty() && !stop() && writer.failure() == null) {
            long last = page.get(page.size() - 1).uid();
            copyPage(reader, r, uidValidity, page, writer, copy);
            page = store.pendingCopies(r.id(), uidValidity, last, PAGE);
        }
        if (!page.isEmpty()) {
            // stopped or failed: the next pass reads the changes again from the same point
            writer.closeFolder(r, true);
            return true;
        }
        writer.awaitRecorded();
        planning.folderPlanned(copy.messages, copy.bytes);
        folderScan.markVanished(r, uidValidity, vanished);
        mirrorDeletions(writer);
        store.recordScannedSkips(r.id());
        finishFolder(r, uidValidity, writer, copy);
        return true;
    }

    /**
     * The end of a folder read step by step or for its changes, once its messages are recorded: its skips reported, the
     * changed flags of earlier copies pushed, the folder closed and announced finished.
     */
    private void finishFolder(FolderRecord r, long uidValidity, TargetWriter writer, FolderCopy copy)
            throws StoreException, InterruptedException {
        reportSkips(r, uidValidity);
        List<SyncStore.FlagChange> flags = store.flagChanges(r.id(), uidValidity, 0, PAGE);
        if (!flags.isEmpty() && !copy.appending) {
            writer.prepareAppends();
        }
        queueFlagChanges(r, uidValidity, flags, writer);
        writer.closeFolder(r, true);
    }

    /** What one folder's copy has handed to its writer so far in this pass. */
    private static final class FolderCopy {
        long messages;
        long bytes;
        /** The writer was told to prepare appends (it is, once, before the first). */
        boolean appending;
    }

    /**
     * Copies the messages of {@code page} that the target does not already hold: each journaled before its body is
     * read, so a crash can find it again, then read and handed to the writer.
     */
    private void copyPage(SourceFolderReader reader, FolderRecord r, long uidValidity, List<MessageInfo> page,
            TargetWriter writer, FolderCopy copy) throws ConnectorException, StoreException, InterruptedException {
        List<MessageInfo> toCopy = presence.withoutPresent(r, uidValidity, page);
        if (toCopy.isEmpty()) {
            return;
        }
        for (MessageInfo m : toCopy) {
            copy.messages++;
            copy.bytes += m.size();
        }
        if (!copy.appending) {
            writer.prepareAppends();
            copy.appending = true;
        }
        store.journal(r.id(), uidValidity, toCopy);
        reader.readMessages(toCopy, writer.bodies());
    }

    private void reportSkips(FolderRecord r, long uidValidity) throws StoreException {
        List<SyncStore.SkipRecord> skips = store.skips(r.id(), uidValidity, 0, PAGE);
        while (!skips.isEmpty()) {
            for (SyncStore.SkipRecord skip : skips) {
                listener.messageSkipped(email, r.source(), skip.message(), skip.reason());
            }
            skips = store.skips(r.id(), uidValidity, skips.get(skips.size() - 1).message().uid(), PAGE);
        }
    }

    private void queueFlagChanges(FolderRecord r, long uidValidity, List<SyncStore.FlagChange> flags,
            TargetWriter writer) throws StoreException, InterruptedException {
        while (!flags.isEmpty() && !stopped && writer.failure() == null) {
            writer.updateFlags(flags);
            flags = store.flagChanges(r.id(), uidValidity, flags.get(flags.size() - 1).uid(), PAGE);
        }
    }

    private void copyFolder(SourceSession source, FolderWork w, TargetWriter writer) throws ConnectorException, StoreException, InterruptedException {
        FolderRecord r = w.record();
        long uidValidity = r.uidValidity();
        reportSkips(r, uidValidity);
        List<MessageInfo> page = store.pendingCopies(r.id(), uidValidity, 0, PAGE);
        List<SyncStore.FlagChange> flags = store.flagChanges(r.id(), uidValidity, 0, PAGE);
        boolean work = !page.isEmpty() || !flags.isEmpty();
        listener.folderStarted(email, r.source(), r.target(), page.isEmpty() ? 0 : store.pendingCount(r.id(), uidValidity));
        writer.openFolder(r, work);
        if (!page.isEmpty()) {
            try (SourceFolderReader reader = source.openFolder(w.source())) {
                if (reader.uidValidity() != uidValidity) {
                    throw new ConnectorException(ConnectorException.Kind.PROTOCOL, "The source folder " + r.source()
                            + " was renumbered (UIDVALIDITY changed) during the copy; it is scanned again");
                }
                while (!page.isEmpty() && !stop() && writer.failure() == null) {
                    long last = page.get(page.size() - 1).uid();
                    List<MessageInfo> toCopy = presence.withoutPresent(r, uidValidity, page);
                    if (!toCopy.isEmpty()) {
                        store.journal(r.id(), uidValidity, toCopy);
                        reader.readMessages(toCopy, writer.bodies());
                    }
                    page = store.pendingCopies(r.id(), uidValidity, last, PAGE);
                }
            }
            if (flags.isEmpty() && presence.holdsMessagesOfItsOwn(r.target())) {
                // messages found on the target were recorded with their flags there: bring those in line too
                flags = store.flagChanges(r.id(), uidValidity, 0, PAGE);
            }
        }
        mirrorDeletions(writer);
        queueFlagChanges(r, uidValidity, flags, writer);
        writer.closeFolder(r, true);
    }

    /**
     * With mirror deletion, the folder open in {@code writer} loses on the target the messages recorded as vanished from
     * the source: those marked by this pass, and those an earlier pass marked but did not record deleted.
     */
    private void mirrorDeletions(TargetWriter writer) throws InterruptedException {
        if (options.mirrorDeletions()) {
            writer.deleteVanished(deletionsUnfinished);
        }
    }
}
