package dev.mailferry.engine.internal;

import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MigrationListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The scan of the folders a pass copies: what the source holds of each is recorded in the store's scan, each message
 * with its skip reason ({@link SkipRules}), and what follows from it is settled: a renumbered folder re-paired, copied
 * messages no longer on the source marked vanished. A folder is scanned whole ({@link #scanWhole}) when the mailbox is
 * planned as a whole or the folder was renumbered, otherwise step by step while its lane copies it ({@link #steps}), or
 * only for what changed since its last complete pass where the source can tell ({@link #scanChanges}). Which folders
 * need no scan at all, and which only their changes, is decided before, from their source states (see
 * {@link MailboxSync}).
 */
final class FolderScan {

    private final SyncStore store;
    private final String email;
    private final BatchOptions options;
    private final MigrationListener listener;
    private final PipelineHook hook;

    FolderScan(SyncStore store, String email, BatchOptions options, MigrationListener listener, PipelineHook hook) {
        this.store = store;
        this.email = email;
        this.options = options;
        this.listener = listener;
        this.hook = hook;
    }

    /**
     * Scans the whole folder into the store, replacing its previous scan; a renumbered folder (UIDVALIDITY changed) is
     * paired with what was copied before by fingerprint. Returns the work with the folder's current UIDVALIDITY.
     */
    FolderWork scanWhole(SourceSession source, FolderWork w) throws ConnectorException, StoreException {
        FolderRecord r = w.record();
        long uidValidity;
        try (SourceFolderReader reader = source.openFolder(w.source())) {
            uidValidity = reader.uidValidity();
            long[] scanned = {0};
            try (SyncStore.ScanWriter scan = store.scanWriter(r.id())) {
                reader.scanMessages(1, Long.MAX_VALUE, m -> {
                    try {
                        scan.add(m, SkipRules.reason(m, options.maxMessageSize()));
                        scanned[0]++;
                    } catch (StoreException e) {
                        throw new RecordingFailed(e);
                    }
                });
            } catch (RecordingFailed e) {
                throw (StoreException) e.getCause();
            }
            hook.scanned(email, r.source(), false, scanned[0]);
        }
        if (r.uidValidity() != uidValidity) {
            long paired = store.changeUidValidity(r.id(), r.uidValidity(), uidValidity);
            if (r.uidValidity() != 0) {
                listener.notice(email, "The source folder " + r.source() + " was renumbered (UIDVALIDITY " + r.uidValidity()
                        + " → " + uidValidity + "); " + paired + " messages already copied were recognised by their"
                        + " fingerprint and are not copied again");
            }
        }
        markVanished(r, uidValidity);
        return new FolderWork(w.source(), r.withUidValidity(uidValidity));
    }

    /** Marks the copied messages that the folder's last scan did not find as vanished, and reports them. */
    void markVanished(FolderRecord r, long uidValidity) throws StoreException {
        reportVanished(r, store.markVanished(r.id(), uidValidity));
    }

    /**
     * Records in the scan only what changed in the folder open in {@code reader} since the modification sequence
     * {@code sinceModSeq}, up to which its last complete pass recorded everything: its new and changed messages. Returns
     * the UID ranges expunged since ({@code {from, to}}, for {@link #markVanished(FolderRecord, long, List)}), or null,
     * with nothing recorded, when the source cannot tell what changed: the folder is then scanned in full.
     */
    List<long[]> scanChanges(SourceFolderReader reader, FolderRecord r, long sinceModSeq)
            throws ConnectorException, StoreException {
        List<long[]> vanished = new ArrayList<>(); // as many ranges as the gaps the expunges left
        long[] listed = {0};
        long answer;
        try (SyncStore.ScanWriter scan = store.scanWriter(r.id())) {
            answer = reader.changesSince(r.uidValidity(), sinceModSeq, new SourceFolderReader.ChangeConsumer() {
                @Override
                public void accept(MessageInfo m) {
                    try {
                        scan.add(m, SkipRules.reason(m, options.maxMessageSize()));
                        listed[0]++;
                    } catch (StoreException e) {
                        throw new RecordingFailed(e);
                    }
                }

                @Override
                public void vanished(long fromUid, long toUid) {
                    vanished.add(new long[] {fromUid, toUid});
                }
            });
        } catch (RecordingFailed e) {
            throw (StoreException) e.getCause();
        }
        if (answer == SourceFolderReader.CHANGES_UNKNOWN) {
            return null;
        }
        hook.scanned(email, r.source(), true, listed[0]);
        return vanished;
    }

    /** Marks the copied messages with a UID in {@code uidRanges}, which the source said are gone, as vanished. */
    void markVanished(FolderRecord r, long uidValidity, List<long[]> uidRanges) throws StoreException {
        reportVanished(r, store.markVanished(r.id(), uidValidity, uidRanges));
    }

    private void reportVanished(FolderRecord r, long vanished) {
        if (vanished > 0) {
            listener.notice(email, vanished + " messages copied earlier from " + r.source()
                    + " are no longer on the source; " + (options.mirrorDeletions()
                            ? "mirror deletion deletes them on the target" : "they stay on the target"));
        }
    }

    /**
     * Scans the UIDs {@code [fromUid, toUid]} of the folder open in {@code reader} step by step, replacing the previous
     * scan of that range only (the parts of a split folder are scanned by several lanes at once).
     */
    Steps steps(SourceFolderReader reader, FolderRecord r, long fromUid, long toUid) throws StoreException {
        return new Steps(reader, r, store.scanWriter(r.id(), fromUid, toUid), fromUid, toUid);
    }

    /** A folder's scan in steps of {@link MailboxSync#PAGE} messages; closing it ends the scan. */
    final class Steps implements AutoCloseable {
        private final SourceFolderReader reader;
        private final FolderRecord record;
        private final SyncStore.ScanWriter scan;
        private final long toUid;
        private long after;
        private long scanned;

        private Steps(SourceFolderReader reader, FolderRecord record, SyncStore.ScanWriter scan, long fromUid, long toUid) {
            this.reader = reader;
            this.record = record;
            this.scan = scan;
            this.toUid = toUid;
            this.after = fromUid - 1;
        }

        /**
         * The next step's messages in UID order, recorded and committed (so the store's pending copies see them); empty
         * once the range is scanned to its end.
         */
        List<MessageInfo> next() throws ConnectorException, StoreException {
            List<MessageInfo> step = new ArrayList<>(MailboxSync.PAGE);
            if (reader.scanSome(after + 1, toUid, MailboxSync.PAGE, step::add) == 0) {
                hook.scanned(email, record.source(), false, scanned);
                return List.of();
            }
            scanned += step.size();
            for (MessageInfo m : step) {
                scan.add(m, SkipRules.reason(m, options.maxMessageSize()));
            }
            scan.commit();
            after = step.get(step.size() - 1).uid();
            return step;
        }

        @Override
        public void close() throws StoreException {
            scan.close();
        }
    }
}
