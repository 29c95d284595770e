package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of one migration batch.
 *
 * @param excludedFolders      source folders not copied, each with everything below it
 * @param folderMapping        source path prefix → target path prefix; the longest matching prefix wins and takes
 *                             precedence over the special-use mapping
 * @param maxMessageSize       messages larger than this many bytes are skipped (Exchange Online has a limit of its own)
 * @param maxItemsPerMailbox   at most this many messages per mailbox are copied, the newest (by internal date) first;
 *                             the rest are skipped
 * @param maxParallelMailboxes mailboxes migrated at the same time (each uses one source and one target connection)
 * @param mirrorDeletions      messages copied earlier and since expunged on the source are deleted on the target too;
 *                             off by default (they stay on the target)
 */
public record BatchOptions(List<FolderPath> excludedFolders, Map<FolderPath, FolderPath> folderMapping, long maxMessageSize,
        long maxItemsPerMailbox, int maxParallelMailboxes, boolean mirrorDeletions) {

    public static final long DEFAULT_MAX_MESSAGE_SIZE = 35L * 1024 * 1024;
    public static final long DEFAULT_MAX_ITEMS_PER_MAILBOX = 500_000;
    public static final int DEFAULT_MAX_PARALLEL_MAILBOXES = 4;

    public BatchOptions {
        excludedFolders = List.copyOf(Objects.requireNonNull(excludedFolders, "excludedFolders"));
        folderMapping = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(folderMapping, "folderMapping")));
        if (maxMessageSize <= 0 || maxItemsPerMailbox <= 0 || maxParallelMailboxes <= 0) {
            throw new IllegalArgumentException("Limits must be positive: max message size " + maxMessageSize
                    + ", max items " + maxItemsPerMailbox + ", parallel mailboxes " + maxParallelMailboxes);
        }
    }

    /** Options without mirror deletion. */
    public BatchOptions(List<FolderPath> excludedFolders, Map<FolderPath, FolderPath> folderMapping, long maxMessageSize,
            long maxItemsPerMailbox, int maxParallelMailboxes) {
        this(excludedFolders, folderMapping, maxMessageSize, maxItemsPerMailbox, maxParallelMailboxes, false);
    }

    public static BatchOptions defaults() {
        return new BatchOptions(List.of(), Map.of(), DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_ITEMS_PER_MAILBOX,
                DEFAULT_MAX_PARALLEL_MAILBOXES, false);
    }

    public BatchOptions withExcludedFolders(List<FolderPath> folders) {
        return new BatchOptions(folders, folderMapping, maxMessageSize, maxItemsPerMailbox, maxParallelMailboxes,
                mirrorDeletions);
    }

    public BatchOptions withFolderMapping(Map<FolderPath, FolderPath> mapping) {
        return new BatchOptions(excludedFolders, mapping, maxMessageSize, maxItemsPerMailbox, maxParallelMailboxes,
                mirrorDeletions);
    }

    public BatchOptions withMaxMessageSize(long bytes) {
        return new BatchOptions(excludedFolders, folderMapping, bytes, maxItemsPerMailbox, maxParallelMailboxes,
                mirrorDeletions);
    }

    public BatchOptions withMaxItemsPerMailbox(long items) {
        return new BatchOptions(excludedFolders, folderMapping, maxMessageSize, items, maxParallelMailboxes,
                mirrorDeletions);
    }

    public BatchOptions withMaxParallelMailboxes(int mailboxes) {
        return new BatchOptions(excludedFolders, folderMapping, maxMessageSize, maxItemsPerMailbox, mailboxes,
                mirrorDeletions);
    }

    public BatchOptions withMirrorDeletions(boolean mirror) {
        return new BatchOptions(excludedFolders, folderMapping, maxMessageSize, maxItemsPerMailbox, maxParallelMailboxes,
                mirror);
    }
}
