package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;

/**
 * Test seam: lets a test stop the engine at the worst moment (the target has accepted a message that is not yet
 * recorded) by throwing an {@link Error} that nothing in the engine catches, as a killed process would, and see how a
 * pass read each folder.
 */
public interface PipelineHook {

    PipelineHook NONE = new PipelineHook() {
    };

    /** Called when the target has accepted a message, before the engine records it. */
    default void accepted(String email, FolderPath source, MessageInfo message) {
    }

    /** Called when the target has deleted messages for mirror deletion (by these ids), before the engine records it. */
    default void deletedOnTarget(String email, FolderPath target, java.util.List<String> targetIds) {
    }

    /**
     * Called when a pass has read a source folder (or one UID range of a split folder): {@code changesOnly} when it asked
     * only for what changed since the last complete pass, else it listed every message; {@code messages} as many as the
     * source listed.
     */
    default void scanned(String email, FolderPath source, boolean changesOnly, long messages) {
    }
}
