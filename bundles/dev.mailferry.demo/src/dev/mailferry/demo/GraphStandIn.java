package dev.mailferry.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Microsoft Graph v1.0 part of {@link Office365StandIn}: the users of the tenant and their mailboxes' well-known
 * folders, with Graph's documented answers: 401 {@code InvalidAuthenticationToken} for a missing, foreign, expired or
 * non-Graph token; 403 ({@code Authorization_RequestDenied}, {@code ErrorAccessDenied}) when the token lacks the
 * application permission; 404 {@code Request_ResourceNotFound} for an unknown user, {@code ErrorInvalidUser} for mail
 * of an unknown user and {@code MailboxNotEnabledForRESTAPI} for a user without an Exchange Online mailbox.
 */
final class GraphStandIn {

    /** A user of the tenant; {@code mailbox} false for one without an Exchange Online mailbox (unlicensed, on-premises). */
    record User(String id, String userPrincipalName, boolean mailbox) {
    }

    private final Office365StandIn tokens;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger toThrottle = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** Graph's limit of concurrent requests per app and mailbox. */
    static final int CONCURRENT_REQUESTS_PER_MAILBOX = 4;
    /** Graph's limit of requests per app and mailbox in {@link #rateWindow} (Outlook service limits: 10,000/10 min). */
    private volatile int requestsPerWindow = 10_000;
    private volatile java.time.Duration rateWindow = java.time.Duration.ofMinutes(10);
    /** When each mailbox's requests within the current window arrived (System.nanoTime), oldest first. */
    private final Map<String, java.util.ArrayDeque<Long>> recentRequests = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> created = new ConcurrentHashMap<>();
    /** Per mailbox (lower-case user principal name): held while one of its folders is created. */
    private final Map<String, Object> folderCreation = new ConcurrentHashMap<>();
    private volatile ExchangeMailStore store;
    /** The message endpoints (Graph-only mode of the connector). */
    final GraphMessagesStandIn messages = new GraphMessagesStandIn(this);
    /** JSON batching ({@code $batch}). */
    final GraphBatchStandIn batch = new GraphBatchStandIn(this);

    /** Graph's well-known folder names and the folders Exchange gives them (its English names). */
    private static final Map<String, String> WELL_KNOWN = Map.of("inbox", "INBOX", "sentitems", "Sent Items", "drafts",
            "Drafts", "deleteditems", "Deleted Items", "junkemail", "Junk Email", "archive", "Archive");
    /**
     * Exchange's own top-level folders that are not mail folders: mailFolders and its IMAP do not list them, but a mail
     * folder of the same name cannot be created beside them.
     */
    private static final java.util.Set<String> NON_MAIL_FOLDERS = java.util.Set.of("calendar", "contacts", "tasks",
            "notes", "journal");
    /** Graph's default page size for mailFolders and childFolders. */
    static final int DEFAULT_PAGE_SIZE = 10;

    GraphStandIn(Office365StandIn tokens) {
        this.tokens = tokens;
    }

    void addUser(String userPrincipalName, boolean mailbox) {
        users.put(userPrincipalName.toLowerCase(Locale.ROOT),
                new User(UUID.nameUUIDFromBytes(userPrincipalName.getBytes(StandardCharsets.UTF_8)).toString(),
                        userPrincipalName, mailbox));
    }

    int requests() {
        return requests.get();
    }

    /** Answers the next {@code count} requests with 429 Too Many Requests and {@code Retry-After: seconds}. */
    void throttleNext(int count, int seconds) {
        retryAfterSeconds = seconds;
        toThrottle.set(count);
    }

    int throttled() {
        return throttled.get();
    }

    /** Lowers (for tests) or restores Graph's per-mailbox request limit: {@code requests} per {@code window}. */
    void limitRequestsPerMailbox(int requests, java.time.Duration window) {
        requestsPerWindow = requests;
        rateWindow = window;
        recentRequests.clear();
    }

    /**
     * Counts a request to {@code mailbox} against the limit; returns how long until the mailbox may ask again when it
     * is over it (the request is then not counted), else null.
     */
    private java.time.Duration overRateLimit(String mailbox) {
        java.util.ArrayDeque<Long> recent = recentRequests.computeIfAbsent(mailbox, m -> new java.util.ArrayDeque<>());
        long now = System.nanoTime();
        long window = rateWindow.toNanos();
        synchronized (recent) {
            while (!recent.isEmpty() && now - recent.peekFirst() >= window) {
                recent.pollFirst();
            }
            if (recent.size() >= requestsPerWindow) {
                return java.time.Duration.ofNanos(recent.peekFirst() + window - now);
            }
            recent.addLast(now);
            return null;
        }
    }

    void useMailStore(ExchangeMailStore mailStore) {
        this.store = mailStore;
    }

    java.util.Set<String> foldersCreated(String user) {
        return java.util.Set.copyOf(created.getOrDefault(user.toLowerCase(Locale.ROOT), java.util.Set.of()));
    }

    /** Answers {@code /v1.0/...}, within Graph's throttling: 429 with Retry-After, as Graph does. */
    void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        if (toThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            tooMany(exchange, "TooManyRequests", "Too many requests from this application.");
            return;
        }
        if (GraphBatchStandIn.serves(exchange)) {
            if (tokens.activeClaims(bearer(exchange), Office365StandIn.GRAPH_RESOURCE) == null) {
                send(exchange, 401, "InvalidAuthenticationToken", "Access token is empty, invalid or has expired.");
            } else {
                batch.answer(exchange); // each request in it comes back here, as if alone
            }
            return;
        }
        String[] segments = exchange.getRequestURI().getRawPath().split("/");
        String mailbox = segments.length > 3 ? URLDecoder.decode(segments[3], StandardCharsets.UTF_8)
                .toLowerCase(Locale.ROOT) : "";
        java.time.Duration wait = mailbox.isEmpty() ? null : overRateLimit(mailbox);
        if (wait != null) {
            throttled.incrementAndGet();
            // Retry-After in whole seconds, rounded up: asking again sooner would only be refused again
            exchange.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
            send(exchange, 429, "ApplicationThrottled", "Application is over its MailboxRequests limit.");
            return;
        }
        AtomicInteger concurrent = inFlight.computeIfAbsent(mailbox, m -> new AtomicInteger());
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                concurrent.decrementAndGet();
            }
        };
        try {
            if (concurrent.incrementAndGet() > CONCURRENT_REQUESTS_PER_MAILBOX) {
                tooMany(exchange, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
                return;
            }
            ANSWERING.set(release);
            answer(exchange);
        } finally {
            ANSWERING.remove();
            release.run();
        }
    }

    /**
     * Ends the place of the request this thread answers among its mailbox's concurrent requests. Called as its answer
     * goes out, before the client can have it: a client that sends its next request on receiving an answer must not
     * find the previous one still counted, as Graph does not count it.
     */
    static void answered() {
        Runnable release = ANSWERING.get();
        if (release != null) {
            ANSWERING.remove();
            release.run();
        }
    }

    /** The request this thread is answering: how to end its place among its mailbox's concurrent requests. */
    private static final ThreadLocal<Runnable> ANSWERING = new ThreadLocal<>();

    private void tooMany(HttpExchange exchange, String code, String message) throws IOException {
        throttled.incrementAndGet();
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        send(exchange, 429, code, message);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String claims = tokens.activeClaims(bearer(exchange), Office365StandIn.GRAPH_RESOURCE);
        if (claims == null) {
            send(exchange, 401, "InvalidAuthenticationToken", "Access token is empty, invalid or has expired.");
            return;
        }
        String[] path = exchange.getRequestURI().getRawPath().split("/");
        if (GraphMessagesStandIn.serves(path)) {
            messages.answer(exchange, claims, path);
            return;
        }
        if (path.length == 3 && path[2].equals("servicePrincipals") && exchange.getRequestMethod().equals("GET")) {
            servicePrincipals(exchange, claims);
            return;
        }
        // "", "v1.0", "users", {id}, ...
        boolean post = exchange.getRequestMethod().equals("POST");
        if (path.length < 4 || !path[2].equals("users") || !(exchange.getRequestMethod().equals("GET") || post)) {
            send(exchange, 400, "BadRequest", "Resource not found for the segment '" + (path.length > 2 ? path[2] : "")
                    + "'.");
            return;
        }
        String key = URLDecoder.decode(path[3], StandardCharsets.UTF_8);
        User user = user(key);
        if (path.length == 4) {
            if (!hasRole(claims, "User.Read.All") && !hasRole(claims, "Directory.Read.All")) {
                send(exchange, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            } else if (user == null) {
                send(exchange, 404, "Request_ResourceNotFound", "Resource '" + key + "' does not exist or one of its"
                        + " queried reference-property objects are not present.");
            } else {
                sendJson(exchange, 200, "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users/$entity\","
                        + "\"id\":\"" + user.id() + "\",\"userPrincipalName\":\"" + Office365StandIn.json(user.userPrincipalName())
                        + "\",\"mail\":\"" + Office365StandIn.json(user.userPrincipalName()) + "\",\"displayName\":\""
                        + Office365StandIn.json(user.userPrincipalName()) + "\"}");
            }
            return;
        }
        if (path.length >= 5 && path[4].equals("mailFolders")) {
            if (!hasRole(claims, "Mail.ReadWrite") && !(hasRole(claims, "Mail.Read") && !post)) {
                send(exchange, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
            } else if (user == null) {
                send(exchange, 404, "ErrorInvalidUser", "The requested user '" + key + "' is invalid.");
            } else if (!user.mailbox()) {
                send(exchange, 404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is"
                        + " hosted on-premise.");
            } else {
                mailFolders(exchange, user, path, post);
            }
            return;
        }
        send(exchange, 400, "BadRequest", "The stand-in does not serve " + exchange.getRequestURI().getPath());
    }

    /** The user named by a user principal name or an id, or null. */
    User user(String key) {
        User user = users.get(key.toLowerCase(Locale.ROOT));
        return user != null ? user : users.values().stream().filter(u -> u.id().equals(key)).findFirst().orElse(null);
    }

    /** The folder (path) a Graph id or well-known name stands for in the user's mailbox, or null. */
    List<String> folder(User user, String idOrName) throws IOException {
        ExchangeMailStore mail = store;
        return mail == null ? null : folderOf(user, idOrName, mail.folders(user.userPrincipalName()));
    }

    /**
     * {@code mailFolders}, {@code mailFolders/{id}}, {@code mailFolders/{id}/childFolders}: GET a folder or a page of
     * children ({@code $top}, default 10, {@code $skip}, {@code @odata.nextLink}), POST {@code {"displayName": ...}}
     * to create one (409 {@code ErrorFolderExists} when it exists, case ignored as Exchange does).
     */
    private void mailFolders(HttpExchange exchange, User user, String[] path, boolean post) throws IOException {
        ExchangeMailStore mail = store;
        if (mail == null) {
            send(exchange, 503, "ServiceUnavailable", "The stand-in has no mailbox store");
            return;
        }
        List<List<String>> folders = mail.folders(user.userPrincipalName());
        List<String> parent;
        if (path.length == 5) {
            parent = List.of(); // the top of the mailbox (msgfolderroot)
        } else {
            parent = folderOf(user, URLDecoder.decode(path[5], StandardCharsets.UTF_8), folders);
            if (parent == null) {
                send(exchange, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
                return;
            }
        }
        if (path.length == 6 && !post) {
            sendJson(exchange, 200, folderJson(user, parent, folders, messageCounts(mail, user)));
            return;
        }
        if (path.length == 7 && !path[6].equals("childFolders") || path.length > 7 || (path.length == 6 && post)) {
            send(exchange, 400, "BadRequest", "Unsupported segment in " + exchange.getRequestURI().getPath());
            return;
        }
        if (post) {
            createFolder(exchange, user, mail, parent);
            return;
        }
        List<List<String>> children = childrenOf(parent, folders);
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int top = Integer.parseInt(query.getOrDefault("$top", Integer.toString(DEFAULT_PAGE_SIZE)));
        int skip = Integer.parseInt(query.getOrDefault("$skip", "0"));
        StringBuilder page = new StringBuilder("{\"value\":[");
        Map<List<String>, Long> counts = messageCounts(mail, user);
        for (int i = skip; i < Math.min(children.size(), skip + top); i++) {
            page.append(i > skip ? "," : "").append(folderJson(user, children.get(i), folders, counts));
        }
        page.append(']');
        if (skip + top < children.size()) {
            String base = "https://127.0.0.1:" + exchange.getLocalAddress().getPort() + exchange.getRequestURI().getRawPath();
            page.append(",\"@odata.nextLink\":\"").append(base).append("?%24top=").append(top).append("&%24skip=")
                    .append(skip + top).append('"');
        }
        sendJson(exchange, 200, page.append('}').toString());
    }

    /**
     * POST {@code {"displayName": ...}}: creates a child of {@code parent}. A mailbox's folders are created one at a time,
     * as Exchange's store does: of two requests for the same name, one gets 201 and the other 409, never both 201.
     */
    private void createFolder(HttpExchange exchange, User user, ExchangeMailStore mail, List<String> parent)
            throws IOException {
        synchronized (folderCreation.computeIfAbsent(user.userPrincipalName().toLowerCase(Locale.ROOT), u -> new Object())) {
            List<List<String>> folders = mail.folders(user.userPrincipalName());
            List<List<String>> children = childrenOf(parent, folders);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher name = DISPLAY_NAME.matcher(body);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.startsWith("application/json") || !name.find()) {
                send(exchange, 400, "ErrorInvalidRequest", "The request body must be JSON with a displayName.");
                return;
            }
            String displayName = unescape(name.group(1));
            if (displayName.isBlank() || displayName.length() > 255) {
                send(exchange, 400, "ErrorInvalidFolderName", "The folder name is not valid.");
                return;
            }
            if (children.stream().anyMatch(c -> c.get(c.size() - 1).equalsIgnoreCase(displayName))
                    || parent.isEmpty() && NON_MAIL_FOLDERS.contains(displayName.toLowerCase(Locale.ROOT))) {
                send(exchange, 409, "ErrorFolderExists", "A folder with the specified name already exists.");
                return;
            }
            List<String> folder = new ArrayList<>(parent);
            folder.add(displayName);
            mail.create(user.userPrincipalName(), folder);
            created.computeIfAbsent(user.userPrincipalName().toLowerCase(Locale.ROOT),
                    u -> ConcurrentHashMap.newKeySet()).add(String.join("/", folder));
            folders.add(folder);
            sendJson(exchange, 201, folderJson(user, folder, folders, Map.of()));
        }
    }

    private static List<List<String>> childrenOf(List<String> parent, List<List<String>> folders) {
        List<List<String>> children = new ArrayList<>();
        for (List<String> folder : folders) {
            if (folder.size() == parent.size() + 1 && folder.subList(0, parent.size()).equals(parent)) {
                children.add(folder);
            }
        }
        return children;
    }

    private static final java.util.regex.Pattern DISPLAY_NAME = java.util.regex.Pattern
            .compile("\"displayName\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The folder a Graph id or well-known name stands for, or null. */
    private static List<String> folderOf(User user, String idOrName, List<List<String>> folders) {
        String wellKnown = WELL_KNOWN.get(idOrName.toLowerCase(Locale.ROOT));
        if (wellKnown != null) {
            return folders.stream().filter(f -> f.size() == 1 && f.get(0).equalsIgnoreCase(wellKnown)).findFirst()
                    .orElse(null);
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(idOrName), StandardCharsets.UTF_8);
            if (!decoded.startsWith(user.id() + "|")) {
                return null;
            }
            List<String> folder = List.of(decoded.substring(user.id().length() + 1).split("\u0001"));
            return folders.contains(folder) ? folder : null;
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    /**
     * Messages per folder (totalItemCount): those in the mail store (written over IMAP) and those created through
     * Graph (kept by {@link GraphMessagesStandIn}).
     */
    private Map<List<String>, Long> messageCounts(ExchangeMailStore mail, User user) throws IOException {
        Map<List<String>, Long> counts = new java.util.HashMap<>(mail.messageCounts(user.userPrincipalName()));
        for (GraphStoredMessage m : messages.messages(user.userPrincipalName())) {
            counts.merge(List.of(m.folder().split("/")), 1L, Long::sum);
        }
        return counts;
    }

    /** A mailFolder resource; {@code counts}: messages per folder (totalItemCount). */
    private static String folderJson(User user, List<String> folder, List<List<String>> folders,
            Map<List<String>, Long> counts) {
        long children = folders.stream().filter(f -> f.size() == folder.size() + 1
                && f.subList(0, folder.size()).equals(folder)).count();
        String name = folder.get(folder.size() - 1);
        String displayName = folder.size() == 1 && name.equals("INBOX") ? "Inbox" : name;
        String parentId = folder.size() == 1 ? "msgfolderroot" : id(user, folder.subList(0, folder.size() - 1));
        return "{\"id\":\"" + id(user, folder) + "\",\"displayName\":\"" + Office365StandIn.json(displayName)
                + "\",\"parentFolderId\":\"" + parentId + "\",\"childFolderCount\":" + children
                + ",\"unreadItemCount\":0,\"totalItemCount\":" + counts.getOrDefault(folder, 0L)
                + ",\"isHidden\":false}";
    }

    static String id(User user, List<String> folder) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (user.id() + "|" + String.join("\u0001", folder)).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new java.util.HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static String unescape(String json) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                char next = json.charAt(++i);
                switch (next) {
                    case 'n' -> text.append('\n');
                    case 't' -> text.append('\t');
                    case 'r' -> text.append('\r');
                    case 'u' -> {
                        text.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> text.append(next);
                }
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    /** {@code servicePrincipals?$filter=appId eq '...'}: the app's enterprise application (Application.Read.All). */
    private void servicePrincipals(HttpExchange exchange, String claims) throws IOException {
        if (!hasRole(claims, "Application.Read.All") && !hasRole(claims, "Directory.Read.All")) {
            send(exchange, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }
        String filter = query(exchange.getRequestURI().getRawQuery()).getOrDefault("$filter", "");
        java.util.regex.Matcher appId = java.util.regex.Pattern.compile("^appId eq '([0-9a-fA-F-]+)'$").matcher(filter);
        if (!appId.matches()) {
            send(exchange, 400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified.");
            return;
        }
        StringBuilder value = new StringBuilder("{\"value\":[");
        if (appId.group(1).equalsIgnoreCase(tokens.clientId())) {
            value.append("{\"id\":\"").append(tokens.servicePrincipalId()).append("\",\"appId\":\"")
                    .append(tokens.clientId()).append("\"}");
        }
        sendJson(exchange, 200, value.append("]}").toString());
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    static boolean hasRole(String claims, String role) {
        return claims.contains("\"" + role + "\"");
    }

    static void send(HttpExchange exchange, int status, String code, String message) throws IOException {
        sendJson(exchange, status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + Office365StandIn.json(message)
                + "\",\"innerError\":{\"request-id\":\"" + UUID.randomUUID() + "\",\"date\":\""
                + java.time.Instant.now() + "\"}}}");
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        Office365StandIn.send(exchange, status, json);
    }
}
