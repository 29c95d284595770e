package dev.mailferry.engine.internal;

import dev.mailferry.core.model.MessageInfo;

/** The per-message skip rules and their reasons, as the report shows them (the item limit is decided per mailbox). */
final class SkipRules {

    private static final String DELETED = "deleted on the source (flagged \\Deleted, awaiting expunge)";

    private SkipRules() {
    }

    private static String tooLarge(long maxMessageSize) {
        return "larger than the maximum message size of " + Sizes.human(maxMessageSize);
    }

    /** Why {@code message} is not copied, or null when it is. */
    static String reason(MessageInfo message, long maxMessageSize) {
        if (message.deleted()) {
            return DELETED;
        }
        return message.size() > maxMessageSize ? tooLarge(maxMessageSize) : null;
    }
}
