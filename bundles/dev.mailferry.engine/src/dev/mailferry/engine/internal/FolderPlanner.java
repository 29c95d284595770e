package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetSession;
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
 *
 * <p>The wanted path then becomes one the target can hold ({@link TargetSession#storablePath}: a '.' in a name on a
 * '.'-separated target becomes '_'), and the names are made collision-free: two source folders never go into one
 * target folder unless the batch's mapping sends one of them there. A folder whose target name would collide gets
 * " (2)", " (3)"... after its name; folders whose name the target holds as it is are served first (a real "v1_2" keeps
 * its name, "v1.2" becomes "v1_2 (2)"), and a subfolder follows its parent's new name. A folder keeps the target it
 * was recorded with in an earlier pass as long as that still fits its wanted path, so that a folder added later never
 * renames an existing one. On a target that compares names without regard to case (Exchange), names that differ only
 * in case collide too. A copied folder whose name was changed says why in its note (the report shows it).
 */
public final class FolderPlanner {

    /** {@link TargetSession#storablePath} of the target the plan is for. */
    @FunctionalInterface
    public interface StorablePaths {
        FolderPath storable(FolderPath wanted) throws ConnectorException;
    }

    /**
     * One source folder's plan; {@code excludedReason} is null when the folder is copied; {@code renameNote} says why a
     * copied folder's target name differs from its wanted one (null when it does not).
     */
    public record PlannedFolder(SourceFolder source, FolderPath target, String excludedReason, String renameNote) {
        public PlannedFolder(SourceFolder source, FolderPath target, String excludedReason) {
            this(source, target, excludedReason, null);
        }

        public boolean copied() {
            return excludedReason == null;
        }

        /** What the report notes for this folder: why it is not copied, or why its name changed, or null. */
        public String note() {
            return copied() ? renameNote : excludedReason;
        }
    }

    private FolderPlanner() {
    }

    /** Plans for a target that holds every name as it is, with no folder recorded yet. */
    public static List<PlannedFolder> plan(List<SourceFolder> sourceFolders, List<TargetFolder> targetFolders,
            BatchOptions options) {
        try {
            return plan(sourceFolders, targetFolders, options, Map.of(), path -> path);
        } catch (ConnectorException e) {
            throw new IllegalStateException(e); // the identity does not throw
        }
    }

    /**
     * Plans the selectable source folders, in the source's order (parents before children). {@code recordedTargets}:
     * the target of every folder recorded by earlier passes, by source path (also those gone from the source or
     * excluded now: their target folders hold their messages, so no other folder is sent there).
     */
    public static List<PlannedFolder> plan(List<SourceFolder> sourceFolders, List<TargetFolder> targetFolders,
            BatchOptions options, Map<FolderPath, FolderPath> recordedTargets, StorablePaths storable)
            throws ConnectorException {
        return plan(sourceFolders, targetFolders, options, recordedTargets, storable, false);
    }

    /**
     * As above; {@code namesIgnoreCase}: the target takes names that differ only in case for one folder
     * ({@link TargetSession#ignoresFolderNameCase}).
     */
    public static List<PlannedFolder> plan(List<SourceFolder> sourceFolders, List<TargetFolder> targetFolders,
            BatchOptions options, Map<FolderPath, FolderPath> recordedTargets, StorablePaths storable,
            boolean namesIgnoreCase) throws ConnectorException {
        List<PlannedFolder> wanted = wantedTargets(sourceFolders, targetFolders, options);
        return collisionFree(wanted, options, recordedTargets, storable, namesIgnoreCase);
    }

    private static List<PlannedFolder> wantedTargets(List<SourceFolder> sourceFolders, List<TargetFolder> targetFolders,
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

    /** One copied folder while its target is decided. */
    private static final class Decision {
        final PlannedFolder planned;
        final FolderPath storableWanted;
        final boolean mapped;
        FolderPath target;

        Decision(PlannedFolder planned, FolderPath storableWanted, boolean mapped) {
            this.planned = planned;
            this.storableWanted = storableWanted;
            this.mapped = mapped;
        }
    }

    private static List<PlannedFolder> collisionFree(List<PlannedFolder> wanted, BatchOptions options,
            Map<FolderPath, FolderPath> recordedTargets, StorablePaths storable, boolean namesIgnoreCase)
            throws ConnectorException {
        java.util.function.UnaryOperator<FolderPath> key = namesIgnoreCase ? FolderPlanner::lowerCase : p -> p;
        Map<FolderPath, Decision> bySource = new java.util.LinkedHashMap<>();
        List<Decision> decisions = new ArrayList<>();
        java.util.Set<FolderPath> planned = new java.util.HashSet<>();
        for (PlannedFolder p : wanted) {
            if (p.copied()) {
                Decision d = new Decision(p, storable.storable(p.target()), isMapped(normalize(p.source().path()),
                        options.folderMapping()));
                decisions.add(d);
                bySource.put(p.source().path(), d);
                planned.add(p.source().path());
            }
        }
        // target -> whether a folder sending messages there was sent by the batch's mapping (which may share it)
        Map<FolderPath, Boolean> claimed = new HashMap<>();
        recordedTargets.forEach((source, target) -> {
            if (!planned.contains(source)) {
                claimed.merge(key.apply(target), false, Boolean::logicalOr); // gone or excluded: its messages are there
            }
        });
        // 1. a folder keeps its recorded target while it still fits (folders an older version merged stay merged,
        // rather than have their new messages go elsewhere than their old ones)
        for (Decision d : decisions) {
            FolderPath recorded = recordedTargets.get(d.planned.source().path());
            if (recorded != null && fits(recorded, d.storableWanted) && storable.storable(recorded).equals(recorded)) {
                d.target = recorded;
                claimed.merge(key.apply(recorded), d.mapped, Boolean::logicalOr);
            }
        }
        // 2. names the target holds as they are, then the changed ones; parents before children in each
        for (boolean changed : new boolean[] {false, true}) {
            for (Decision d : decisions) {
                if (d.target != null || d.storableWanted.equals(d.planned.target()) == changed) {
                    continue;
                }
                FolderPath candidate = underParentsTarget(d, bySource);
                Boolean claimedByMapping = claimed.get(key.apply(candidate));
                if (claimedByMapping != null && !(d.mapped || claimedByMapping)) {
                    FolderPath base = candidate;
                    for (int n = 2; claimed.containsKey(key.apply(candidate)); n++) {
                        candidate = storable.storable(base.parent().child(base.name() + " (" + n + ")"));
                    }
                }
                d.target = candidate;
                claimed.merge(key.apply(candidate), d.mapped, Boolean::logicalOr);
            }
        }
        List<PlannedFolder> plan = new ArrayList<>();
        for (PlannedFolder p : wanted) {
            Decision d = p.copied() ? bySource.get(p.source().path()) : null;
            plan.add(d == null ? p : new PlannedFolder(p.source(), d.target, null, renameNote(p.target(), d)));
        }
        return plan;
    }

    /** Why the folder's target is not the path it wanted, or null when it is that path. */
    private static String renameNote(FolderPath wanted, Decision d) {
        if (d.target.equals(wanted)) {
            return null;
        }
        if (!d.storableWanted.equals(wanted) && d.target.equals(d.storableWanted)) {
            return "the target cannot hold the name " + wanted + "; stored as " + d.target;
        }
        if (!d.storableWanted.equals(wanted)) {
            return "the target cannot hold the name " + wanted + ", and " + d.storableWanted
                    + " is another folder's; stored as " + d.target;
        }
        return wanted + " is another folder's on the target; stored as " + d.target;
    }

    /** The path with every name in lower case, as a target that ignores case compares names. */
    static FolderPath lowerCase(FolderPath path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.segments()) {
            segments.add(segment.toLowerCase(java.util.Locale.ROOT));
        }
        return FolderPath.of(segments);
    }

    /** The folder's storable wanted path, below the target its nearest decided source parent got instead of its own. */
    private static FolderPath underParentsTarget(Decision d, Map<FolderPath, Decision> bySource) {
        for (FolderPath p = d.planned.source().path().parent(); !p.isRoot(); p = p.parent()) {
            Decision parent = bySource.get(p);
            if (parent != null && parent.target != null) {
                if (!parent.target.equals(parent.storableWanted) && d.storableWanted.startsWith(parent.storableWanted)
                        && !d.storableWanted.equals(parent.storableWanted)) {
                    return d.storableWanted.rebase(parent.storableWanted, parent.target);
                }
                break;
            }
        }
        return d.storableWanted;
    }

    /** True when {@code recorded} is {@code wanted}, some of its names perhaps with a " (n)" that made them unique. */
    static boolean fits(FolderPath recorded, FolderPath wanted) {
        if (recorded.depth() != wanted.depth()) {
            return false;
        }
        for (int i = 0; i < recorded.depth(); i++) {
            String r = recorded.segments().get(i);
            String w = wanted.segments().get(i);
            if (!r.equals(w) && !r.matches(java.util.regex.Pattern.quote(w) + " \\([0-9]+\\)")) {
                return false;
            }
        }
        return true;
    }

    /** True when the batch's folder mapping decides the target of {@code path}. */
    static boolean isMapped(FolderPath path, Map<FolderPath, FolderPath> mapping) {
        path = normalize(path);
        for (FolderPath key : mapping.keySet()) {
            if (path.startsWith(normalize(key))) {
                return true;
            }
        }
        return false;
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
