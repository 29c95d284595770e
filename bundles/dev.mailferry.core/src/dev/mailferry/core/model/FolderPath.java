package dev.mailferry.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A folder's place in a mailbox hierarchy, independent of any server's hierarchy delimiter and name encoding:
 * a list of decoded (Unicode) segment names. "INBOX/Projects/2024" on a "/" server and "INBOX.Projects.2024" on a
 * "." server are the same {@code FolderPath}.
 */
public final class FolderPath implements Comparable<FolderPath> {

    public static final FolderPath ROOT = new FolderPath(List.of());

    private final List<String> segments;

    private FolderPath(List<String> segments) {
        this.segments = segments;
    }

    public static FolderPath of(String... segments) {
        return of(List.of(segments));
    }

    public static FolderPath of(List<String> segments) {
        for (String segment : segments) {
            if (segment == null || segment.isEmpty()) {
                throw new IllegalArgumentException("Folder names must not be empty: " + segments);
            }
        }
        return new FolderPath(List.copyOf(segments));
    }

    /** Splits a display string such as {@code "Archive/2024"} on {@code delimiter}. */
    public static FolderPath parse(String path, char delimiter) {
        if (path == null || path.isEmpty()) {
            return ROOT;
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == delimiter) {
                if (i > start) {
                    parts.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return of(parts);
    }

    public List<String> segments() {
        return Collections.unmodifiableList(segments);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public int depth() {
        return segments.size();
    }

    public String name() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    public FolderPath parent() {
        return segments.isEmpty() ? ROOT : new FolderPath(segments.subList(0, segments.size() - 1));
    }

    public FolderPath child(String name) {
        List<String> list = new ArrayList<>(segments);
        list.add(name);
        return of(list);
    }

    /** True when this path equals {@code other} or lies below it. */
    public boolean startsWith(FolderPath other) {
        return segments.size() >= other.segments.size() && segments.subList(0, other.segments.size()).equals(other.segments);
    }

    /** Replaces the leading {@code prefix} of this path by {@code replacement}. */
    public FolderPath rebase(FolderPath prefix, FolderPath replacement) {
        if (!startsWith(prefix)) {
            throw new IllegalArgumentException(this + " does not start with " + prefix);
        }
        List<String> list = new ArrayList<>(replacement.segments);
        list.addAll(segments.subList(prefix.segments.size(), segments.size()));
        return of(list);
    }

    public boolean isInbox() {
        return segments.size() == 1 && segments.get(0).equalsIgnoreCase("INBOX");
    }

    public String join(char delimiter) {
        return String.join(String.valueOf(delimiter), segments);
    }

    /** The display form used in reports, settings and the command line: segments joined by "/". */
    @Override
    public String toString() {
        return join('/');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FolderPath other && segments.equals(other.segments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(segments);
    }

    @Override
    public int compareTo(FolderPath o) {
        int n = Math.min(segments.size(), o.segments.size());
        for (int i = 0; i < n; i++) {
            int c = segments.get(i).compareTo(o.segments.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(segments.size(), o.segments.size());
    }
}
