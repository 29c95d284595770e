package dev.mailferry.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
    private record User(String id, String userPrincipalName, boolean mailbox) {
    }

    private final Office365StandIn tokens;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

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

    /** Answers {@code /v1.0/...}. */
    void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String claims = tokens.activeClaims(bearer(exchange), Office365StandIn.GRAPH_RESOURCE);
        if (claims == null) {
            send(exchange, 401, "InvalidAuthenticationToken", "Access token is empty, invalid or has expired.");
            return;
        }
        String[] path = exchange.getRequestURI().getRawPath().split("/");
        // "", "v1.0", "users", {id}, ...
        if (path.length < 4 || !path[2].equals("users") || !exchange.getRequestMethod().equals("GET")) {
            send(exchange, 400, "BadRequest", "Resource not found for the segment '" + (path.length > 2 ? path[2] : "")
                    + "'.");
            return;
        }
        String key = URLDecoder.decode(path[3], StandardCharsets.UTF_8);
        User user = users.get(key.toLowerCase(Locale.ROOT));
        if (user == null) {
            user = users.values().stream().filter(u -> u.id().equals(key)).findFirst().orElse(null);
        }
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
        if (path.length == 6 && path[4].equals("mailFolders")) {
            if (!hasRole(claims, "Mail.ReadWrite") && !hasRole(claims, "Mail.Read")) {
                send(exchange, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
            } else if (user == null) {
                send(exchange, 404, "ErrorInvalidUser", "The requested user '" + key + "' is invalid.");
            } else if (!user.mailbox()) {
                send(exchange, 404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is"
                        + " hosted on-premise.");
            } else if (!path[5].equalsIgnoreCase("inbox")) {
                send(exchange, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
            } else {
                String id = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((user.id() + "/inbox").getBytes(StandardCharsets.UTF_8));
                sendJson(exchange, 200, "{\"id\":\"" + id + "\",\"displayName\":\"Inbox\",\"parentFolderId\":\"root\","
                        + "\"childFolderCount\":0,\"unreadItemCount\":0,\"totalItemCount\":0,\"isHidden\":false}");
            }
            return;
        }
        send(exchange, 400, "BadRequest", "The stand-in does not serve " + exchange.getRequestURI().getPath());
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private static boolean hasRole(String claims, String role) {
        return claims.contains("\"" + role + "\"");
    }

    private static void send(HttpExchange exchange, int status, String code, String message) throws IOException {
        sendJson(exchange, status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + Office365StandIn.json(message)
                + "\",\"innerError\":{\"request-id\":\"" + UUID.randomUUID() + "\",\"date\":\""
                + java.time.Instant.now() + "\"}}}");
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        Office365StandIn.send(exchange, status, json);
    }
}
