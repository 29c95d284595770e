package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.MigrationListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * After a complete pass, reads back from the target how many messages each target folder holds that messages were
 * recorded as copied into, apart from the appends that reported them accepted (Exchange Online: through Microsoft
 * Graph), and records it for the reports. A folder holding fewer messages than were recorded as copied there lost some
 * after accepting them (deleted or moved on the target, or never stored): that is reported, never passed over.
 */
final class TargetReadBack {

    /** How many short folders the mailbox's error names; the report lists them all. */
    private static final int NAMED_FOLDERS = 5;

    private TargetReadBack() {
    }

    /**
     * Reads back and records the counts; returns what is missing in one sentence, or null when nothing is (or the
     * target cannot count its messages). A target that cannot be read back now is a notice, not a failed pass.
     */
    static String check(TargetSession target, SyncStore store, String email, MigrationListener listener)
            throws StoreException {
        Map<FolderPath, Long> recorded = store.recordedOnTarget(email);
        if (recorded.isEmpty()) {
            return null;
        }
        Map<FolderPath, Long> counts;
        Map<FolderPath, TargetFolder> listed = new HashMap<>();
        try {
            Map<FolderPath, TargetFolder> byKey = new HashMap<>();
            TargetFolder inbox = null;
            for (TargetFolder folder : target.listFolders()) {
                byKey.put(key(folder.path(), target.ignoresFolderNameCase()), folder);
                inbox = folder.path().isInbox() ? folder : inbox;
            }
            for (FolderPath path : recorded.keySet()) {
                TargetFolder folder = byKey.get(key(path, target.ignoresFolderNameCase()));
                if (folder != null) {
                    listed.put(path, folder);
                }
            }
            // INBOX is always counted too: a target that counts nothing then cannot count, rather than lost everything
            List<TargetFolder> asked = new ArrayList<>(listed.values());
            if (inbox != null && !asked.contains(inbox)) {
                asked.add(inbox);
            }
            counts = target.messageCounts(asked);
        } catch (ConnectorException e) {
            listener.notice(email, "The target could not be read back to check the messages recorded as copied: "
                    + e.getMessage());
            return null;
        }
        if (counts.isEmpty()) {
            return null; // the target cannot count its messages
        }
        Map<FolderPath, String> shortFolders = new TreeMap<>();
        long missing = 0;
        for (Map.Entry<FolderPath, Long> r : recorded.entrySet()) {
            TargetFolder folder = listed.get(r.getKey());
            Long onTarget = folder == null ? Long.valueOf(0) : counts.get(folder.path());
            if (onTarget == null) {
                continue;
            }
            store.recordReadBack(email, r.getKey(), onTarget, r.getValue());
            if (onTarget < r.getValue()) {
                missing += r.getValue() - onTarget;
                shortFolders.put(r.getKey(), folder == null ? r.getKey() + " is gone (" + r.getValue() + " recorded)"
                        : r.getKey() + " holds " + onTarget + " of " + r.getValue());
            }
        }
        if (missing == 0) {
            return null;
        }
        List<String> named = new ArrayList<>(shortFolders.values());
        String folders = String.join("; ", named.subList(0, Math.min(NAMED_FOLDERS, named.size())))
                + (named.size() > NAMED_FOLDERS ? "; and " + (named.size() - NAMED_FOLDERS) + " more folders" : "");
        String text = "Read back from the target: " + missing + (missing == 1 ? " message" : " messages")
                + " recorded as copied " + (missing == 1 ? "is" : "are") + " not there (" + folders + "); deleted or"
                + " moved on the target since, or lost by it (see the report)";
        listener.notice(email, text);
        return text;
    }

    private static FolderPath key(FolderPath path, boolean ignoreCase) {
        return ignoreCase ? FolderPlanner.lowerCase(path) : path;
    }
}
