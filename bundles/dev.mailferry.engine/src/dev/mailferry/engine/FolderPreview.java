package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;

/**
 * One source folder as a pass over its mailbox would plan it now, read from the servers without copying anything.
 *
 * @param source   the source folder
 * @param target   the target folder its messages would go to (the batch's mapping, the special-use mapping and the
 *                 target's naming rules applied), or null when it is not copied
 * @param messages messages in it on the source now (0 for a folder that only holds others)
 * @param role     its role on the source (Sent, Drafts...), by which it goes to the target's folder of that role unless
 *                 the batch maps it; {@link SpecialUse#NONE} for a plain folder
 * @param note     why it is not copied (excluded...) or why its target name differs, else null
 */
public record FolderPreview(FolderPath source, FolderPath target, long messages, SpecialUse role, String note) {
}
