package dev.mailferry.ui.internal;

/** Byte counts for people. */
final class Sizes {

    private Sizes() {
    }

    /**
     * Parses sizes as {@code batch create --max-message-size} does: {@code 35MB}, {@code 150m}, {@code 1.5GB},
     * {@code 36700160}; binary units (MB = 2^20 bytes).
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static long parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace(" ", "");
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
        if (!(value * unit >= 1 && value * unit < Long.MAX_VALUE)) {
            throw new IllegalArgumentException("not a size of at least one byte: '" + text.trim()
                    + "' (examples: 35MB, 150MB, 1GB, 36700160)");
        }
        return (long) (value * unit);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = { "KB", "MB", "GB", "TB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
}
