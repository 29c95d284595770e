package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CorpusGenerator} generates. The same spec always gives the same bytes.
 *
 * @param seed                    seed of every random choice
 * @param messageCount            number of messages, including the limit messages
 * @param sizeMix                 size bands; their shares are turned into exact message counts
 * @param folders                 the mailbox's folders and each one's share of the messages
 * @param oddityShare             fraction of messages given one {@link CorpusOddity}; when above 0 every oddity occurs at
 *                                least once (if there are enough messages)
 * @param includeNearLimitMessage one message just below {@link #MIGRATION_SIZE_LIMIT}, in INBOX
 * @param includeOverLimitMessage one message just above {@link #MIGRATION_SIZE_LIMIT}, in INBOX
 * @param ownerAddress            the mailbox owner's address (From of sent mail, To of received mail)
 * @param ownerName               the owner's display name
 * @param earliest                earliest internal date (Archive/2023 and Archive/2024 keep their own years)
 * @param latest                  latest internal date
 */
public record CorpusSpec(long seed, int messageCount, List<CorpusSizeBand> sizeMix, List<CorpusFolder> folders,
        double oddityShare, boolean includeNearLimitMessage, boolean includeOverLimitMessage, String ownerAddress,
        String ownerName, Instant earliest, Instant latest) {

    /** Exchange Online's default maximum message size for migrations (35 MB) that the limit messages straddle. */
    public static final long MIGRATION_SIZE_LIMIT = 35L * 1024 * 1024;
    public static final long NEAR_LIMIT_SIZE = MIGRATION_SIZE_LIMIT - 512 * 1024;
    public static final long OVER_LIMIT_SIZE = MIGRATION_SIZE_LIMIT + 1024 * 1024;

    public CorpusSpec {
        Objects.requireNonNull(sizeMix, "sizeMix");
        Objects.requireNonNull(folders, "folders");
        Objects.requireNonNull(ownerAddress, "ownerAddress");
        Objects.requireNonNull(ownerName, "ownerName");
        Objects.requireNonNull(earliest, "earliest");
        Objects.requireNonNull(latest, "latest");
        sizeMix = List.copyOf(sizeMix);
        folders = List.copyOf(folders);
        if (messageCount < 0) {
            throw new IllegalArgumentException("messageCount must not be negative");
        }
        if (sizeMix.isEmpty() || folders.isEmpty()) {
            throw new IllegalArgumentException("Need at least one size band and one folder");
        }
        double shares = sizeMix.stream().mapToDouble(CorpusSizeBand::share).sum();
        if (Math.abs(shares - 1.0) > 1e-6) {
            throw new IllegalArgumentException("Size band shares must add up to 1, not " + shares);
        }
        if (folders.stream().mapToDouble(CorpusFolder::share).sum() <= 0) {
            throw new IllegalArgumentException("At least one folder must hold messages");
        }
        if (oddityShare < 0 || oddityShare > 1) {
            throw new IllegalArgumentException("oddityShare must be between 0 and 1");
        }
        if (!latest.isAfter(earliest)) {
            throw new IllegalArgumentException("latest must be after earliest");
        }
    }

    /** The benchmark mailbox: 5,000 messages of about 400 MB in all. */
    public static CorpusSpec benchmark(long seed) {
        return new CorpusSpec(seed, 5000, realisticSizeMix(), standardFolders(), 0.03, false, false,
                "alice@example.org", "Alice Example", Instant.parse("2019-01-01T00:00:00Z"),
                Instant.parse("2026-06-30T00:00:00Z"));
    }

    /** A mailbox small enough for tests and the demo: {@code messageCount} messages of 2 KB to 400 KB. */
    public static CorpusSpec small(long seed, int messageCount) {
        return new CorpusSpec(seed, messageCount, compactSizeMix(), standardFolders(), 0.10, false, false,
                "alice@example.org", "Alice Example", Instant.parse("2019-01-01T00:00:00Z"),
                Instant.parse("2026-06-30T00:00:00Z"));
    }

    /**
     * Plain-text-sized mail of 1 to 8 KB in the standard folders: mailboxes of hundreds of thousands of messages fit a
     * benchmark machine's disk twice over (source and target), and each message costs what its handling costs.
     */
    public static CorpusSpec text(long seed, int messageCount) {
        return new CorpusSpec(seed, messageCount, List.of(new CorpusSizeBand("text", 1.0, 1024, 8 * 1024)),
                standardFolders(), 0.10, false, false, "alice@example.org", "Alice Example",
                Instant.parse("2019-01-01T00:00:00Z"), Instant.parse("2026-06-30T00:00:00Z"));
    }

    /** Most messages 2–50 KB, some 100 KB–2 MB, a few 5–20 MB: a mean of about 82 KB per message. */
    public static List<CorpusSizeBand> realisticSizeMix() {
        return List.of(new CorpusSizeBand("small", 0.909, 2 * 1024, 50 * 1024),
                new CorpusSizeBand("medium", 0.090, 100 * 1024, 2 * 1024 * 1024),
                new CorpusSizeBand("large", 0.001, 5 * 1024 * 1024, 20 * 1024 * 1024));
    }

    /** The realistic shape without the large messages, for fast tests. */
    public static List<CorpusSizeBand> compactSizeMix() {
        return List.of(new CorpusSizeBand("small", 0.9, 2 * 1024, 50 * 1024),
                new CorpusSizeBand("medium", 0.1, 100 * 1024, 400 * 1024));
    }

    /**
     * Special-use folders, archives by year, nested project folders, and names that trip up migrations: non-ASCII (German,
     * Russian, Japanese), a space, an '&amp;'. "Archive" and "Projects" are parents that hold no messages.
     */
    public static List<CorpusFolder> standardFolders() {
        return List.of(CorpusFolder.of("INBOX", SpecialUse.INBOX, 0.34),
                CorpusFolder.of("Sent", SpecialUse.SENT, 0.14),
                CorpusFolder.of("Drafts", SpecialUse.DRAFTS, 0.02),
                CorpusFolder.of("Trash", SpecialUse.TRASH, 0.05),
                CorpusFolder.of("Junk", SpecialUse.JUNK, 0.04),
                CorpusFolder.of("Archive", SpecialUse.ARCHIVE, 0.0),
                CorpusFolder.of("Archive/2023", SpecialUse.NONE, 0.12),
                CorpusFolder.of("Archive/2024", SpecialUse.NONE, 0.12),
                CorpusFolder.of("Projects", SpecialUse.NONE, 0.0),
                CorpusFolder.of("Projects/Apollo", SpecialUse.NONE, 0.04),
                CorpusFolder.of("Projects/Apollo/Specs", SpecialUse.NONE, 0.02),
                CorpusFolder.of("Projects/Zephyr", SpecialUse.NONE, 0.02),
                CorpusFolder.of("Entwürfe Ä", SpecialUse.NONE, 0.02),
                CorpusFolder.of("Проекты", SpecialUse.NONE, 0.02),
                CorpusFolder.of("日本語", SpecialUse.NONE, 0.02),
                CorpusFolder.of("Customer Feedback", SpecialUse.NONE, 0.02),
                new CorpusFolder(FolderPath.of("R&D"), SpecialUse.NONE, 0.01, false));
    }

    public CorpusSpec withSeed(long newSeed) {
        return new CorpusSpec(newSeed, messageCount, sizeMix, folders, oddityShare, includeNearLimitMessage,
                includeOverLimitMessage, ownerAddress, ownerName, earliest, latest);
    }

    public CorpusSpec withMessageCount(int count) {
        return new CorpusSpec(seed, count, sizeMix, folders, oddityShare, includeNearLimitMessage, includeOverLimitMessage,
                ownerAddress, ownerName, earliest, latest);
    }

    public CorpusSpec withSizeMix(List<CorpusSizeBand> mix) {
        return new CorpusSpec(seed, messageCount, mix, folders, oddityShare, includeNearLimitMessage,
                includeOverLimitMessage, ownerAddress, ownerName, earliest, latest);
    }

    public CorpusSpec withFolders(List<CorpusFolder> newFolders) {
        return new CorpusSpec(seed, messageCount, sizeMix, newFolders, oddityShare, includeNearLimitMessage,
                includeOverLimitMessage, ownerAddress, ownerName, earliest, latest);
    }

    public CorpusSpec withOddityShare(double share) {
        return new CorpusSpec(seed, messageCount, sizeMix, folders, share, includeNearLimitMessage,
                includeOverLimitMessage, ownerAddress, ownerName, earliest, latest);
    }

    public CorpusSpec withLimitMessages(boolean nearLimit, boolean overLimit) {
        return new CorpusSpec(seed, messageCount, sizeMix, folders, oddityShare, nearLimit, overLimit, ownerAddress,
                ownerName, earliest, latest);
    }

    public CorpusSpec withOwner(String address, String name) {
        return new CorpusSpec(seed, messageCount, sizeMix, folders, oddityShare, includeNearLimitMessage,
                includeOverLimitMessage, address, name, earliest, latest);
    }
}
