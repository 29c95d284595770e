package dev.mailferry.connector.office365.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Microsoft Graph requests on one mailbox for the Graph-only mode, over the SDK's HTTP client (its retry handler
 * already waits out a few 429/503 answers as Graph asks). What remains of a refusal after those retries becomes a
 * {@link ConnectorException}: {@link Kind#THROTTLED} with Graph's Retry-After, {@link Kind#AUTHENTICATION} for
 * 401/403, {@link ItemRefused} when Graph refuses one item (too large, invalid), so that only that message fails. The
 * client keeps to Graph's 4 concurrent requests per mailbox ({@link MailboxConcurrency}).
 */
final class GraphMailbox {

    /** Graph refuses request bodies over 4 MB with 413. */
    static final int REQUEST_LIMIT = 4 * 1024 * 1024;
    private static final MediaType JSON = MediaType.get("application/json");
    /** When Graph asks to wait without saying how long. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    /** Graph refused this one item; the message says why, in Graph's words. */
    static final class ItemRefused extends ConnectorException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        ItemRefused(String message, boolean tooLarge) {
            super(Kind.PROTOCOL, message);
            this.tooLarge = tooLarge;
        }

        /** Refused for its size (413, ErrorMessageSizeExceeded: over the mailbox's maximum message size). */
        boolean tooLarge() {
            return tooLarge;
        }
    }

    /** A Graph answer: its JSON (null when empty) and the headers the caller needs. */
    record Answer(JsonObject json, String location, String date) {
    }

    private final GraphDirectory directory;
    private final String user;
    private final String userPath;

    GraphMailbox(GraphDirectory directory, String userPrincipalName) {
        this.directory = directory;
        this.user = userPrincipalName;
        this.userPath = "/users/" + encode(userPrincipalName);
    }

    String user() {
        return user;
    }

    /** {@code /users/{upn}} + {@code path}, as a full URL. */
    String url(String path) {
        return directory.baseUrl() + userPath + path;
    }

    Answer get(String urlOrPath, String doing) throws ConnectorException {
        return send(new Request.Builder().url(full(urlOrPath)).get(), doing);
    }

    Answer post(String path, byte[] json, String doing) throws ConnectorException {
        return send(new Request.Builder().url(full(path)).post(RequestBody.create(json, JSON)), doing);
    }

    Answer patch(String path, byte[] json, String doing) throws ConnectorException {
        return send(new Request.Builder().url(full(path)).patch(RequestBody.create(json, JSON)), doing);
    }

    /**
     * POSTs a JSON batch ({@code $batch}, up to 20 requests on this mailbox, their URLs from {@link #batchUrl}); the
     * batch holds all of the mailbox's places in {@link MailboxConcurrency} while it runs.
     */
    Answer batch(byte[] json, String doing) throws ConnectorException {
        return send(new Request.Builder().url(directory.baseUrl() + "/$batch")
                .tag(MailboxConcurrency.WholeMailbox.class, new MailboxConcurrency.WholeMailbox(user))
                .post(RequestBody.create(json, JSON)), doing);
    }

    /** A request's URL inside a batch: relative to Graph's version, {@code /users/{upn}} + {@code path}. */
    String batchUrl(String path) {
        return userPath + path;
    }

    Answer delete(String path, String doing) throws ConnectorException {
        return send(new Request.Builder().url(full(path)).delete(), doing);
    }

    /**
     * PUTs one byte range to an upload session's URL. The URL carries its own authorization, so no token goes with it
     * (Graph documents that an Authorization header there may be refused).
     */
    Answer putRange(String uploadUrl, byte[] chunk, int length, long from, long total, String doing)
            throws ConnectorException {
        Request.Builder request = new Request.Builder().url(uploadUrl)
                .header("Content-Range", "bytes " + from + "-" + (from + length - 1) + "/" + total)
                .put(RequestBody.create(chunk, MediaType.get("application/octet-stream"), 0, length));
        return execute(request.build(), doing);
    }

    private String full(String urlOrPath) {
        return urlOrPath.startsWith("https://") ? urlOrPath : url(urlOrPath);
    }

    private Answer send(Request.Builder request, String doing) throws ConnectorException {
        Request built = request.build();
        // a token goes to Graph's own host only, whatever URL an answer (a next page) names
        if (!built.url().host().equalsIgnoreCase(okhttp3.HttpUrl.get(directory.baseUrl()).host())) {
            throw new ConnectorException(Kind.PROTOCOL, "Microsoft Graph named another host (" + built.url().host()
                    + ") to " + doing + " of " + user);
        }
        return execute(built.newBuilder().header("Authorization", "Bearer " + directory.accessToken()).build(), doing);
    }

    private Answer execute(Request request, String doing) throws ConnectorException {
        // at most 4 at once per mailbox: MailboxConcurrency, in the HTTP client
        try (Response response = directory.http().newCall(request).execute()) {
            String body = response.body() == null ? "" : response.body().string();
            if (response.isSuccessful()) {
                JsonObject json = null;
                if (!body.isBlank()) {
                    JsonElement parsed = JsonParser.parseString(body);
                    json = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
                }
                return new Answer(json, response.header("Location"), response.header("Date"));
            }
            throw refusal(response, body, doing);
        } catch (IOException | RuntimeException e) {
            throw directory.unreachable(doing + " of " + user, e);
        }
    }

    private ConnectorException refusal(Response response, String body, String doing) {
        int status = response.code();
        String code = "";
        String message = "";
        try {
            JsonObject error = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("error");
            code = error.has("code") ? error.get("code").getAsString() : "";
            message = error.has("message") ? error.get("message").getAsString() : "";
        } catch (RuntimeException notGraphsError) {
            message = body.length() > 200 ? body.substring(0, 200) : body;
        }
        String said = "Microsoft Graph could not " + doing + " of " + user + ": HTTP " + status
                + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : " - " + message);
        if (status == 429 || status == 503 || status == 504) {
            return ConnectorException.throttled(said, retryAfter(response.header("Retry-After")));
        }
        if (status == 401 || status == 403) {
            return new ConnectorException(Kind.AUTHENTICATION, said + " (the app needs Mail.ReadWrite, with admin"
                    + " consent)");
        }
        if (status == 404) {
            return new ConnectorException(Kind.NOT_FOUND, said);
        }
        if (status == 413 || (status >= 400 && status < 500)) {
            return new ItemRefused(said, status == 413 || said.contains("ErrorMessageSizeExceeded"));
        }
        return new ConnectorException(Kind.PROTOCOL, said);
    }

    /** Retry-After in seconds or as an HTTP date; Graph's default wait when it gives none. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT_WAIT;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant until = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), until);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return DEFAULT_WAIT;
            }
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
