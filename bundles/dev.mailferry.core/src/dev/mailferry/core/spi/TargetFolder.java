package dev.mailferry.core.spi;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;

/**
 * A folder as the target presents it.
 *
 * @param path       decoded hierarchy
 * @param id         the target's own identifier (IMAP: the encoded name; Graph: the folder id)
 * @param specialUse the role the target gives it (e.g. Exchange's "Sent Items" is SENT)
 */
public record TargetFolder(FolderPath path, String id, SpecialUse specialUse) {
}
