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
 * planned as a whole or the folder was renumbered, otherwise step by step while its lane copies it ({@link #steps}).
 * Which folders need no scan at all is decided before, from their source states (see {@link MailboxSync}).
 */
final class FolderScan {

    private final SyncStore store;
    private final String email;
    private final BatchOptions options;
    private final MigrationListener listener;

    FolderScan(SyncStore store, String email, BatchOptions options, MigrationListener listener) {
        this.store = store;
        this.email = email;
        this.options = options;
        this.listener = listener;
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
            try (SyncStore.ScanWriter scan = store.scanWriter(r.id())) {
                reader.scanMessages(1, Long.MAX_VALUE, m -> {
                    try {
                        scan.add(m, SkipRules.reason(m, options.maxMessageSize()));
                    } catch (StoreException e) {
                        throw new RecordingFailed(e);
                    }
                });
            } catch (RecordingFailed e) {
                throw (StoreException) e.getCause();
            }
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
        long vanished = store.markVanished(r.id(), uidValidity);
        if (vanished > 0) {
            listener.notice(email, vanished + " messages copied earlier from " + r.source()
                    + " are no longer on the source; they stay on the target");
        }
    }

    /**
     * Scans the UIDs {@code [fromUid, toUid]} of the folder open in {@code reader} step by step, replacing the previous
     * scan of that range only (the parts of a split folder are scanned by several lanes at once).
     */
    Steps steps(SourceFolderReader reader, long folderId, long fromUid, long toUid) throws StoreException {
        return new Steps(reader, store.scanWriter(folderId, fromUid, toUid), fromUid, toUid);
    }

    /** A folder's scan in steps of {@link MailboxSync#PAGE} messages; closing it ends the scan. */
    final class Steps implements AutoCloseable {
        private final SourceFolderReader reader;
        private final SyncStore.ScanWriter scan;
        private final long toUid;
        private long after;

        private Steps(SourceFolderReader reader, SyncStore.ScanWriter scan, long fromUid, long toUid) {
            this.reader = reader;
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
                return List.of();
            }
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
