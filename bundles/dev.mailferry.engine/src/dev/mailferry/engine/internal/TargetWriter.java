package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.InMemoryMessage;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.MigrationListener;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer of one lane: on a thread of its own it owns the lane's target session, appends what the lane's reader
 * queues, and records each message when the target accepts it (or refuses it). The reader hands over bodies within a
 * {@link ByteBudget}; a message too large for a fair share of the budget is not buffered but streamed straight from
 * the source to the target while the reader waits.
 */
final class TargetWriter implements Runnable, TargetFolderWriter.AppendListener {

    /** Recorded outcomes per commit; a crash loses at most these, and recovery finds them again. */
    static final int COMMIT_EVERY = 200;
    static final long COMMIT_INTERVAL_NANOS = 500_000_000L;
    static final int QUEUE_ITEMS = 10_000;
    /** Vanished messages deleted on the target per request of a mirror deletion. */
    static final int DELETE_PAGE = 500;

    private final SyncStore store;
    private final String email;
    private final MigrationListener listener;
    private final PipelineHook hook;
    private final AtomicLong copied;
    private final AtomicLong copiedBytes;
    private final TargetSession target;
    // bounded in items as well as bytes, so that a long run of flag updates cannot pile up either
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>(QUEUE_ITEMS);
    private final ByteBudget budget;
    private volatile Throwable failure;
    private Thread thread;
    private SyncStore.Recorder recorder;
    private FolderRecord folder;
    private TargetFolder targetFolder;
    private TargetFolderWriter out;
    private int epoch;
    private Integer presetEpoch;
    private boolean announce;
    private long lastCommit = System.nanoTime();
    private final List<Runnable> events = new ArrayList<>();
    private long droppedFlagMessages;

    TargetWriter(SyncStore store, String email, MigrationListener listener, PipelineHook hook, TargetSession target,
            ByteBudget budget, AtomicLong copied, AtomicLong copiedBytes) {
        this.store = store;
        this.email = email;
        this.listener = listener;
        this.hook = hook;
        this.target = target;
        this.budget = budget;
        this.copied = copied;
        this.copiedBytes = copiedBytes;
    }

    /** Starts the writer's thread. */
    void start(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Lets the writer finish what is queued, close its folder and end; waits for its thread. */
    void finish() throws InterruptedException {
        queue.put(Item.END);
        thread.join();
    }

    /** What made the writer stop, or null while it works. */
    Throwable failure() {
        return failure;
    }

    /**
     * Opens the folder's target folder (creating it when missing); with {@code work}, also for appends and flag
     * changes (else {@link #prepareAppends()} does that once some follow).
     */
    void openFolder(FolderRecord record, boolean work) throws InterruptedException {
        queue.put(new OpenFolder(record, work));
    }

    /**
     * Opens the target folder for one part of a split folder, whose checkpoint {@code epoch} is already taken; closing
     * it does not report the folder finished.
     */
    void openPart(FolderRecord record, int epoch) throws InterruptedException {
        queue.put(new OpenFolder(record, false, epoch, false));
    }

    /** Messages or flag changes follow for the open folder. */
    void prepareAppends() throws InterruptedException {
        queue.put(Item.PREPARE_APPENDS);
    }

    /**
     * Mirror deletion: deletes on the target the open folder's messages recorded as vanished from the source, by their
     * recorded target ids, and records them deleted. A failure is a notice; unless the target cannot delete at all, the
     * folder's id goes into {@code unfinished} so that the next pass comes back to it.
     */
    void deleteVanished(java.util.Set<Long> unfinished) throws InterruptedException {
        queue.put(new DeleteVanished(unfinished));
    }

    /** Gives the open folder's copies of these messages their flags on the source (a page of changes at once). */
    void updateFlags(List<SyncStore.FlagChange> changes) throws InterruptedException {
        queue.put(new UpdateFlags(List.copyOf(changes)));
    }

    /** Closes the open folder; {@code announce}: tell the listener the folder is finished. */
    void closeFolder(FolderRecord record, boolean announce) throws InterruptedException {
        queue.put(new CloseFolder(record, announce));
    }

    /** Hands the bodies the source reads to this writer (see {@link BodyHandler}). */
    SourceFolderReader.MessageBodyHandler bodies() {
        return new BodyHandler();
    }

    /** Waits until every message queued so far is appended and its outcome committed. */
    void awaitRecorded() throws ConnectorException, InterruptedException {
        Recorded recorded = new Recorded(new CompletableFuture<>());
        queue.put(recorded);
        try {
            recorded.done().get();
        } catch (ExecutionException e) {
            throw new ConnectorException(ConnectorException.Kind.CONNECTION, "Stopped reading: the target failed",
                    e.getCause());
        }
    }

    @Override
    public void run() {
        try (SyncStore.Recorder r = store.recorder()) {
            recorder = r;
            while (true) {
                Item item = queue.take();
                if (item instanceof End) {
                    closeFolder();
                    return;
                }
                try {
                    handle(item);
                } catch (ConnectorException e) {
                    if (e.kind() == ConnectorException.Kind.TARGET_REFUSES) {
                        // the target stopped taking messages: what it accepted before is on it and stays recorded
                        commitBefore(e);
                    }
                    throw e;
                }
            }
        } catch (Throwable t) {
            failure = t;
            // uncommitted outcomes are dropped: the journal still lists those messages and recovery finds them
            if (recorder != null) {
                recorder.rollback();
            }
            budget.abort();
            if (out != null) {
                out.close();
            }
            drainAfterFailure(t);
        }
    }

    private void commitBefore(ConnectorException refusal) {
        try {
            commit();
        } catch (StoreException | RuntimeException e) {
            refusal.addSuppressed(e); // not recorded now: the journal still lists them and recovery finds them
        }
    }

    private void drainAfterFailure(Throwable t) {
        while (true) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (item instanceof Stream s) {
                s.done().completeExceptionally(t);
            } else if (item instanceof Recorded r) {
                r.done().completeExceptionally(t);
            } else if (item instanceof End) {
                return;
            }
        }
    }

    private void handle(Item item) throws Exception {
        if (item instanceof OpenFolder o) {
            closeFolder();
            folder = o.record();
            presetEpoch = o.epoch();
            announce = o.announce();
            targetFolder = target.createFolder(folder.target());
            if (o.work()) {
                openForAppends();
            }
        } else if (item instanceof PrepareAppends) {
            openForAppends();
        } else if (item instanceof Recorded r) {
            try {
                if (out != null) {
                    out.flush();
                }
                commit();
                r.done().complete(null);
            } catch (Throwable t) {
                r.done().completeExceptionally(t);
                throw t;
            }
        } else if (item instanceof Buffered b) {
            try {
                out.append(b.message(), b.message().flags(), b.bytes().stream(), this);
            } finally {
                budget.release(b.message().size());
            }
            maybeCommit();
        } else if (item instanceof Stream s) {
            try {
                out.append(s.message(), s.message().flags(), s.raw(), this);
                s.done().complete(null);
            } catch (Throwable t) {
                s.done().completeExceptionally(t);
                throw t;
            }
            maybeCommit();
        } else if (item instanceof Vanished v) {
            recorder.skipped(folder.id(), folder.uidValidity(), v.message(),
                    "expunged from the source while it was being copied");
            MessageInfo m = v.message();
            FolderPath source = folder.source();
            events.add(() -> listener.messageSkipped(email, source, m,
                    "expunged from the source while it was being copied"));
        } else if (item instanceof DeleteVanished d) {
            deleteVanishedCopies(d.unfinished());
        } else if (item instanceof UpdateFlags u) {
            Map<String, MessageFlags> flags = new LinkedHashMap<>();
            for (SyncStore.FlagChange f : u.changes()) {
                if (f.targetId() != null) {
                    flags.put(f.targetId(), MessageFlags.parse(f.flags()));
                }
            }
            if (!flags.isEmpty()) {
                out.updateFlags(flags);
                // recorded only after the target changed them all: a crash before leaves them to the next pass
                for (SyncStore.FlagChange f : u.changes()) {
                    if (f.targetId() != null) {
                        recorder.flagsSynced(folder.id(), folder.uidValidity(), f.uid(), f.flags());
                    }
                }
                maybeCommit();
            }
        } else if (item instanceof CloseFolder c) {
            announce = c.announce();
            closeFolder();
        }
    }

    private void deleteVanishedCopies(java.util.Set<Long> unfinished) throws StoreException {
        List<SyncStore.VanishedCopy> page = store.vanishedCopies(folder.id(), null, DELETE_PAGE);
        long deleted = 0;
        long notNamed = 0;
        ConnectorException failure = null;
        if (!page.isEmpty()) {
            commit(); // the store records the deletions in transactions of its own
        }
        while (!page.isEmpty()) {
            List<String> ids = page.stream().map(SyncStore.VanishedCopy::targetId).toList();
            java.util.Set<String> gone;
            try {
                openForAppends();
                List<String> deletedIds = out.deleteMessages(ids);
                hook.deletedOnTarget(email, folder.target(), deletedIds);
                gone = new java.util.HashSet<>(deletedIds);
            } catch (ConnectorException e) {
                failure = e;
                break;
            }
            // recorded only after the target deleted them: after a crash in between the next pass deletes them again,
            // which the target ignores for messages already gone
            List<SyncStore.VanishedCopy> done = page.stream().filter(v -> gone.contains(v.targetId())).toList();
            deleted += store.markDeletedOnTarget(folder.id(), done);
            notNamed += page.size() - done.size();
            page = store.vanishedCopies(folder.id(), page.get(page.size() - 1), DELETE_PAGE);
        }
        FolderPath target = folder.target();
        if (deleted > 0) {
            listener.notice(email, deleted + " messages expunged on the source were deleted on the target (mirror"
                    + " deletion) in " + target);
        }
        if (notNamed > 0) {
            listener.notice(email, notNamed + " messages expunged on the source stay on the target in " + target
                    + ": their recorded ids no longer name messages there (the target folder was renumbered since"
                    + " they were copied)");
        }
        if (failure != null && failure.kind() == ConnectorException.Kind.CONFIGURATION) {
            // trying again would not help: the folder may be passed over while nothing changes on the source
            listener.notice(email, "Mirror deletion is not possible in the target folder " + target + ": "
                    + failure.getMessage() + "; the messages expunged on the source stay there");
        } else if (failure != null) {
            unfinished.add(folder.id());
            listener.notice(email, "Mirror deletion in the target folder " + target + " failed: "
                    + failure.getMessage() + "; the messages expunged on the source that it did not delete stay there"
                    + " until the next pass tries again");
        }
    }

    private void openForAppends() throws ConnectorException, StoreException {
        if (out == null) {
            out = target.openFolder(targetFolder);
            // the checkpoint is durable before the first append, so recovery can always ask "what came since"
            epoch = presetEpoch != null ? presetEpoch : store.newCheckpoint(folder.id(), out.checkpoint());
        }
    }

    private void closeFolder() throws Exception {
        if (folder == null) {
            return;
        }
        if (out != null) {
            out.flush();
            commit();
            out.close();
            out = null;
        }
        commit();
        if (droppedFlagMessages > 0) {
            listener.notice(email, droppedFlagMessages + " messages of " + folder.source()
                    + " lost keywords the target cannot store");
            droppedFlagMessages = 0;
        }
        FolderRecord done = folder;
        folder = null;
        if (announce) {
            listener.folderFinished(email, store.folderStatus(done.id()));
        }
    }

    private void maybeCommit() throws StoreException {
        if (recorder.pending() >= COMMIT_EVERY || System.nanoTime() - lastCommit > COMMIT_INTERVAL_NANOS) {
            commit();
        }
    }

    private void commit() throws StoreException {
        recorder.commit();
        lastCommit = System.nanoTime();
        for (Runnable event : events) {
            event.run();
        }
        events.clear();
    }

    @Override
    public void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags) {
        FolderPath source = folder.source();
        hook.accepted(email, source, message);
        try {
            recorder.copied(folder.id(), folder.uidValidity(), message, targetId, epoch);
        } catch (StoreException e) {
            throw new RecordingFailed(e);
        }
        copied.incrementAndGet();
        copiedBytes.addAndGet(message.size());
        if (droppedFlags != null && !droppedFlags.keywords().isEmpty() || droppedFlags != null
                && !droppedFlags.system().isEmpty()) {
            droppedFlagMessages++;
        }
        events.add(() -> listener.messageCopied(email, source, message));
    }

    @Override
    public void rejected(MessageInfo message, String reason) {
        refused(message, "refused by the target: " + reason, false);
    }

    @Override
    public void refusedAsTooLarge(MessageInfo message, String reason) {
        refused(message, "refused by the target as too large: " + reason, true);
    }

    /** Records a refused message: failed, or skipped (and offered again next pass) when it was too large. */
    private void refused(MessageInfo message, String why, boolean tooLarge) {
        FolderPath source = folder.source();
        try {
            if (tooLarge) {
                recorder.tooLargeForTarget(folder.id(), folder.uidValidity(), message, why);
            } else {
                recorder.failed(folder.id(), folder.uidValidity(), message, why);
            }
        } catch (StoreException e) {
            throw new RecordingFailed(e);
        }
        events.add(tooLarge ? () -> listener.messageSkipped(email, source, message, why)
                : () -> listener.messageFailed(email, source, message, why));
    }

    /** Hands bodies to the writer: buffered within the budget, or streamed for large messages. */
    private final class BodyHandler implements SourceFolderReader.MessageBodyHandler {
        @Override
        public void body(MessageInfo message, InputStream raw) throws IOException, ConnectorException {
            if (failure != null) {
                throw new ConnectorException(ConnectorException.Kind.CONNECTION, "Stopped reading: the target failed");
            }
            try {
                if (message.size() > budget.capacity() / 4) {
                    // large: no copy in memory; the writer reads the source stream while this thread waits
                    Stream item = new Stream(message, raw, new CompletableFuture<>());
                    queue.put(item);
                    item.done().get();
                } else {
                    if (!budget.acquire(message.size())) {
                        throw new ConnectorException(ConnectorException.Kind.CONNECTION,
                                "Stopped reading: the target failed");
                    }
                    InMemoryMessage.Bytes bytes;
                    try {
                        bytes = InMemoryMessage.keepOrRead(raw); // the source's own bytes when it gives them away
                    } catch (IOException | RuntimeException e) {
                        budget.release(message.size());
                        throw e;
                    }
                    if (bytes.length() != message.size()) {
                        budget.release(message.size());
                        throw new IOException("The source delivered " + bytes.length() + " bytes for UID " + message.uid()
                                + " instead of the announced " + message.size());
                    }
                    queue.put(new Buffered(message, bytes));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(ConnectorException.Kind.CONNECTION, "Copy interrupted", e);
            } catch (ExecutionException e) {
                throw new ConnectorException(ConnectorException.Kind.CONNECTION, "Stopped reading: the target failed",
                        e.getCause());
            }
        }

        @Override
        public void vanished(MessageInfo message) throws ConnectorException {
            try {
                queue.put(new Vanished(message));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(ConnectorException.Kind.CONNECTION, "Copy interrupted", e);
            }
        }
    }

    /** What a lane's reader queues for its writer, in order. */
    private sealed interface Item permits OpenFolder, PrepareAppends, Buffered, Stream, Vanished, DeleteVanished,
            UpdateFlags, Recorded, CloseFolder, End {
        Item END = new End();
        /** Messages or flag changes follow for the open folder (one opened without work). */
        Item PREPARE_APPENDS = new PrepareAppends();
    }

    private record PrepareAppends() implements Item {
    }

    /** Completed once every message queued before it is appended and its outcome committed. */
    private record Recorded(CompletableFuture<Void> done) implements Item {
    }

    /**
     * {@code epoch}: the checkpoint already taken for this folder (a part of a split folder), else null and the writer
     * takes one before its first append. {@code announce}: whether closing the folder reports it finished (the parts of
     * a split folder leave that to the one that finishes the folder).
     */
    private record OpenFolder(FolderRecord record, boolean work, Integer epoch, boolean announce) implements Item {
        OpenFolder(FolderRecord record, boolean work) {
            this(record, work, null, true);
        }
    }

    private record Buffered(MessageInfo message, InMemoryMessage.Bytes bytes) implements Item {
    }

    private record Stream(MessageInfo message, InputStream raw, CompletableFuture<Void> done) implements Item {
    }

    private record Vanished(MessageInfo message) implements Item {
    }

    private record DeleteVanished(java.util.Set<Long> unfinished) implements Item {
    }

    private record UpdateFlags(List<SyncStore.FlagChange> changes) implements Item {
    }

    private record CloseFolder(FolderRecord record, boolean announce) implements Item {
    }

    private record End() implements Item {
    }
}
