package dev.mailferry.connector.office365.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Keeps one app's requests on one mailbox ({@code /users/{id}/...}) to Graph's documented limit of concurrent requests
 * per app and mailbox, whoever makes them: the SDK (checks, folders) and the Graph-only writer's sessions alike. A
 * request waits for a place rather than being answered 429; the SDK's retry handler sleeps outside it.
 */
final class MailboxConcurrency implements Interceptor {

    /** Graph's limit of concurrent requests per app and mailbox. */
    static final int LIMIT = 4;

    private final Map<String, Semaphore> perMailbox = new ConcurrentHashMap<>();

    /**
     * Tags a JSON batch of requests on one mailbox: Graph runs up to {@link #LIMIT} of a batch at once, so the batch
     * takes all the mailbox's places, and the app's other requests on it wait rather than be answered 429 inside it.
     */
    record WholeMailbox(String mailbox) {
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        WholeMailbox batch = chain.request().tag(WholeMailbox.class);
        String mailbox = batch != null ? batch.mailbox().toLowerCase(Locale.ROOT) : mailbox(chain.request().url());
        if (mailbox == null) {
            return chain.proceed(chain.request());
        }
        int needed = batch != null ? LIMIT : 1;
        Semaphore places = perMailbox.computeIfAbsent(mailbox, m -> new Semaphore(LIMIT, true));
        try {
            places.acquire(needed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a place on mailbox " + mailbox);
        }
        try {
            return chain.proceed(chain.request());
        } finally {
            places.release(needed);
        }
    }

    /** The mailbox a Graph URL addresses, lower case, or null. */
    static String mailbox(HttpUrl url) {
        List<String> segments = url.pathSegments();
        int users = segments.indexOf("users");
        return users >= 0 && users + 1 < segments.size() ? segments.get(users + 1).toLowerCase(Locale.ROOT) : null;
    }
}
