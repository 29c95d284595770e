package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.ConnectorException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.ListInfo;

/**
 * Translates between the server's folder names and {@link FolderPath}s: the hierarchy delimiter, modified UTF-7
 * (RFC 3501 5.1.3), the personal namespace prefix (Courier's {@code INBOX.}) and an optional user root.
 *
 * <p>Angus' IMAPProtocol methods take and return <em>decoded</em> names and encode them on the wire; the "native"
 * names kept in {@code SourceFolder}/{@code TargetFolder} are the encoded ones, as the server spells them.
 */
final class FolderNames {

    /** One folder as LIST showed it. */
    record Listed(FolderPath path, String decodedName, SpecialUse specialUse, boolean selectable) {
        String nativeName() {
            return encode(decodedName);
        }
    }

    private final char delimiter;
    private final String personalPrefix;
    private final FolderPath userRoot;

    FolderNames(char delimiter, String personalPrefix, FolderPath userRoot) {
        this.delimiter = delimiter;
        this.personalPrefix = personalPrefix == null ? "" : personalPrefix;
        this.userRoot = userRoot;
    }

    static FolderNames of(ImapConnection connection, FolderPath userRoot) throws ConnectorException {
        return new FolderNames(connection.delimiter(), connection.personalPrefix(), userRoot);
    }

    char delimiter() {
        return delimiter;
    }

    static String encode(String decoded) {
        return BASE64MailboxEncoder.encode(decoded);
    }

    static String decode(String encoded) {
        return BASE64MailboxDecoder.decode(encoded);
    }

    /** The LIST pattern (decoded) covering every folder this view shows. */
    String listPattern() {
        return userRoot.isRoot() ? "*" : join(userRoot) + delimiter + "*";
    }

    /** Turns LIST answers into folders, parents before children, INBOX first, missing parents added as non-selectable. */
    List<Listed> fromList(ListInfo[] infos) {
        Map<FolderPath, Listed> byPath = new TreeMap<>(Comparator
                .comparing((FolderPath p) -> !(p.depth() >= 1 && p.segments().get(0).equalsIgnoreCase("INBOX")))
                .thenComparing(Comparator.naturalOrder()));
        for (ListInfo info : infos == null ? new ListInfo[0] : infos) {
            FolderPath path = toPath(info.name);
            if (path == null) {
                continue;
            }
            boolean nonExistent = hasAttribute(info, "\\NonExistent");
            boolean selectable = info.canOpen && !nonExistent;
            byPath.put(path, new Listed(path, info.name, specialUse(path, info.attrs), selectable));
        }
        for (Listed listed : new ArrayList<>(byPath.values())) {
            for (FolderPath parent = listed.path().parent(); !parent.isRoot(); parent = parent.parent()) {
                if (!byPath.containsKey(parent)) {
                    byPath.put(parent, new Listed(parent, toServerName(parent), specialUse(parent, null), false));
                }
            }
        }
        return new ArrayList<>(byPath.values());
    }

    /** The decoded server name of {@code path}, with the user root or personal prefix in front. */
    String toServerName(FolderPath path) {
        if (!userRoot.isRoot()) {
            return join(userRoot) + delimiter + join(path);
        }
        if (path.segments().get(0).equalsIgnoreCase("INBOX")) {
            return join(path); // INBOX lives outside any personal prefix
        }
        return personalPrefix + join(path);
    }

    /** The path of a decoded server name, or null when it lies outside this view (e.g. the user root itself). */
    FolderPath toPath(String decodedName) {
        String name = decodedName;
        if (!userRoot.isRoot()) {
            String root = join(userRoot) + delimiter;
            if (!name.startsWith(root) || name.length() == root.length()) {
                return null;
            }
            name = name.substring(root.length());
        } else if (!personalPrefix.isEmpty() && name.startsWith(personalPrefix) && name.length() > personalPrefix.length()
                && !name.equalsIgnoreCase("INBOX")) {
            name = name.substring(personalPrefix.length());
        }
        if (name.equalsIgnoreCase("INBOX")) {
            return FolderPath.of("INBOX");
        }
        List<String> segments = new ArrayList<>();
        if (delimiter == '\0') {
            segments.add(name);
        } else {
            for (String segment : name.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)))) {
                if (!segment.isEmpty()) {
                    segments.add(segment);
                }
            }
        }
        if (segments.isEmpty()) {
            return null;
        }
        if (segments.get(0).equalsIgnoreCase("INBOX")) {
            segments.set(0, "INBOX");
        }
        return FolderPath.of(segments);
    }

    /** Segment names may not contain the server's delimiter: such a character is replaced by '_'. */
    static FolderPath withoutDelimiter(FolderPath path, char delimiter) {
        if (delimiter == '\0') {
            return path;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.segments()) {
            segments.add(segment.replace(delimiter, '_'));
        }
        return FolderPath.of(segments);
    }

    private String join(FolderPath path) {
        return delimiter == '\0' ? String.join("", path.segments()) : path.join(delimiter);
    }

    static SpecialUse specialUse(FolderPath path, String[] attributes) {
        if (attributes != null) {
            for (String attribute : attributes) {
                Optional<SpecialUse> use = SpecialUse.fromImapAttribute(attribute);
                if (use.isPresent()) {
                    return use.get();
                }
            }
        }
        if (path.isInbox()) {
            return SpecialUse.INBOX;
        }
        // Servers without SPECIAL-USE: guess from top-level names, and from INBOX's children on servers that keep
        // every folder below INBOX.
        boolean topLevel = path.depth() == 1
                || path.depth() == 2 && path.segments().get(0).toUpperCase(Locale.ROOT).equals("INBOX");
        return topLevel ? SpecialUse.guessFromName(path.name()) : SpecialUse.NONE;
    }

    private static boolean hasAttribute(ListInfo info, String attribute) {
        if (info.attrs != null) {
            for (String a : info.attrs) {
                if (a.equalsIgnoreCase(attribute)) {
                    return true;
                }
            }
        }
        return false;
    }
}
