package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import java.util.Objects;

/**
 * A folder of the sample mailbox.
 *
 * @param share      fraction of the corpus's messages stored here (0 for an empty folder)
 * @param subscribed whether the folder is in the user's subscription list
 */
public record CorpusFolder(FolderPath path, SpecialUse specialUse, double share, boolean subscribed) {

    public CorpusFolder {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(specialUse, "specialUse");
        if (path.isRoot()) {
            throw new IllegalArgumentException("The root is not a folder");
        }
    }

    public static CorpusFolder of(String displayPath, SpecialUse specialUse, double share) {
        return new CorpusFolder(FolderPath.parse(displayPath, '/'), specialUse, share, true);
    }
}
