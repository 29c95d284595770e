package dev.mailferry.core.spi;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;

/**
 * A folder as the source presents it.
 *
 * @param path       decoded hierarchy, relative to the user's root (UserRoot already removed)
 * @param nativeName the server's own name (encoded, with its delimiter), for messages and logs
 * @param specialUse the role, from SPECIAL-USE attributes or the folder's name
 * @param selectable false for \Noselect / \NonExistent hierarchy-only nodes, which hold no messages
 */
public record SourceFolder(FolderPath path, String nativeName, SpecialUse specialUse, boolean selectable) {
}
