package dev.mailferry.engine;

import java.util.Locale;

/** Sizes as people write them for a batch's limits, read the same way by the command line and the workbench. */
public final class ByteSizes {

    private ByteSizes() {
    }

    /**
     * Parses {@code 35MB}, {@code 150m}, {@code 1.5GB}, {@code 36700160}: binary units (MB = 2^20 bytes), case and
     * spaces ignored.
     *
     * @throws IllegalArgumentException saying what is expected, for anything that is not a size of at least one byte
     */
    public static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("K")) {
            unit = 1L << 10;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        } else if (t.endsWith("G")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        double value;
        try {
            value = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        // at least one byte, and no NaN, Infinity or size beyond a long
        if (!(value * unit >= 1 && value * unit < Long.MAX_VALUE)) {
            throw new IllegalArgumentException("not a size of at least one byte: '" + text.trim()
                    + "' (examples: 35MB, 150MB, 1GB, 36700160)");
        }
        return (long) (value * unit);
    }
}
