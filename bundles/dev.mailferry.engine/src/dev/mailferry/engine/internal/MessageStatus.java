package dev.mailferry.engine.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The state of one source message in the message map. The database stores each as its {@link #letter()}, so projects
 * written before this enum existed read the same.
 */
public enum MessageStatus {

    /** On the target, appended by the engine or found there already. */
    COPIED('C'),
    /** Left out by planning (too large, beyond the item limit, deleted); decided afresh by every scan. */
    SKIPPED('S'),
    /** Refused by the target; tried again by every pass. */
    FAILED('F'),
    /**
     * Copied, but since gone from the source; it stays on the target, unless the batch mirrors deletions (then its
     * target copy is deleted and it becomes {@link #DELETED_ON_TARGET}).
     */
    VANISHED('V'),
    /** Copied, since gone from the source, and deleted on the target by mirror deletion: on neither side any more. */
    DELETED_ON_TARGET('D'),
    /**
     * Refused by the target for its size: counts as skipped, but unlike a {@link #SKIPPED} message it is tried again by
     * every pass, like a {@link #FAILED} one, in case the target's limit was raised.
     */
    TOO_LARGE_FOR_TARGET('T');

    private final char letter;

    MessageStatus(char letter) {
        this.letter = letter;
    }

    /** The letter stored in the database's {@code status} column. */
    public char letter() {
        return letter;
    }

    /** The letter as a string, to bind to a statement's parameter. */
    String code() {
        return String.valueOf(letter);
    }

    /** The letter as an SQL string literal, e.g. {@code 'C'}. */
    String sql() {
        return "'" + letter + "'";
    }

    /** An SQL list of the statuses' literals for {@code IN}, e.g. {@code ('C', 'V')}. */
    static String sqlList(MessageStatus... statuses) {
        return Arrays.stream(statuses).map(MessageStatus::sql).collect(Collectors.joining(", ", "(", ")"));
    }

    /** The status stored as {@code code}. */
    static MessageStatus ofCode(String code) throws StoreException {
        for (MessageStatus s : values()) {
            if (code != null && code.length() == 1 && code.charAt(0) == s.letter) {
                return s;
            }
        }
        throw new StoreException("The project's state database holds an unknown message status '" + code + "'", null);
    }
}
