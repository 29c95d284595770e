package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.demo.GraphStoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Flag changes through Graph's JSON batches, against the stand-in's {@code $batch} and its throttling. */
class GraphFlagUpdatesTest extends GraphMailboxTestBase {

    private static final String RECEIVED = "{\"id\":\"Integer 0x0E07\",\"value\":\"0\"}";

    /** {@code count} unread, unflagged received items. */
    private static List<String> items(int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(mailbox.post("/mailFolders/inbox/messages", ("{\"subject\":\"item " + i
                    + "\",\"singleValueExtendedProperties\":[" + RECEIVED + "]}").getBytes(StandardCharsets.UTF_8), "test")
                    .json().get("id").getAsString());
        }
        return ids;
    }

    /** Even items read and flagged, odd ones answered only. */
    private static Map<String, MessageFlags> alternating(List<String> ids) {
        Map<String, MessageFlags> flags = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            flags.put(ids.get(i), MessageFlags.of(i % 2 == 0 ? EnumSet.of(SystemFlag.SEEN, SystemFlag.FLAGGED)
                    : EnumSet.of(SystemFlag.ANSWERED), Set.of()));
        }
        return flags;
    }

    private static void assertHaveTheirFlags(List<String> ids) {
        Map<String, GraphStoredMessage> stored = new LinkedHashMap<>();
        standIn.graphMessages(MAILBOX).forEach(m -> stored.put(m.id(), m));
        for (int i = 0; i < ids.size(); i++) {
            GraphStoredMessage m = stored.get(ids.get(i));
            boolean even = i % 2 == 0;
            assertEquals(even, m.isRead(), "item " + i);
            assertEquals(even ? "flagged" : "notFlagged", m.flagStatus(), "item " + i);
            assertEquals(even ? "0" : Integer.toString(GraphItem.VERB_REPLIED), m.property(GraphItem.LAST_VERB_EXECUTED),
                    "item " + i);
        }
    }

    @Test
    void changesGoTwentyToABatch() throws Exception {
        List<String> ids = items(45);
        int batches = standIn.graphBatches();
        int batched = standIn.graphBatchedRequests();
        new GraphFlagUpdates(mailbox, "INBOX").apply(alternating(ids));
        assertEquals(batches + 3, standIn.graphBatches(), "20 + 20 + 5");
        assertEquals(batched + 45, standIn.graphBatchedRequests());
        assertHaveTheirFlags(ids);
    }

    @Test
    void requestsGraphThrottlesInsideABatchAreSentAgainAfterTheirRetryAfter() throws Exception {
        List<String> ids = items(25);
        int throttled = standIn.graphThrottled();
        standIn.limitGraphRequestsPerMailbox(8, Duration.ofSeconds(1));
        try {
            new GraphFlagUpdates(mailbox, "INBOX").apply(alternating(ids));
        } finally {
            standIn.limitGraphRequestsPerMailbox(10_000, Duration.ofMinutes(10));
        }
        assertTrue(standIn.graphThrottled() > throttled, "Graph throttled some requests inside the batches");
        assertHaveTheirFlags(ids);
    }

    @Test
    void aMessageNoLongerInTheMailboxDoesNotStopTheOthers() throws Exception {
        List<String> ids = new ArrayList<>(items(3));
        ids.add(1, "AAMkAGoneSinceTheLastPass");
        Map<String, MessageFlags> flags = new LinkedHashMap<>();
        ids.forEach(id -> flags.put(id, MessageFlags.of(EnumSet.of(SystemFlag.SEEN), Set.of())));
        new GraphFlagUpdates(mailbox, "INBOX").apply(flags);
        for (GraphStoredMessage m : standIn.graphMessages(MAILBOX)) {
            if (ids.contains(m.id())) {
                assertTrue(m.isRead(), m.subject());
            }
        }
    }
}
