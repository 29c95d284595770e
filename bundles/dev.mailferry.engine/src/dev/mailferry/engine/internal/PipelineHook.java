package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;

/**
 * Test seam: lets a test stop the engine at the worst moment (the target has accepted a message that is not yet
 * recorded) by throwing an {@link Error} that nothing in the engine catches, as a killed process would.
 */
public interface PipelineHook {

    PipelineHook NONE = new PipelineHook() {
    };

    /** Called when the target has accepted a message, before the engine records it. */
    default void accepted(String email, FolderPath source, MessageInfo message) {
    }
}
