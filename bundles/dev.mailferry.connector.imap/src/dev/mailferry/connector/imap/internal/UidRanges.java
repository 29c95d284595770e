package dev.mailferry.connector.imap.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** UIDs gathered from SEARCH and ESEARCH answers, kept as ascending disjoint ranges {@code {from, to}}. */
final class UidRanges {

    private final List<long[]> ranges = new ArrayList<>();
    private boolean ascending = true;

    /**
     * Adds the UIDs of one answer line: {@code * SEARCH 3 4 9 (MODSEQ 17)} or
     * {@code * ESEARCH (TAG "A7") UID ALL 3:4,9 MODSEQ 17} (an ESEARCH without ALL found nothing).
     */
    void addSearchResponse(String line, boolean esearch) {
        String[] tokens = line.trim().split("\\s+");
        if (esearch) {
            for (int i = 0; i + 1 < tokens.length; i++) {
                if (tokens[i].toUpperCase(Locale.ROOT).equals("ALL")) {
                    addSet(tokens[i + 1]);
                    return;
                }
            }
            return;
        }
        for (int i = 2; i < tokens.length && !tokens[i].startsWith("("); i++) {
            long uid = Long.parseLong(tokens[i]);
            add(uid, uid);
        }
    }

    /** Adds an IMAP sequence set of UIDs such as {@code 1:4,7,12:10}. */
    void addSet(String set) {
        for (String part : set.split(",")) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                long uid = Long.parseLong(part);
                add(uid, uid);
            } else {
                long a = Long.parseLong(part.substring(0, colon));
                long b = Long.parseLong(part.substring(colon + 1));
                add(Math.min(a, b), Math.max(a, b));
            }
        }
    }

    private void add(long from, long to) {
        if (!ranges.isEmpty()) {
            long[] last = ranges.get(ranges.size() - 1);
            if (from >= last[0] && from <= last[1] + 1) {
                last[1] = Math.max(last[1], to);
                return;
            }
            if (from < last[0]) {
                ascending = false;
            }
        }
        ranges.add(new long[] {from, to});
    }

    /** The ranges, ascending and merged where they touch or overlap. */
    List<long[]> ranges() {
        if (ascending) {
            return ranges;
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return merged;
    }

    /** Every UID of {@code ranges}, ascending. */
    static long[] expand(List<long[]> ranges) {
        long count = 0;
        for (long[] r : ranges) {
            count += r[1] - r[0] + 1;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Too many UIDs: " + count);
        }
        long[] uids = new long[(int) count];
        int i = 0;
        for (long[] r : ranges) {
            for (long uid = r[0]; uid <= r[1]; uid++) {
                uids[i++] = uid;
            }
        }
        return uids;
    }
}
