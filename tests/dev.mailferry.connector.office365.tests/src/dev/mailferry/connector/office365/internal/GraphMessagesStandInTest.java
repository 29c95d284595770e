package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.demo.GraphStoredMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The Graph stand-in's message endpoints refuse what Graph documents it refuses, so that a connector passing the
 * Graph-only tests does not lean on a lenient stand-in. Requests go through the connector's {@link GraphMailbox}, which
 * reports a refusal with its HTTP status and Graph's error code.
 */
class GraphMessagesStandInTest extends GraphMailboxTestBase {

    private static final String RECEIVED = "{\"id\":\"Integer 0x0E07\",\"value\":\"1\"}";

    private static String refused(String path, String json) {
        return assertThrows(GraphMailbox.ItemRefused.class,
                () -> mailbox.post(path, json.getBytes(StandardCharsets.UTF_8), "test")).getMessage();
    }

    private static String create(String json) throws Exception {
        return mailbox.post("/mailFolders/inbox/messages", json.getBytes(StandardCharsets.UTF_8), "test").json()
                .get("id").getAsString();
    }

    private static String batchRefused(String json) {
        return assertThrows(GraphMailbox.ItemRefused.class,
                () -> mailbox.batch(json.getBytes(StandardCharsets.UTF_8), "test")).getMessage();
    }

    private static String patchRequest(String id, String messageId, String extra) {
        return "{\"id\":\"" + id + "\",\"method\":\"PATCH\",\"url\":\"" + mailbox.batchUrl("/messages/" + messageId)
                + "\",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"isRead\":true}" + extra + "}";
    }

    @Test
    void aBatchHoldsOneToTwentyRequestsWithIdsOfTheirOwnAndDependenciesOnEarlierOnes() throws Exception {
        String item = create("{\"subject\":\"batched\",\"singleValueExtendedProperties\":[" + RECEIVED + "]}");
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 21; i++) {
            many.append(i > 0 ? "," : "").append(patchRequest(Integer.toString(i), item, ""));
        }
        assertTrue(batchRefused(many + "]}").contains("HTTP 400"), "21 requests");
        assertTrue(batchRefused("{\"requests\":[]}").contains("HTTP 400"), "none");
        assertTrue(batchRefused("{\"requests\":[" + patchRequest("1", item, "") + "," + patchRequest("1", item, "")
                + "]}").contains("used twice"));
        assertTrue(batchRefused("{\"requests\":[" + patchRequest("1", item, ",\"dependsOn\":[\"2\"]") + ","
                + patchRequest("2", item, "") + "]}").contains("not an earlier request"));
        assertTrue(batchRefused("{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"https://graph.microsoft.com"
                + "/v1.0/users\"}]}").contains("relative"));

        // each request answered on its own: a body without Content-Type, an unknown item, and what depends on it
        String noContentType = "{\"id\":\"a\",\"method\":\"PATCH\",\"url\":\"" + mailbox.batchUrl("/messages/" + item)
                + "\",\"body\":{\"isRead\":false}}";
        com.google.gson.JsonObject answer = mailbox.batch(("{\"requests\":[" + noContentType + ","
                + patchRequest("b", "AAMkNoSuchItem", ",\"dependsOn\":[\"a\"]") + ","
                + patchRequest("c", item, ",\"dependsOn\":[\"b\"]") + "]}").getBytes(StandardCharsets.UTF_8), "test").json();
        java.util.Map<String, Integer> statuses = new java.util.HashMap<>();
        answer.getAsJsonArray("responses").forEach(r -> statuses.put(r.getAsJsonObject().get("id").getAsString(),
                r.getAsJsonObject().get("status").getAsInt()));
        assertEquals(java.util.Map.of("a", 400, "b", 424, "c", 424), statuses);

        int batchesBefore = standIn.graphBatches();
        answer = mailbox.batch(("{\"requests\":[" + patchRequest("x", item, "") + "," + patchRequest("y", "AAMkNoSuchItem", "")
                + "]}").getBytes(StandardCharsets.UTF_8), "test").json();
        statuses.clear();
        answer.getAsJsonArray("responses").forEach(r -> statuses.put(r.getAsJsonObject().get("id").getAsString(),
                r.getAsJsonObject().get("status").getAsInt()));
        assertEquals(java.util.Map.of("x", 200, "y", 404), statuses);
        assertEquals(batchesBefore + 1, standIn.graphBatches());
        assertTrue(standIn.graphMessages(MAILBOX).stream().filter(m -> m.id().equals(item)).findFirst().orElseThrow()
                .isRead());
    }

    @Test
    void aCreateWithUnknownPropertiesOrMalformedExtendedPropertiesIsRefused() {
        assertTrue(refused("/mailFolders/inbox/messages", "{\"subject\":\"x\",\"bogus\":1}")
                .contains("HTTP 400 RequestBodyRead"));
        assertTrue(refused("/mailFolders/inbox/messages", "{\"singleValueExtendedProperties\":[{\"id\":\"Integer 0xZZZZ\","
                + "\"value\":\"1\"}]}").contains("HTTP 400 ErrorInvalidProperty"));
        assertTrue(refused("/mailFolders/inbox/messages", "{\"singleValueExtendedProperties\":[{\"id\":\"String Name x\","
                + "\"value\":\"1\"}]}").contains("HTTP 400 ErrorInvalidProperty"));
        assertTrue(refused("/mailFolders/inbox/messages", "{\"singleValueExtendedProperties\":[{\"id\":\"SystemTime 0x0E06\","
                + "\"value\":\"yesterday\"}]}").contains("HTTP 400 ErrorInvalidExtendedPropertyValue"));
        assertTrue(refused("/mailFolders/inbox/messages", "{\"subject\":\"x\",}").contains("HTTP 400 BadRequest"),
                "strict JSON");
    }

    @Test
    void aRequestOver4MbIsRefusedWith413() {
        char[] text = new char[4 * 1024 * 1024];
        Arrays.fill(text, 'a');
        String message = refused("/mailFolders/inbox/messages", "{\"body\":{\"contentType\":\"text\",\"content\":\""
                + new String(text) + "\"}}");
        assertTrue(message.contains("HTTP 413"), message);
    }

    @Test
    void withoutMessageFlagsAnItemIsADraftAndItsFlagsCannotChangeAfterwards() throws Exception {
        String draft = create("{\"subject\":\"plain create\"}");
        String received = create("{\"subject\":\"received\",\"singleValueExtendedProperties\":[" + RECEIVED + "]}");
        GraphStoredMessage draftItem = standIn.graphMessages(MAILBOX).stream().filter(m -> m.id().equals(draft))
                .findFirst().orElseThrow();
        GraphStoredMessage receivedItem = standIn.graphMessages(MAILBOX).stream().filter(m -> m.id().equals(received))
                .findFirst().orElseThrow();
        assertTrue(draftItem.isDraft());
        assertEquals(false, receivedItem.isDraft());
        assertTrue(receivedItem.isRead(), "MSGFLAG_READ");
        String patch = assertThrows(GraphMailbox.ItemRefused.class, () -> mailbox.patch("/messages/" + received,
                ("{\"singleValueExtendedProperties\":[" + RECEIVED + "]}").getBytes(StandardCharsets.UTF_8), "test"))
                .getMessage();
        assertTrue(patch.contains("HTTP 400 ErrorInvalidPropertyUpdateSentMessage"), patch);
        String subject = assertThrows(GraphMailbox.ItemRefused.class, () -> mailbox.patch("/messages/" + received,
                "{\"subject\":\"changed\"}".getBytes(StandardCharsets.UTF_8), "test")).getMessage();
        assertTrue(subject.contains("HTTP 400"), subject);
    }

    @Test
    void largeAttachmentsMustGoThroughUploadSessionsWhoseChunksFollowTheRules() throws Exception {
        String id = create("{\"subject\":\"attachments\",\"singleValueExtendedProperties\":[" + RECEIVED + "]}");
        String big = Base64.getEncoder().encodeToString(new byte[3_000_000]);
        String inline = refused("/messages/" + id + "/attachments", "{\"@odata.type\":\"#microsoft.graph.fileAttachment\","
                + "\"name\":\"big.bin\",\"contentBytes\":\"" + big + "\"}");
        assertTrue(inline.contains("HTTP 413"), inline);
        String small = refused("/messages/" + id + "/attachments/createUploadSession",
                "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"small.bin\",\"size\":1000}}");
        assertTrue(small.contains("ErrorAttachmentSizeShouldNotBeLessThanMinimumSize"), small);
        String uploadUrl = mailbox.post("/messages/" + id + "/attachments/createUploadSession", ("{\"AttachmentItem\":"
                + "{\"attachmentType\":\"file\",\"name\":\"big.bin\",\"size\":3500000}}").getBytes(StandardCharsets.UTF_8),
                "test").json().get("uploadUrl").getAsString();
        byte[] chunk = new byte[GraphFolderWriter.CHUNK];
        String size = assertThrows(GraphMailbox.ItemRefused.class,
                () -> mailbox.putRange(uploadUrl, chunk, 100_000, 0, 3_500_000, "test")).getMessage();
        assertTrue(size.contains("HTTP 400 InvalidChunkSize"), "not a multiple of 320 KiB: " + size);
        String order = assertThrows(GraphMailbox.ItemRefused.class,
                () -> mailbox.putRange(uploadUrl, chunk, chunk.length, 327_680, 3_500_000, "test")).getMessage();
        assertTrue(order.contains("HTTP 416"), "not the next range: " + order);
        assertEquals(401, putWithAuthorization(uploadUrl), "the upload URL carries its own authorization");
        mailbox.putRange(uploadUrl, chunk, chunk.length, 0, 3_500_000, "test");
        assertEquals(null, mailbox.putRange(uploadUrl, chunk, 3_500_000 - chunk.length, chunk.length, 3_500_000, "test")
                .json(), "the last chunk answers 201 without a body");
        GraphStoredMessage item = standIn.graphMessages(MAILBOX).stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow();
        assertEquals(3_500_000, item.attachments().get(0).bytes().length);
    }

    /** A chunk PUT with an Authorization header, as a client that treats the upload URL as Graph's would send it. */
    private static int putWithAuthorization(String uploadUrl) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("standin", standIn.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .header("Authorization", "Bearer anything").header("Content-Range", "bytes 0-327679/3500000")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[327_680])).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
