package dev.mailferry.connector.office365.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.TargetFolder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder names Exchange Online cannot hold as they are, and what they become, always the same way:
 * <ul>
 * <li>a name at the top of the mailbox that Exchange keeps for one of its own folders that are not mail folders or
 * must not receive migrated mail (Calendar, Contacts, Notes, Outbox...; Apple Notes keeps notes in an IMAP folder
 * "Notes") gets " (mail)" appended: Graph answers ErrorFolderExists for it, and Exchange's IMAP never lists it;</li>
 * <li>leading and trailing white space is dropped and control characters become '_' (Exchange keeps neither, so the
 * folder would not be found again under its name); an empty name becomes "_";</li>
 * <li>a name longer than {@value #MAX_NAME_LENGTH} UTF-16 characters (as Exchange counts) is shortened to that,
 * keeping a " (n)" suffix that makes it unique.</li>
 * </ul>
 * The reserved names are those of an English mailbox; a mailbox in another language names them in its language, and
 * a folder created under such a name is reported as not listed by Exchange (see {@link ExchangeTargetSession}).
 */
final class ExchangeFolderNames {

    /** Exchange folder display names have 1 to 256 characters (MS-ASCMD); one less leaves room for a safe margin. */
    static final int MAX_NAME_LENGTH = 255;

    /** What a reserved top-level name gets appended. */
    static final String RESERVED_SUFFIX = " (mail)";

    /** Exchange's own top-level folders (English names) that are not mail folders or must not receive mail. */
    private static final Set<String> RESERVED_TOP_LEVEL = Set.of("calendar", "contacts", "tasks", "notes", "journal",
            "outbox", "sync issues", "conversation history", "rss feeds", "yammer root", "files");

    private static final Pattern UNIQUE_SUFFIX = Pattern.compile(" \\([0-9]+\\)$");

    private ExchangeFolderNames() {
    }

    /** {@code path} (already free of the IMAP delimiter) as Exchange holds it; a storable path comes back unchanged. */
    static FolderPath storable(FolderPath path) {
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < path.depth(); i++) {
            String name = clean(path.segments().get(i));
            if (i == 0 && RESERVED_TOP_LEVEL.contains(name.toLowerCase(Locale.ROOT))) {
                name = name + RESERVED_SUFFIX;
            }
            segments.add(shortened(name));
        }
        return FolderPath.of(segments);
    }

    private static String clean(String name) {
        StringBuilder b = new StringBuilder(name.length());
        name.strip().codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '_' : c));
        return b.length() == 0 ? "_" : b.toString();
    }

    private static String shortened(String name) {
        if (name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        Matcher suffix = UNIQUE_SUFFIX.matcher(name);
        String kept = suffix.find() ? suffix.group() : "";
        int end = MAX_NAME_LENGTH - kept.length();
        if (Character.isHighSurrogate(name.charAt(end - 1))) {
            end--; // never half a character
        }
        return name.substring(0, end).stripTrailing() + kept;
    }

    /** Whether two paths name one folder in Exchange, whose names are compared without case. */
    static boolean sameIgnoringCase(FolderPath a, FolderPath b) {
        if (a.depth() != b.depth()) {
            return false;
        }
        for (int i = 0; i < a.depth(); i++) {
            if (!a.segments().get(i).equalsIgnoreCase(b.segments().get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The counts Graph gave by its display names ("Inbox"), for the folders asked by their IMAP paths ("INBOX"); a
     * folder Graph did not list is left out.
     */
    static Map<FolderPath, Long> countsOf(Collection<TargetFolder> folders,
            Map<FolderPath, Long> byGraphPath) {
        Map<FolderPath, Long> counts = new HashMap<>();
        for (TargetFolder folder : folders) {
            for (Map.Entry<FolderPath, Long> counted : byGraphPath.entrySet()) {
                if (sameIgnoringCase(counted.getKey(), folder.path())) {
                    counts.put(folder.path(), counted.getValue());
                    break;
                }
            }
        }
        return counts;
    }
}
