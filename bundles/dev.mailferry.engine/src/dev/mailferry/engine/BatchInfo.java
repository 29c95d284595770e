package dev.mailferry.engine;

import java.time.Instant;
import java.util.List;

/**
 * A migration batch as stored in the project.
 *
 * @param name           unique within the project
 * @param state          life-cycle state
 * @param options        the batch's settings
 * @param mailboxes      the e-mail addresses of its mailboxes
 * @param created        when it was created
 * @param lastSyncStart  start of the last pass, null before the first
 * @param lastSyncEnd    end of the last finished pass, null before the first
 * @param passes         number of passes finished
 */
public record BatchInfo(String name, BatchState state, BatchOptions options, List<String> mailboxes, Instant created,
        Instant lastSyncStart, Instant lastSyncEnd, int passes) {

    public BatchInfo {
        mailboxes = List.copyOf(mailboxes);
    }
}
