package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.engine.BatchOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where each source folder goes: exclusions, then the batch's folder mapping (longest prefix), then the
 * special-use roles (a source folder with a role, and everything below it, goes to the target folder with the same
 * role: Dovecot's "Sent" to Exchange's "Sent Items"), else the same path. INBOX always maps to the target's INBOX.
 */
public final class FolderPlanner {

    /** One source folder's plan; {@code excludedReason} is null when the folder is copied. */
    public record PlannedFolder(SourceFolder source, FolderPath target, String excludedReason) {
        public boolean copied() {
            return excludedReason == null;
        }
    }

    private FolderPlanner() {
    }

    /** Plans the selectable source folders, in the source's order (parents before children). */
    public static List<PlannedFolder> plan(List<SourceFolder> sourceFolders, List<TargetFolder> targetFolders,
            BatchOptions options) {
        Map<SpecialUse, FolderPath> targetByRole = new EnumMap<>(SpecialUse.class);
        for (TargetFolder t : targetFolders) {
            if (t.specialUse() != null && t.specialUse() != SpecialUse.NONE) {
                targetByRole.putIfAbsent(t.specialUse(), t.path());
            }
            if (t.path().isInbox()) {
                targetByRole.putIfAbsent(SpecialUse.INBOX, t.path());
            }
        }
        targetByRole.putIfAbsent(SpecialUse.INBOX, FolderPath.of("INBOX"));

        Map<FolderPath, SpecialUse> sourceRoles = new HashMap<>();
        for (SourceFolder s : sourceFolders) {
            SpecialUse role = s.path().isInbox() ? SpecialUse.INBOX : s.specialUse();
            if (role != null && role != SpecialUse.NONE) {
                sourceRoles.put(normalize(s.path()), role);
            }
        }

        List<PlannedFolder> plan = new ArrayList<>();
        for (SourceFolder s : sourceFolders) {
            if (!s.selectable()) {
                continue;
            }
            FolderPath path = normalize(s.path());
            String excluded = null;
            for (FolderPath e : options.excludedFolders()) {
                if (path.startsWith(normalize(e))) {
                    excluded = "excluded by the batch settings (" + e + ")";
                    break;
                }
            }
            plan.add(new PlannedFolder(s, targetPath(path, options.folderMapping(), sourceRoles, targetByRole), excluded));
        }
        return plan;
    }

    static FolderPath targetPath(FolderPath path, Map<FolderPath, FolderPath> mapping, Map<FolderPath, SpecialUse> sourceRoles,
            Map<SpecialUse, FolderPath> targetByRole) {
        FolderPath bestKey = null;
        for (FolderPath key : mapping.keySet()) {
            FolderPath k = normalize(key);
            if (path.startsWith(k) && (bestKey == null || k.depth() > normalize(bestKey).depth())) {
                bestKey = key;
            }
        }
        if (bestKey != null) {
            return path.rebase(normalize(bestKey), mapping.get(bestKey));
        }
        // the nearest folder at or above this one that has a role the target also has
        for (FolderPath p = path; !p.isRoot(); p = p.parent()) {
            SpecialUse role = sourceRoles.get(p);
            if (role != null && targetByRole.containsKey(role)) {
                return path.rebase(p, targetByRole.get(role));
            }
        }
        return path;
    }

    /** IMAP's INBOX is case-insensitive; everything else is compared exactly. */
    static FolderPath normalize(FolderPath path) {
        if (!path.isRoot() && path.segments().get(0).equalsIgnoreCase("INBOX") && !path.segments().get(0).equals("INBOX")) {
            List<String> segments = new ArrayList<>(path.segments());
            segments.set(0, "INBOX");
            return FolderPath.of(segments);
        }
        return path;
    }
}
