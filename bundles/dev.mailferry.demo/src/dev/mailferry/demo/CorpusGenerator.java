package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.model.SystemFlag;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Generates a realistic sample mailbox from a {@link CorpusSpec}, deterministically: the same spec gives the same bytes,
 * and {@link #message(int)} can build any single message without the others.
 * <p>
 * The plan (each message's size, folder, oddity, thread parent, date) is fixed in the constructor, which takes a few
 * bytes per message; the message bytes are built only when asked for, so a stream over a large corpus holds one
 * message at a time.
 */
public final class CorpusGenerator {

    /** Charsets and their weights: UTF-8 dominates, the legacy ones are what old mailboxes are full of. */
    private static final List<String> CHARSETS = List.of("UTF-8", "ISO-8859-1", "ISO-8859-15", "windows-1252", "KOI8-R",
            "Shift_JIS", "ISO-2022-JP", "GB2312");
    private static final double[] CHARSET_WEIGHTS = { 0.45, 0.12, 0.06, 0.10, 0.07, 0.06, 0.07, 0.07 };
    private static final long SALT_THREAD = 0x5a17L;
    private static final long SALT_MESSAGE_ID = 0x1d1dL;

    private final CorpusSpec spec;
    private final long[] targetSizes;
    private final int[] folderOf;
    private final CorpusOddity[] oddities;
    private final int[] duplicateIdOf;
    private final int[] parentOf;
    private final long[] internalDates;

    public CorpusGenerator(CorpusSpec spec) {
        this.spec = spec;
        int n = spec.messageCount();
        SplittableRandom plan = new SplittableRandom(spec.seed());
        targetSizes = planSizes(plan, n);
        folderOf = planFolders(plan, n);
        oddities = new CorpusOddity[n];
        duplicateIdOf = new int[n];
        Arrays.fill(duplicateIdOf, -1);
        planOddities(plan, n);
        parentOf = new int[n];
        for (int i = 0; i < n; i++) {
            parentOf[i] = i > 0 && plan.nextDouble() < 0.35 ? plan.nextInt(Math.max(0, i - 40), i) : -1;
        }
        internalDates = new long[n];
        for (int i = 0; i < n; i++) {
            internalDates[i] = planDate(plan, i);
        }
    }

    public CorpusSpec spec() {
        return spec;
    }

    public int messageCount() {
        return spec.messageCount();
    }

    public List<CorpusFolder> folders() {
        return spec.folders();
    }

    /** The folder message {@code index} goes to, without generating it. */
    public FolderPath folderOf(int index) {
        return spec.folders().get(folderOf[index]).path();
    }

    /** The size message {@code index} aims at, without generating it. */
    public long targetSize(int index) {
        return targetSizes[index];
    }

    /** Sum of all target sizes: what a full corpus takes on disk, within a few percent. */
    public long approximateTotalBytes() {
        return Arrays.stream(targetSizes).sum();
    }

    /** All messages in index order, each built when the stream reaches it. */
    public Stream<SampleMessage> messages() {
        return IntStream.range(0, spec.messageCount()).mapToObj(this::message);
    }

    public SampleMessage message(int index) {
        return new CorpusMessageBuilder(this, index, random(index, 0)).build();
    }

    // ---- plan ----

    private long[] planSizes(SplittableRandom plan, int n) {
        List<Long> sizes = new ArrayList<>(n);
        if (spec.includeNearLimitMessage() && sizes.size() < n) {
            sizes.add(CorpusSpec.NEAR_LIMIT_SIZE);
        }
        if (spec.includeOverLimitMessage() && sizes.size() < n) {
            sizes.add(CorpusSpec.OVER_LIMIT_SIZE);
        }
        int regular = n - sizes.size();
        int[] counts = quotas(spec.sizeMix().stream().mapToDouble(CorpusSizeBand::share).toArray(), regular);
        for (int b = 0; b < counts.length; b++) {
            CorpusSizeBand band = spec.sizeMix().get(b);
            double logMin = Math.log(band.minBytes());
            double logMax = Math.log(band.maxBytes());
            for (int k = 0; k < counts[b]; k++) {
                sizes.add(Math.round(Math.exp(logMin + plan.nextDouble() * (logMax - logMin))));
            }
        }
        long[] result = sizes.stream().mapToLong(Long::longValue).toArray();
        shuffle(result, plan);
        return result;
    }

    private int[] planFolders(SplittableRandom plan, int n) {
        int[] counts = quotas(spec.folders().stream().mapToDouble(CorpusFolder::share).toArray(), n);
        long[] assignment = new long[n];
        int next = 0;
        for (int f = 0; f < counts.length; f++) {
            for (int k = 0; k < counts[f]; k++) {
                assignment[next++] = f;
            }
        }
        shuffle(assignment, plan);
        int[] result = Arrays.stream(assignment).mapToInt(v -> (int) v).toArray();
        // The limit messages belong in INBOX, where the large mail of real mailboxes arrives.
        int inbox = inboxFolderIndex();
        for (int i = 0; i < n; i++) {
            if (isLimitMessage(i) && result[i] != inbox) {
                for (int j = 0; j < n; j++) {
                    if (result[j] == inbox && !isLimitMessage(j)) {
                        result[j] = result[i];
                        result[i] = inbox;
                        break;
                    }
                }
            }
        }
        return result;
    }

    private void planOddities(SplittableRandom plan, int n) {
        if (spec.oddityShare() <= 0 || n < 2) {
            return;
        }
        CorpusOddity[] kinds = CorpusOddity.values();
        List<Integer> eligible = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!isLimitMessage(i)) {
                eligible.add(i);
            }
        }
        long[] order = eligible.stream().mapToLong(Integer::longValue).toArray();
        shuffle(order, plan);
        int wanted = (int) Math.max(kinds.length, Math.round(spec.oddityShare() * n));
        // Keep some well-formed messages to be the originals of duplicated Message-IDs.
        int count = Math.min(wanted, order.length - 1);
        for (int k = 0; k < count; k++) {
            oddities[(int) order[k]] = kinds[k % kinds.length];
        }
        for (int i = 0; i < n; i++) {
            if (oddities[i] == CorpusOddity.DUPLICATE_MESSAGE_ID) {
                int original;
                do {
                    original = plan.nextInt(n);
                } while (original == i || oddities[original] != null);
                duplicateIdOf[i] = original;
            }
        }
    }

    private long planDate(SplittableRandom plan, int index) {
        FolderPath folder = folderOf(index);
        long from = spec.earliest().getEpochSecond();
        long to = spec.latest().getEpochSecond();
        if (folder.depth() == 2 && folder.segments().get(0).equals("Archive") && folder.name().matches("\\d{4}")) {
            int year = Integer.parseInt(folder.name());
            from = LocalDate.of(year, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            to = LocalDate.of(year + 1, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - 1;
        }
        long random = from + (long) (plan.nextDouble() * (to - from));
        int parent = parentOf[index];
        if (parent >= 0) {
            // A reply comes minutes to days after its parent, when the folder's date range allows.
            long reply = internalDates[parent] + 600 + (long) (plan.nextDouble() * 5 * 86400);
            if (reply >= from && reply <= to) {
                return reply;
            }
        }
        return random;
    }

    /** Largest-remainder rounding of {@code shares} of {@code total}, so counts add up exactly. */
    private static int[] quotas(double[] shares, int total) {
        double sum = Arrays.stream(shares).sum();
        int[] counts = new int[shares.length];
        double[] remainders = new double[shares.length];
        int assigned = 0;
        for (int i = 0; i < shares.length; i++) {
            double exact = shares[i] / sum * total;
            counts[i] = (int) Math.floor(exact);
            remainders[i] = exact - counts[i];
            assigned += counts[i];
        }
        while (assigned < total) {
            int best = 0;
            for (int i = 1; i < shares.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            counts[best]++;
            remainders[best] = -1;
            assigned++;
        }
        return counts;
    }

    private static void shuffle(long[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    // ---- facts the message builder asks for ----

    boolean isLimitMessage(int index) {
        return targetSizes[index] == CorpusSpec.NEAR_LIMIT_SIZE || targetSizes[index] == CorpusSpec.OVER_LIMIT_SIZE;
    }

    int inboxFolderIndex() {
        for (int f = 0; f < spec.folders().size(); f++) {
            if (spec.folders().get(f).path().isInbox()) {
                return f;
            }
        }
        return 0;
    }

    CorpusFolder folder(int index) {
        return spec.folders().get(folderOf[index]);
    }

    CorpusOddity oddity(int index) {
        return oddities[index];
    }

    int parent(int index) {
        return parentOf[index];
    }

    int threadRoot(int index) {
        int root = index;
        while (parentOf[root] >= 0) {
            root = parentOf[root];
        }
        return root;
    }

    Instant internalDate(int index) {
        return Instant.ofEpochSecond(internalDates[index]);
    }

    /** The Message-ID message {@code index} carries (for a duplicate: its original's), null when it has none. */
    public String messageId(int index) {
        CorpusOddity oddity = oddities[index];
        if (oddity == CorpusOddity.MISSING_MESSAGE_ID) {
            return null;
        }
        int owner = oddity == CorpusOddity.DUPLICATE_MESSAGE_ID ? duplicateIdOf[index] : index;
        return generatedMessageId(owner);
    }

    /** The Message-ID a message would have, also for one that has none (replies still refer to it). */
    String generatedMessageId(int index) {
        SplittableRandom r = random(index, SALT_MESSAGE_ID);
        String hex = Long.toHexString(r.nextLong() & Long.MAX_VALUE);
        switch (r.nextInt(3)) {
        case 0:
            return "<" + hex + "." + index + "@mail.example.com>";
        case 1:
            return "<CA+" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + index + "=" + hex.substring(0, 6)
                    + "@mail.gmail.com>";
        default:
            return "<" + hex.substring(0, 8) + "-" + index + "-" + hex.substring(8) + "@EXCH01.corp.example.net>";
        }
    }

    /** The charset of the whole thread of message {@code index}: replies keep the language of the first mail. */
    Charset threadCharset(int index) {
        SplittableRandom r = random(threadRoot(index), SALT_THREAD);
        double x = r.nextDouble();
        for (int i = 0; i < CHARSETS.size(); i++) {
            x -= CHARSET_WEIGHTS[i];
            if (x < 0) {
                return Charset.forName(CHARSETS.get(i));
            }
        }
        return Charset.forName("UTF-8");
    }

    SplittableRandom threadRandom(int index) {
        return random(threadRoot(index), SALT_THREAD + 1);
    }

    SplittableRandom random(int index, long salt) {
        long z = spec.seed() * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + salt * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    /** Flags as a mail client leaves them in each kind of folder. */
    MessageFlags flagsFor(CorpusFolder folder, SplittableRandom r) {
        EnumSet<SystemFlag> flags = EnumSet.noneOf(SystemFlag.class);
        TreeSet<String> keywords = new TreeSet<>();
        SpecialUse use = folder.specialUse();
        boolean archive = folder.path().segments().get(0).equals("Archive");
        if (use == SpecialUse.SENT) {
            flags.add(SystemFlag.SEEN);
            if (r.nextDouble() < 0.03) {
                flags.add(SystemFlag.FLAGGED);
            }
        } else if (use == SpecialUse.DRAFTS) {
            flags.add(SystemFlag.DRAFT);
            if (r.nextDouble() < 0.5) {
                flags.add(SystemFlag.SEEN);
            }
        } else if (use == SpecialUse.JUNK) {
            if (r.nextDouble() < 0.3) {
                flags.add(SystemFlag.SEEN);
            }
            if (r.nextDouble() < 0.5) {
                keywords.add("$Junk");
            }
        } else {
            double seen = archive ? 0.98 : use == SpecialUse.INBOX ? 0.75 : 0.9;
            if (r.nextDouble() < seen) {
                flags.add(SystemFlag.SEEN);
                if (r.nextDouble() < (archive ? 0.2 : 0.12)) {
                    flags.add(SystemFlag.ANSWERED);
                }
            }
            if (r.nextDouble() < 0.06) {
                flags.add(SystemFlag.FLAGGED);
            }
            if (r.nextDouble() < 0.04) {
                keywords.add("$Forwarded");
            }
            if (r.nextDouble() < (archive ? 0.05 : 0.03)) {
                keywords.add("$Label1");
            }
            if (r.nextDouble() < 0.04) {
                keywords.add("Important");
            }
        }
        return MessageFlags.of(flags, keywords);
    }
}
