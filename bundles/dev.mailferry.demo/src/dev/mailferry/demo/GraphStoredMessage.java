package dev.mailferry.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message as the Graph stand-in holds it after a JSON create (Graph-only mode), for tests to compare with the
 * source.
 *
 * @param folder             the folder's path, '/'-separated (Exchange's names: {@code INBOX}, {@code Sent Items})
 * @param isDraft            Graph's isDraft: PR_MESSAGE_FLAGS at creation had MSGFLAG_UNSENT, or was not given
 * @param messageFlags       PR_MESSAGE_FLAGS as given at creation, or null
 * @param extendedProperties single-value extended properties by id as the client wrote it
 */
public record GraphStoredMessage(String id, String folder, Instant createdDateTime, Instant receivedDateTime,
        Instant sentDateTime, String subject, String fromAddress, String fromName, boolean isRead, boolean isDraft,
        Integer messageFlags, String flagStatus, String internetMessageId, String bodyContentType, String body,
        Map<String, String> extendedProperties, List<Attachment> attachments) {

    /** A file attachment; {@code uploadedInChunks} when it came through an upload session. */
    public record Attachment(String name, String contentType, boolean isInline, String contentId, byte[] bytes,
            boolean uploadedInChunks) {
    }

    /** An extended property by id, compared without case as Exchange does; null when absent. */
    public String property(String id) {
        for (Map.Entry<String, String> e : extendedProperties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(id)) {
                return e.getValue();
            }
        }
        return null;
    }
}
