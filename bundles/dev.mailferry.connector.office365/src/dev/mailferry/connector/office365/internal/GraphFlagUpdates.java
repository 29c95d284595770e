package dev.mailferry.connector.office365.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives messages of one mailbox new flags through Microsoft Graph, up to 20 PATCHes in one JSON batch ({@code $batch},
 * Graph's limit): an incremental pass that finds 1,000 changed messages makes 50 round trips instead of 1,000.
 *
 * <p>Graph answers each request of a batch on its own. One it throttled (429, 503, 504, with its own Retry-After) is sent
 * again in a later batch, after the longest wait asked; when Graph throttles every request of several batches in a row,
 * the engine is told to wait ({@link Kind#THROTTLED}). A message no longer in the mailbox (404
 * {@code ErrorItemNotFound}: its user deleted or moved it; Graph ids change with the folder) has nothing to update, as
 * IMAP's STORE on a UID that is gone. Any other refusal fails the call once the rest of the page is done.
 */
final class GraphFlagUpdates {

    /** Graph's limit of requests in one batch. */
    static final int BATCH_LIMIT = 20;
    /** Batches in a row in which Graph throttled every request, before the engine is asked to wait instead. */
    private static final int THROTTLED_BATCHES = 3;

    private final GraphMailbox mailbox;
    private final String doing;

    GraphFlagUpdates(GraphMailbox mailbox, String folderName) {
        this.mailbox = mailbox;
        this.doing = "update the flags of messages in '" + folderName + "'";
    }

    void apply(Map<String, MessageFlags> flagsByTargetId) throws ConnectorException {
        Deque<String> pending = new ArrayDeque<>(flagsByTargetId.keySet());
        List<String> refusals = new ArrayList<>();
        int throttledBatches = 0;
        while (!pending.isEmpty()) {
            List<String> ids = new ArrayList<>();
            while (ids.size() < BATCH_LIMIT && !pending.isEmpty()) {
                ids.add(pending.poll());
            }
            Map<String, JsonObject> responses = send(ids, flagsByTargetId);
            List<String> again = new ArrayList<>();
            Duration wait = Duration.ZERO;
            for (int i = 0; i < ids.size(); i++) {
                JsonObject response = responses.get(Integer.toString(i));
                int status = response != null && response.has("status") ? response.get("status").getAsInt() : 0;
                if (status / 100 == 2 || (status == 404 && "ErrorItemNotFound".equals(errorCode(response)))) {
                    continue;
                }
                if (status == 0 || status == 429 || status == 503 || status == 504) {
                    again.add(ids.get(i)); // unanswered or throttled: sent again
                    Duration asked = status == 0 ? Duration.ZERO : GraphMailbox.retryAfter(header(response, "Retry-After"));
                    wait = asked.compareTo(wait) > 0 ? asked : wait;
                } else {
                    refusals.add("HTTP " + status + " " + errorCode(response) + " - " + errorMessage(response));
                }
            }
            if (!again.isEmpty()) {
                throttledBatches = again.size() == ids.size() ? throttledBatches + 1 : 0;
                if (throttledBatches >= THROTTLED_BATCHES) {
                    throw ConnectorException.throttled("Microsoft Graph throttled every flag change of " + throttledBatches
                            + " batches in a row to " + doing + " of " + mailbox.user(), wait);
                }
                pause(wait);
                for (int i = again.size() - 1; i >= 0; i--) {
                    pending.addFirst(again.get(i));
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw new ConnectorException(Kind.PROTOCOL, "Microsoft Graph could not " + doing + " of " + mailbox.user()
                    + ": " + refusals.get(0) + (refusals.size() > 1 ? " (and " + (refusals.size() - 1) + " more)" : ""));
        }
    }

    /** One batch: request i changes {@code ids.get(i)}. Graph's responses by request id, in whatever order they came. */
    private Map<String, JsonObject> send(List<String> ids, Map<String, MessageFlags> flagsByTargetId)
            throws ConnectorException {
        JsonArray requests = new JsonArray();
        for (int i = 0; i < ids.size(); i++) {
            JsonObject request = new JsonObject();
            request.addProperty("id", Integer.toString(i));
            request.addProperty("method", "PATCH");
            request.addProperty("url", mailbox.batchUrl("/messages/" + GraphMailbox.encode(ids.get(i))));
            JsonObject headers = new JsonObject();
            headers.addProperty("Content-Type", "application/json");
            request.add("headers", headers);
            request.add("body", flagsJson(flagsByTargetId.get(ids.get(i))));
            requests.add(request);
        }
        JsonObject batch = new JsonObject();
        batch.add("requests", requests);
        GraphMailbox.Answer answer = mailbox.batch(batch.toString().getBytes(StandardCharsets.UTF_8), doing);
        if (answer.json() == null || !answer.json().has("responses") || !answer.json().get("responses").isJsonArray()) {
            throw new ConnectorException(Kind.PROTOCOL, "Microsoft Graph answered a batch to " + doing + " of "
                    + mailbox.user() + " without its responses");
        }
        Map<String, JsonObject> byId = new HashMap<>();
        for (JsonElement response : answer.json().getAsJsonArray("responses")) {
            if (response.isJsonObject() && response.getAsJsonObject().has("id")) {
                byId.put(response.getAsJsonObject().get("id").getAsString(), response.getAsJsonObject());
            }
        }
        return byId;
    }

    /**
     * Read state and follow-up flag through Graph's properties; "answered" as PR_LAST_VERB_EXECUTED (0 clears it).
     * PR_MESSAGE_FLAGS itself cannot change after creation.
     */
    static JsonObject flagsJson(MessageFlags flags) {
        JsonObject body = new JsonObject();
        body.addProperty("isRead", flags.has(SystemFlag.SEEN));
        JsonObject flag = new JsonObject();
        flag.addProperty("flagStatus", flags.has(SystemFlag.FLAGGED) ? "flagged" : "notFlagged");
        body.add("flag", flag);
        JsonObject lastVerb = new JsonObject();
        lastVerb.addProperty("id", GraphItem.LAST_VERB_EXECUTED);
        lastVerb.addProperty("value", flags.has(SystemFlag.ANSWERED) ? Integer.toString(GraphItem.VERB_REPLIED) : "0");
        JsonArray properties = new JsonArray();
        properties.add(lastVerb);
        body.add("singleValueExtendedProperties", properties);
        return body;
    }

    private static void pause(Duration wait) throws ConnectorException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(Kind.CONNECTION, "Interrupted while waiting out Microsoft Graph's throttling");
        }
    }

    private static String header(JsonObject response, String name) {
        if (response == null || !response.has("headers") || !response.get("headers").isJsonObject()) {
            return null;
        }
        for (Map.Entry<String, JsonElement> header : response.getAsJsonObject("headers").entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue().getAsString();
            }
        }
        return null;
    }

    private static JsonObject error(JsonObject response) {
        if (response == null || !response.has("body") || !response.get("body").isJsonObject()) {
            return null;
        }
        JsonElement error = response.getAsJsonObject("body").get("error");
        return error != null && error.isJsonObject() ? error.getAsJsonObject() : null;
    }

    private static String errorCode(JsonObject response) {
        JsonObject error = error(response);
        return error != null && error.has("code") ? error.get("code").getAsString() : "";
    }

    private static String errorMessage(JsonObject response) {
        JsonObject error = error(response);
        return error != null && error.has("message") ? error.get("message").getAsString() : "";
    }
}
