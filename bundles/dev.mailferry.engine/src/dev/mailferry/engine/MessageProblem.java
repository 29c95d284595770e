package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import java.time.Instant;

/**
 * One message of a mailbox that the last pass did not copy, as the detail report lists it.
 *
 * @param emailAddress the mailbox
 * @param folder       its source folder
 * @param uid          its source UID
 * @param messageId    its Message-ID, or null when it has none
 * @param size         its size in bytes
 * @param internalDate its internal date on the source
 * @param failed       true when it failed (tried again by the next pass), false when it was skipped on purpose
 * @param reason       why
 */
public record MessageProblem(String emailAddress, FolderPath folder, long uid, String messageId, long size,
        Instant internalDate, boolean failed, String reason) {
}
