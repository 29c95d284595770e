package dev.mailferry.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message endpoints of the Graph stand-in, for the connector's Graph-only mode, as strict as Graph documents them:
 * <ul>
 * <li>{@code POST /users/{id}/mailFolders/{id}/messages}: a JSON create; unknown properties, malformed extended
 * property ids or values, non-file attachments refused (400); bodies over 4 MB refused (413). The item is a draft
 * unless PR_MESSAGE_FLAGS (0x0E07) is given without MSGFLAG_UNSENT; its receivedDateTime is PR_MESSAGE_DELIVERY_TIME
 * (0x0E06), its sentDateTime PR_CLIENT_SUBMIT_TIME (0x0039).</li>
 * <li>{@code GET .../messages} with {@code $top} (default 10), {@code $skip}, {@code $filter=createdDateTime ge ...},
 * {@code $select} and {@code $expand=singleValueExtendedProperties($filter=id eq '...' or ...)}, paged by
 * {@code @odata.nextLink}.</li>
 * <li>{@code PATCH /users/{id}/messages/{id}} (PR_MESSAGE_FLAGS only at creation; subject and body of a sent item not
 * at all), {@code DELETE}.</li>
 * <li>{@code POST .../messages/{id}/attachments} (a file attachment under 3 MB) and
 * {@code .../attachments/createUploadSession} (3 MB to 150 MB), whose {@code uploadUrl} takes {@code PUT}s without an
 * Authorization header, each with its Content-Range, in order, at most 4 MB and a multiple of 320 KiB except the last;
 * the last answers 201 with the attachment's Location.</li>
 * <li>An item over the mailbox's maximum message size (35 MB unless set) is refused with 413
 * {@code ErrorMessageSizeExceeded}.</li>
 * </ul>
 * Messages are kept in memory (tests use bounded sizes) and read back by {@link #messages(String)}.
 */
final class GraphMessagesStandIn {

    static final int REQUEST_LIMIT = 4 * 1024 * 1024;
    static final int SMALL_ATTACHMENT_LIMIT = 3_000_000;
    static final long LARGEST_ATTACHMENT = 150L * 1024 * 1024;
    static final int CHUNK_UNIT = 320 * 1024;

    private static final Set<String> MESSAGE_PROPERTIES = Set.of("subject", "body", "from", "sender", "toRecipients",
            "ccRecipients", "bccRecipients", "replyTo", "internetMessageId", "isRead", "flag", "importance",
            "categories", "attachments", "singleValueExtendedProperties", "multiValueExtendedProperties",
            "isReadReceiptRequested", "isDeliveryReceiptRequested", "inferenceClassification");
    private static final Set<String> PROPERTY_TYPES = Set.of("Binary", "Boolean", "Currency", "Double", "Integer",
            "Long", "Object", "Short", "String", "SystemTime", "CLSID", "ApplicationTime", "Error", "Null", "Float");
    private static final Pattern TAGGED = Pattern.compile("(\\w+) 0x[0-9A-Fa-f]{4}");
    private static final Pattern NAMED = Pattern.compile(
            "(\\w+) \\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\} (Name \\S.*|Id 0x[0-9A-Fa-f]{1,8})");
    private static final String MESSAGE_FLAGS = "integer 0x0e07";

    private final GraphStandIn graph;
    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicInteger tooLarge = new AtomicInteger();
    private final AtomicInteger chunks = new AtomicInteger();
    private volatile long maxMessageSize = 35L * 1024 * 1024;
    private volatile Duration uploadSessionLifetime = Duration.ofMinutes(15);

    /** One stored item. Guarded by itself. */
    private static final class Item {
        final String id = UUID.randomUUID().toString().replace("-", "");
        String user;
        List<String> folder;
        Instant created;
        JsonObject message;
        final Map<String, String> properties = new LinkedHashMap<>();
        final List<GraphStoredMessage.Attachment> attachments = new ArrayList<>();
        boolean draft;
        Integer messageFlags;
        boolean read;
        String flagStatus = "notFlagged";

        long size() {
            long size = message.toString().length();
            for (GraphStoredMessage.Attachment a : attachments) {
                size += a.bytes().length;
            }
            return size;
        }
    }

    private static final class Upload {
        Item item;
        String name;
        String contentType;
        boolean inline;
        String contentId;
        long size;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Instant expires;
    }

    GraphMessagesStandIn(GraphStandIn graph) {
        this.graph = graph;
    }

    void maxMessageSize(long bytes) {
        this.maxMessageSize = bytes;
    }

    void uploadSessionLifetime(Duration lifetime) {
        this.uploadSessionLifetime = lifetime;
    }

    int requestsTooLarge() {
        return tooLarge.get();
    }

    int uploadChunks() {
        return chunks.get();
    }

    /** The user's messages in creation order. */
    List<GraphStoredMessage> messages(String user) {
        List<GraphStoredMessage> found = new ArrayList<>();
        items.values().stream().filter(i -> i.user.equalsIgnoreCase(user))
                .sorted((a, b) -> a.created.compareTo(b.created)).forEach(i -> {
                    synchronized (i) {
                        JsonObject m = i.message;
                        JsonObject from = m.has("from") ? m.getAsJsonObject("from").getAsJsonObject("emailAddress") : null;
                        JsonObject body = m.has("body") ? m.getAsJsonObject("body") : new JsonObject();
                        found.add(new GraphStoredMessage(i.id, String.join("/", i.folder), i.created, received(i),
                                sent(i), text(m, "subject"), from == null ? null : text(from, "address"),
                                from == null ? null : text(from, "name"), i.read, i.draft, i.messageFlags, i.flagStatus,
                                text(m, "internetMessageId"), text(body, "contentType"), text(body, "content"),
                                Map.copyOf(i.properties), List.copyOf(i.attachments)));
                    }
                });
        return found;
    }

    /** True for the paths this class answers: {@code /v1.0/users/{id}/mailFolders/{id}/messages...} and {@code /messages...}. */
    static boolean serves(String[] path) {
        return path.length >= 6 && path[2].equals("users")
                && ((path[4].equals("mailFolders") && path.length >= 7 && path[6].equals("messages"))
                        || path[4].equals("messages"));
    }

    void answer(HttpExchange exchange, String claims, String[] path) throws IOException {
        String method = exchange.getRequestMethod();
        boolean write = !method.equals("GET");
        if (!GraphStandIn.hasRole(claims, "Mail.ReadWrite") && !(GraphStandIn.hasRole(claims, "Mail.Read") && !write)) {
            GraphStandIn.send(exchange, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
            return;
        }
        String key = URLDecoder.decode(path[3], StandardCharsets.UTF_8);
        GraphStandIn.User user = graph.user(key);
        if (user == null) {
            GraphStandIn.send(exchange, 404, "ErrorInvalidUser", "The requested user '" + key + "' is invalid.");
            return;
        }
        if (!user.mailbox()) {
            GraphStandIn.send(exchange, 404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive,"
                    + " soft-deleted, or is hosted on-premise.");
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            tooLarge.incrementAndGet();
            GraphStandIn.send(exchange, 413, "RequestEntityTooLarge", "The request body exceeds the 4 MB Microsoft"
                    + " Graph accepts; attach large files through an upload session.");
            return;
        }
        if (path[4].equals("mailFolders")) {
            List<String> folder = graph.folder(user, URLDecoder.decode(path[5], StandardCharsets.UTF_8));
            if (folder == null) {
                GraphStandIn.send(exchange, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
            } else if (path.length == 7 && method.equals("POST")) {
                create(exchange, user, folder, body);
            } else if (path.length == 7 && method.equals("GET")) {
                list(exchange, user, folder);
            } else {
                GraphStandIn.send(exchange, 405, "ErrorInvalidRequest", "The stand-in does not serve " + method + " "
                        + exchange.getRequestURI().getPath());
            }
            return;
        }
        Item item = items.get(URLDecoder.decode(path[5], StandardCharsets.UTF_8));
        if (item == null || !item.user.equalsIgnoreCase(user.userPrincipalName())) {
            GraphStandIn.send(exchange, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
            return;
        }
        if (path.length == 6) {
            switch (method) {
                case "GET" -> sendJson(exchange, 200, messageJson(item, null, null).toString());
                case "PATCH" -> patch(exchange, item, body);
                case "DELETE" -> {
                    items.remove(item.id);
                    GraphStandIn.answered();
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> GraphStandIn.send(exchange, 405, "ErrorInvalidRequest", "Method not allowed.");
            }
            return;
        }
        if (path.length == 7 && path[6].equals("attachments") && method.equals("POST")) {
            addAttachment(exchange, item, body);
        } else if (path.length == 8 && path[6].equals("attachments") && path[7].equals("createUploadSession")
                && method.equals("POST")) {
            createUploadSession(exchange, item, body);
        } else {
            GraphStandIn.send(exchange, 400, "BadRequest", "The stand-in does not serve " + method + " "
                    + exchange.getRequestURI().getPath());
        }
    }

    /** The body, or null when it is over Graph's 4 MB. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && Long.parseLong(length.trim()) > REQUEST_LIMIT) {
            exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
            return null;
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(REQUEST_LIMIT + 1);
            if (body.length > REQUEST_LIMIT) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return null;
            }
            return body;
        }
    }

    /** Strict JSON (no comments, no trailing data), an object; null after answering 400. */
    private static JsonObject parse(HttpExchange exchange, byte[] body) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            GraphStandIn.send(exchange, 415, "UnsupportedMediaType", "Content-Type must be application/json.");
            return null;
        }
        try (JsonReader reader = new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT || !element.isJsonObject()) {
                throw new IllegalStateException("not one object");
            }
            return element.getAsJsonObject();
        } catch (RuntimeException | IOException e) {
            GraphStandIn.send(exchange, 400, "BadRequest", "Unable to read JSON request payload. Please ensure"
                    + " Content-Type header is set and payload is of valid JSON format.");
            return null;
        }
    }

    /** Thrown with the answer Graph would give. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void create(HttpExchange exchange, GraphStandIn.User user, List<String> folder, byte[] body)
            throws IOException {
        JsonObject json = parse(exchange, body);
        if (json == null) {
            return;
        }
        try {
            for (String name : json.keySet()) {
                if (!MESSAGE_PROPERTIES.contains(name)) {
                    throw new Refusal(400, "RequestBodyRead", "The property '" + name
                            + "' does not exist on type 'microsoft.graph.message'.");
                }
            }
            checkMessage(json);
            Item item = new Item();
            item.user = user.userPrincipalName();
            item.folder = folder;
            item.created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Map<String, String> properties = properties(json, true);
            item.properties.putAll(properties);
            item.messageFlags = find(properties, MESSAGE_FLAGS) == null ? null
                    : Integer.valueOf(find(properties, MESSAGE_FLAGS));
            // without PR_MESSAGE_FLAGS Graph creates a draft; with it, "unsent" decides
            item.draft = item.messageFlags == null || (item.messageFlags & 0x8) != 0;
            item.read = json.has("isRead") ? json.get("isRead").getAsBoolean()
                    : item.messageFlags != null && (item.messageFlags & 0x1) != 0;
            if (json.has("flag")) {
                item.flagStatus = flagStatus(json.get("flag"));
            }
            if (json.has("attachments")) {
                for (JsonElement a : array(json, "attachments")) {
                    item.attachments.add(fileAttachment(a));
                }
            }
            JsonObject message = json.deepCopy();
            message.remove("attachments");
            message.remove("singleValueExtendedProperties");
            item.message = message;
            if (item.size() > maxMessageSize) {
                throw tooBig();
            }
            items.put(item.id, item);
            sendJson(exchange, 201, messageJson(item, null, null).toString());
        } catch (Refusal r) {
            refuse(exchange, r);
        }
    }

    private Refusal tooBig() {
        tooLarge.incrementAndGet();
        return new Refusal(413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size ("
                + maxMessageSize + " bytes).");
    }

    private static void refuse(HttpExchange exchange, Refusal r) throws IOException {
        GraphStandIn.send(exchange, r.status, r.code, r.getMessage());
    }

    private static void checkMessage(JsonObject json) throws Refusal {
        if (json.has("subject")) {
            string(json, "subject");
        }
        if (json.has("body")) {
            JsonObject body = object(json, "body");
            for (String name : body.keySet()) {
                if (!name.equals("contentType") && !name.equals("content")) {
                    throw new Refusal(400, "RequestBodyRead", "The property '" + name
                            + "' does not exist on type 'microsoft.graph.itemBody'.");
                }
            }
            String type = body.has("contentType") ? string(body, "contentType") : "text";
            if (!type.equalsIgnoreCase("text") && !type.equalsIgnoreCase("html")) {
                throw new Refusal(400, "RequestBodyRead", "Requested value '" + type + "' was not found.");
            }
            if (body.has("content")) {
                string(body, "content");
            }
        }
        for (String single : List.of("from", "sender")) {
            if (json.has(single)) {
                recipient(json.get(single));
            }
        }
        for (String list : List.of("toRecipients", "ccRecipients", "bccRecipients", "replyTo")) {
            if (json.has(list)) {
                for (JsonElement r : array(json, list)) {
                    recipient(r);
                }
            }
        }
        if (json.has("isRead") && !(json.get("isRead").isJsonPrimitive()
                && json.get("isRead").getAsJsonPrimitive().isBoolean())) {
            throw new Refusal(400, "RequestBodyRead", "Cannot convert the literal to the expected type 'Edm.Boolean'.");
        }
        if (json.has("flag")) {
            flagStatus(json.get("flag"));
        }
        if (json.has("internetMessageId") && !string(json, "internetMessageId").matches("<[^<>\\s]+>")) {
            throw new Refusal(400, "ErrorInvalidInternetMessageId", "The internet message id is not valid.");
        }
    }

    private static void recipient(JsonElement element) throws Refusal {
        if (!element.isJsonObject() || !element.getAsJsonObject().has("emailAddress")
                || !element.getAsJsonObject().get("emailAddress").isJsonObject()) {
            throw new Refusal(400, "RequestBodyRead", "A recipient must be {\"emailAddress\": {...}}.");
        }
        JsonObject address = element.getAsJsonObject().getAsJsonObject("emailAddress");
        for (String name : address.keySet()) {
            if (!name.equals("address") && !name.equals("name")) {
                throw new Refusal(400, "RequestBodyRead", "The property '" + name
                        + "' does not exist on type 'microsoft.graph.emailAddress'.");
            }
        }
        if (address.has("address")) {
            string(address, "address");
        }
    }

    private static String flagStatus(JsonElement flag) throws Refusal {
        if (!flag.isJsonObject()) {
            throw new Refusal(400, "RequestBodyRead", "flag must be a followupFlag object.");
        }
        String status = flag.getAsJsonObject().has("flagStatus") ? string(flag.getAsJsonObject(), "flagStatus")
                : "notFlagged";
        if (!Set.of("notFlagged", "complete", "flagged").contains(status)) {
            throw new Refusal(400, "RequestBodyRead", "Requested value '" + status + "' was not found.");
        }
        return status;
    }

    /**
     * The single-value extended properties of a create or update: ids in Graph's formats ({@code Type 0xTAG} or
     * {@code Type {GUID} Name n | Id 0xN}) with values of their type, each once.
     */
    private static Map<String, String> properties(JsonObject json, boolean creating) throws Refusal {
        Map<String, String> found = new LinkedHashMap<>();
        if (!json.has("singleValueExtendedProperties")) {
            return found;
        }
        for (JsonElement element : array(json, "singleValueExtendedProperties")) {
            if (!element.isJsonObject()) {
                throw new Refusal(400, "RequestBodyRead", "An extended property must be an object.");
            }
            JsonObject property = element.getAsJsonObject();
            for (String name : property.keySet()) {
                if (!name.equals("id") && !name.equals("value")) {
                    throw new Refusal(400, "RequestBodyRead", "The property '" + name
                            + "' does not exist on type 'microsoft.graph.singleValueLegacyExtendedProperty'.");
                }
            }
            String id = string(property, "id");
            String value = string(property, "value");
            Matcher tagged = TAGGED.matcher(id);
            Matcher named = NAMED.matcher(id);
            String type = tagged.matches() ? tagged.group(1) : named.matches() ? named.group(1) : null;
            if (type == null || !PROPERTY_TYPES.contains(type)) {
                throw new Refusal(400, "ErrorInvalidProperty", "The extended property id '" + id + "' is not valid.");
            }
            checkValue(id, type, value);
            if (!creating && id.equalsIgnoreCase(MESSAGE_FLAGS)) {
                throw new Refusal(400, "ErrorInvalidPropertyUpdateSentMessage", "PR_MESSAGE_FLAGS can only be set when"
                        + " the item is created.");
            }
            if (find(found, id) != null) {
                throw new Refusal(400, "ErrorDuplicatePropertyDefinition", "The property '" + id
                        + "' is given twice.");
            }
            found.put(id, value);
        }
        return found;
    }

    private static void checkValue(String id, String type, String value) throws Refusal {
        try {
            switch (type) {
                case "Integer", "Short" -> Integer.parseInt(value);
                case "Long" -> Long.parseLong(value);
                case "Double", "Float", "Currency" -> Double.parseDouble(value);
                case "Boolean" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new NumberFormatException(value);
                    }
                }
                case "SystemTime" -> Instant.parse(value);
                case "Binary" -> Base64.getDecoder().decode(value);
                default -> {
                    // String, CLSID...: any text
                }
            }
        } catch (RuntimeException e) {
            throw new Refusal(400, "ErrorInvalidExtendedPropertyValue", "The value of '" + id + "' is not a valid "
                    + type + ".");
        }
    }

    private static String find(Map<String, String> properties, String id) {
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(id)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static GraphStoredMessage.Attachment fileAttachment(JsonElement element) throws Refusal {
        if (!element.isJsonObject()) {
            throw new Refusal(400, "RequestBodyRead", "An attachment must be an object.");
        }
        JsonObject a = element.getAsJsonObject();
        String type = a.has("@odata.type") ? string(a, "@odata.type") : "";
        if (!type.equals("#microsoft.graph.fileAttachment")) {
            throw new Refusal(400, "RequestBodyRead", "The stand-in takes file attachments only ('@odata.type':"
                    + " '#microsoft.graph.fileAttachment'), not '" + type + "'.");
        }
        for (String name : a.keySet()) {
            if (!Set.of("@odata.type", "name", "contentType", "contentBytes", "isInline", "contentId", "size")
                    .contains(name)) {
                throw new Refusal(400, "RequestBodyRead", "The property '" + name
                        + "' does not exist on type 'microsoft.graph.fileAttachment'.");
            }
        }
        String name = string(a, "name");
        if (name.isBlank()) {
            throw new Refusal(400, "ErrorInvalidAttachmentName", "An attachment needs a name.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(string(a, "contentBytes"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "RequestBodyRead", "contentBytes is not base64.");
        }
        if (bytes.length >= SMALL_ATTACHMENT_LIMIT) {
            throw new Refusal(413, "ErrorAttachmentSizeShouldNotBeLargerThanMaximumSize", "Attach files of 3 MB and"
                    + " more through an upload session.");
        }
        boolean inline = a.has("isInline") && a.get("isInline").getAsBoolean();
        return new GraphStoredMessage.Attachment(name, a.has("contentType") ? string(a, "contentType")
                : "application/octet-stream", inline, a.has("contentId") ? string(a, "contentId") : null, bytes, false);
    }

    private void addAttachment(HttpExchange exchange, Item item, byte[] body) throws IOException {
        JsonObject json = parse(exchange, body);
        if (json == null) {
            return;
        }
        try {
            GraphStoredMessage.Attachment attachment = fileAttachment(json);
            synchronized (item) {
                if (item.size() + attachment.bytes().length > maxMessageSize) {
                    throw tooBig();
                }
                item.attachments.add(attachment);
            }
            JsonObject answer = new JsonObject();
            answer.addProperty("@odata.type", "#microsoft.graph.fileAttachment");
            answer.addProperty("id", UUID.randomUUID().toString());
            answer.addProperty("name", attachment.name());
            answer.addProperty("size", attachment.bytes().length);
            sendJson(exchange, 201, answer.toString());
        } catch (Refusal r) {
            refuse(exchange, r);
        }
    }

    private void createUploadSession(HttpExchange exchange, Item item, byte[] body) throws IOException {
        JsonObject json = parse(exchange, body);
        if (json == null) {
            return;
        }
        try {
            if (json.keySet().size() != 1 || !json.has("AttachmentItem")) {
                throw new Refusal(400, "RequestBodyRead", "The body must be {\"AttachmentItem\": {...}}.");
            }
            JsonObject a = object(json, "AttachmentItem");
            for (String name : a.keySet()) {
                if (!Set.of("attachmentType", "name", "size", "contentType", "isInline", "contentId").contains(name)) {
                    throw new Refusal(400, "RequestBodyRead", "The property '" + name
                            + "' does not exist on type 'microsoft.graph.attachmentItem'.");
                }
            }
            if (!"file".equals(a.has("attachmentType") ? string(a, "attachmentType") : null)) {
                throw new Refusal(400, "RequestBodyRead", "attachmentType must be 'file'.");
            }
            Upload upload = new Upload();
            upload.item = item;
            upload.name = string(a, "name");
            upload.size = a.has("size") ? a.get("size").getAsLong() : -1;
            upload.contentType = a.has("contentType") ? string(a, "contentType") : "application/octet-stream";
            upload.inline = a.has("isInline") && a.get("isInline").getAsBoolean();
            upload.contentId = a.has("contentId") ? string(a, "contentId") : null;
            upload.expires = Instant.now().plus(uploadSessionLifetime);
            if (upload.size < SMALL_ATTACHMENT_LIMIT) {
                throw new Refusal(400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize", "Attachment size must be at"
                        + " least 3 MB for an upload session.");
            }
            if (upload.size > LARGEST_ATTACHMENT) {
                throw new Refusal(400, "ErrorAttachmentSizeShouldNotBeLargerThanMaximumSize", "Attachments up to 150"
                        + " MB only.");
            }
            synchronized (item) {
                if (item.size() + upload.size > maxMessageSize) {
                    throw tooBig();
                }
            }
            String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
            uploads.put(token, upload);
            JsonObject answer = new JsonObject();
            answer.addProperty("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession");
            answer.addProperty("uploadUrl", "https://127.0.0.1:" + exchange.getLocalAddress().getPort()
                    + "/outlook-upload/" + token);
            answer.addProperty("expirationDateTime", upload.expires.toString());
            JsonArray next = new JsonArray();
            next.add("0-");
            answer.add("nextExpectedRanges", next);
            sendJson(exchange, 201, answer.toString());
        } catch (Refusal r) {
            refuse(exchange, r);
        } catch (RuntimeException e) {
            GraphStandIn.send(exchange, 400, "RequestBodyRead", "Invalid AttachmentItem: " + e.getMessage());
        }
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    /** {@code PUT /outlook-upload/{token}}: the pre-authenticated upload URL of a session. */
    void upload(HttpExchange exchange) throws IOException {
        String token = exchange.getRequestURI().getPath().substring("/outlook-upload/".length());
        Upload upload = uploads.get(token);
        // read first, whatever the answer: a client still sending its chunk would see the connection reset
        byte[] body = readBody(exchange);
        if (!exchange.getRequestMethod().equals("PUT")) {
            GraphStandIn.send(exchange, 405, "ErrorInvalidRequest", "Upload URLs take PUT.");
            return;
        }
        if (upload == null || Instant.now().isAfter(upload.expires)) {
            GraphStandIn.send(exchange, 404, "ErrorItemNotFound", "The upload session does not exist or has expired.");
            return;
        }
        if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
            GraphStandIn.send(exchange, 401, "InvalidAuthenticationToken", "The upload URL is pre-authenticated: send"
                    + " no Authorization header.");
            return;
        }
        if (body == null) {
            tooLarge.incrementAndGet();
            GraphStandIn.send(exchange, 413, "RequestEntityTooLarge", "A chunk may have at most 4 MB.");
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range.trim());
        if (m == null || !m.matches()) {
            GraphStandIn.send(exchange, 400, "InvalidContentRange", "Content-Range 'bytes from-to/total' is required.");
            return;
        }
        long from = Long.parseLong(m.group(1));
        long to = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        synchronized (upload) {
            long expected = upload.received.size();
            boolean last = to + 1 == upload.size;
            if (total != upload.size || from != expected || to < from || to - from + 1 != body.length) {
                GraphStandIn.send(exchange, 416, "InvalidRange", "Expected the range starting at " + expected
                        + " of " + upload.size + " bytes, with as many bytes as it names; got " + range + " with "
                        + body.length + " bytes.");
                return;
            }
            if (!last && body.length % CHUNK_UNIT != 0) {
                GraphStandIn.send(exchange, 400, "InvalidChunkSize", "Chunks other than the last must be a multiple of"
                        + " 320 KiB.");
                return;
            }
            upload.received.write(body);
            chunks.incrementAndGet();
            if (!last) {
                JsonObject answer = new JsonObject();
                answer.addProperty("expirationDateTime", upload.expires.toString());
                JsonArray next = new JsonArray();
                next.add(upload.received.size() + "-");
                answer.add("nextExpectedRanges", next);
                sendJson(exchange, 200, answer.toString());
                return;
            }
            uploads.remove(token);
            String attachmentId = UUID.randomUUID().toString();
            synchronized (upload.item) {
                upload.item.attachments.add(new GraphStoredMessage.Attachment(upload.name, upload.contentType,
                        upload.inline, upload.contentId, upload.received.toByteArray(), true));
            }
            exchange.getResponseHeaders().set("Location", "https://127.0.0.1:" + exchange.getLocalAddress().getPort()
                    + "/api/v2.0/Users('" + upload.item.user + "')/Messages('" + upload.item.id + "')/Attachments('"
                    + attachmentId + "')");
            GraphStandIn.answered();
            exchange.sendResponseHeaders(201, -1);
        }
    }

    private void patch(HttpExchange exchange, Item item, byte[] body) throws IOException {
        JsonObject json = parse(exchange, body);
        if (json == null) {
            return;
        }
        try {
            synchronized (item) {
                for (String name : json.keySet()) {
                    if (!MESSAGE_PROPERTIES.contains(name) || name.equals("attachments")) {
                        throw new Refusal(400, "RequestBodyRead", "The property '" + name
                                + "' does not exist on type 'microsoft.graph.message' or cannot be updated.");
                    }
                    if (!item.draft && Set.of("subject", "body", "from", "toRecipients", "ccRecipients",
                            "bccRecipients", "internetMessageId").contains(name)) {
                        throw new Refusal(400, "ErrorInvalidPropertyUpdateSentMessage", "Update is not allowed for"
                                + " property '" + name + "' on a sent message.");
                    }
                }
                checkMessage(json);
                Map<String, String> properties = properties(json, false);
                if (json.has("isRead")) {
                    item.read = json.get("isRead").getAsBoolean();
                }
                if (json.has("flag")) {
                    item.flagStatus = flagStatus(json.get("flag"));
                }
                for (Map.Entry<String, String> p : properties.entrySet()) {
                    item.properties.keySet().removeIf(k -> k.equalsIgnoreCase(p.getKey()));
                    item.properties.put(p.getKey(), p.getValue());
                }
                for (String name : json.keySet()) {
                    if (!name.equals("singleValueExtendedProperties")) {
                        item.message.add(name, json.get(name));
                    }
                }
            }
            sendJson(exchange, 200, messageJson(item, null, null).toString());
        } catch (Refusal r) {
            refuse(exchange, r);
        }
    }

    private static final Pattern CREATED_SINCE = Pattern.compile("createdDateTime ge (\\S+)");
    private static final Pattern EXPAND = Pattern.compile("singleValueExtendedProperties\\(\\$filter=(.+)\\)");
    private static final Pattern ID_EQ = Pattern.compile("id eq '([^']*)'");

    private void list(HttpExchange exchange, GraphStandIn.User user, List<String> folder) throws IOException {
        Map<String, String> query = GraphStandIn.query(exchange.getRequestURI().getRawQuery());
        int top;
        int skip;
        try {
            top = Integer.parseInt(query.getOrDefault("$top", "10"));
            skip = Integer.parseInt(query.getOrDefault("$skip", "0"));
            if (top < 1 || top > 1000 || skip < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            GraphStandIn.send(exchange, 400, "BadRequest", "Invalid $top or $skip.");
            return;
        }
        Instant since = null;
        String filter = query.get("$filter");
        if (filter != null) {
            Matcher m = CREATED_SINCE.matcher(filter.trim());
            try {
                if (!m.matches()) {
                    throw new DateTimeParseException("", filter, 0);
                }
                since = Instant.parse(m.group(1));
            } catch (DateTimeParseException e) {
                GraphStandIn.send(exchange, 400, "ErrorInvalidUrlQueryFilter", "The stand-in filters on"
                        + " 'createdDateTime ge <date>' only: " + filter);
                return;
            }
        }
        List<String> expandIds = null;
        String expand = query.get("$expand");
        if (expand != null) {
            Matcher m = EXPAND.matcher(expand.trim());
            if (!m.matches()) {
                GraphStandIn.send(exchange, 400, "BadRequest", "Unsupported $expand: " + expand);
                return;
            }
            expandIds = new ArrayList<>();
            for (String clause : m.group(1).split(" or ")) {
                Matcher id = ID_EQ.matcher(clause.trim());
                if (!id.matches() || !(TAGGED.matcher(id.group(1)).matches() || NAMED.matcher(id.group(1)).matches())) {
                    GraphStandIn.send(exchange, 400, "ErrorInvalidProperty", "Invalid extended property filter: "
                            + clause);
                    return;
                }
                expandIds.add(id.group(1));
            }
        }
        List<String> select = query.containsKey("$select") ? List.of(query.get("$select").split(",")) : null;
        Instant from = since;
        List<Item> matching = items.values().stream()
                .filter(i -> i.user.equalsIgnoreCase(user.userPrincipalName()) && i.folder.equals(folder)
                        && (from == null || !i.created.isBefore(from)))
                .sorted((a, b) -> a.created.compareTo(b.created) != 0 ? a.created.compareTo(b.created)
                        : a.id.compareTo(b.id))
                .toList();
        JsonArray value = new JsonArray();
        for (int i = skip; i < Math.min(matching.size(), skip + top); i++) {
            Item item = matching.get(i);
            synchronized (item) {
                value.add(messageJson(item, select, expandIds));
            }
        }
        JsonObject page = new JsonObject();
        page.add("value", value);
        if (skip + top < matching.size()) {
            String raw = exchange.getRequestURI().getRawQuery().replaceAll("(^|&)%24skip=\\d+|(^|&)\\$skip=\\d+", "");
            page.addProperty("@odata.nextLink", "https://127.0.0.1:" + exchange.getLocalAddress().getPort()
                    + exchange.getRequestURI().getRawPath() + "?" + raw + "&%24skip=" + (skip + top));
        }
        sendJson(exchange, 200, page.toString());
    }

    private JsonObject messageJson(Item item, List<String> select, List<String> expandIds) {
        JsonObject all = new JsonObject();
        all.addProperty("id", item.id);
        all.addProperty("createdDateTime", item.created.toString());
        Instant received = received(item);
        all.addProperty("receivedDateTime", received.toString());
        Instant sent = sent(item);
        if (sent != null) {
            all.addProperty("sentDateTime", sent.toString());
        }
        all.addProperty("isRead", item.read);
        all.addProperty("isDraft", item.draft);
        all.addProperty("hasAttachments", item.attachments.stream().anyMatch(a -> !a.isInline()));
        all.addProperty("parentFolderId", GraphStandIn.id(graph.user(item.user), item.folder));
        JsonObject flag = new JsonObject();
        flag.addProperty("flagStatus", item.flagStatus);
        all.add("flag", flag);
        for (String name : List.of("subject", "internetMessageId", "from", "toRecipients", "ccRecipients", "body")) {
            if (item.message.has(name)) {
                all.add(name, item.message.get(name));
            }
        }
        JsonObject answer = all;
        if (select != null) {
            answer = new JsonObject();
            answer.addProperty("id", item.id);
            for (String name : select) {
                if (all.has(name.trim())) {
                    answer.add(name.trim(), all.get(name.trim()));
                }
            }
        }
        if (expandIds != null) {
            JsonArray properties = new JsonArray();
            for (String id : expandIds) {
                for (Map.Entry<String, String> p : item.properties.entrySet()) {
                    if (p.getKey().equalsIgnoreCase(id)) {
                        JsonObject property = new JsonObject();
                        property.addProperty("id", p.getKey());
                        property.addProperty("value", p.getValue());
                        properties.add(property);
                    }
                }
            }
            if (!properties.isEmpty()) {
                answer.add("singleValueExtendedProperties", properties);
            }
        }
        return answer;
    }

    private static Instant received(Item item) {
        String delivery = find(item.properties, "SystemTime 0x0E06");
        return delivery != null ? Instant.parse(delivery) : item.created;
    }

    private static Instant sent(Item item) {
        String submit = find(item.properties, "SystemTime 0x0039");
        return submit != null ? Instant.parse(submit) : item.draft ? null : item.created;
    }

    private static String string(JsonObject json, String name) throws Refusal {
        JsonElement value = json.get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new Refusal(400, "RequestBodyRead", "'" + name + "' must be a string.");
        }
        return value.getAsString();
    }

    private static JsonObject object(JsonObject json, String name) throws Refusal {
        JsonElement value = json.get(name);
        if (value == null || !value.isJsonObject()) {
            throw new Refusal(400, "RequestBodyRead", "'" + name + "' must be an object.");
        }
        return value.getAsJsonObject();
    }

    private static JsonArray array(JsonObject json, String name) throws Refusal {
        JsonElement value = json.get(name);
        if (value == null || !value.isJsonArray()) {
            throw new Refusal(400, "RequestBodyRead", "'" + name + "' must be an array.");
        }
        return value.getAsJsonArray();
    }

    private static String text(JsonObject json, String name) {
        JsonElement value = json.get(name);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        Office365StandIn.send(exchange, status, json);
    }
}
