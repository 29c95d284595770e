package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Graph's limit of 4 concurrent requests per mailbox, kept by the client whatever the number of callers. */
class MailboxConcurrencyTest {

    @Test
    void atMostFourRequestsAtOnceOnAMailboxWhileOtherMailboxesGoOn() throws Exception {
        Map<String, AtomicInteger> now = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
        AtomicInteger allNow = new AtomicInteger();
        AtomicInteger allMost = new AtomicInteger();
        sendAtOnce(16, exchange -> {
            String mailbox = exchange.getRequestURI().getPath().split("/")[3];
            int current = now.computeIfAbsent(mailbox, m -> new AtomicInteger()).incrementAndGet();
            most.computeIfAbsent(mailbox, m -> new AtomicInteger()).accumulateAndGet(current, Math::max);
            allMost.accumulateAndGet(allNow.incrementAndGet(), Math::max);
        }, exchange -> {
            allNow.decrementAndGet();
            now.get(exchange.getRequestURI().getPath().split("/")[3]).decrementAndGet();
        }, (base, i) -> new Request.Builder()
                .url(base + "users/" + (i < 12 ? "megan@contoso.com" : "alex@contoso.com") + "/messages").build());
        assertEquals(MailboxConcurrency.LIMIT, most.get("megan@contoso.com").get(), "4 at once, never more");
        assertTrue(allMost.get() > MailboxConcurrency.LIMIT, "another mailbox is not held up: " + allMost.get());
    }

    /** Graph runs 4 requests of a batch at once: while a batch on a mailbox is out, nothing else on it goes. */
    @Test
    void aBatchOnAMailboxTakesAllItsPlaces() throws Exception {
        AtomicInteger singlesNow = new AtomicInteger();
        AtomicInteger batchesNow = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger batchesSeen = new AtomicInteger();
        Function<HttpExchange, Boolean> isBatch = exchange -> exchange.getRequestURI().getPath().endsWith("/$batch");
        sendAtOnce(12, exchange -> {
            boolean batch = isBatch.apply(exchange);
            AtomicInteger other = batch ? singlesNow : batchesNow;
            if ((batch ? batchesNow : singlesNow).incrementAndGet() > 1 && batch || other.get() > 0) {
                overlaps.incrementAndGet();
            }
            if (batch) {
                batchesSeen.incrementAndGet();
            }
        }, exchange -> (isBatch.apply(exchange) ? batchesNow : singlesNow).decrementAndGet(), (base, i) -> i % 3 == 0
                ? new Request.Builder().url(base + "$batch").tag(MailboxConcurrency.WholeMailbox.class,
                        new MailboxConcurrency.WholeMailbox("Megan@contoso.com")).build()
                : new Request.Builder().url(base + "users/megan@contoso.com/messages").build());
        assertEquals(4, batchesSeen.get());
        assertEquals(0, overlaps.get(), "a batch never ran beside another request on its mailbox");
    }

    /** The request a caller sends, from the server's base URL ({@code .../v1.0/}) and the caller's number. */
    private interface Requests {
        Request make(String base, int caller);
    }

    /**
     * {@code callers} requests sent at once through {@link MailboxConcurrency} to a server that calls {@code arrived},
     * takes 100 ms, calls {@code leaving} and answers 204; returns when all were answered.
     */
    private static void sendAtOnce(int callers, Consumer<HttpExchange> arrived, Consumer<HttpExchange> leaving,
            Requests requests) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", exchange -> {
            arrived.accept(exchange);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            leaving.accept(exchange);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            OkHttpClient http = new OkHttpClient.Builder().addInterceptor(new MailboxConcurrency()).build();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0/";
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                Request request = requests.make(base, i);
                calls.add(threads.submit(() -> {
                    try (Response response = http.newCall(request).execute()) {
                        return response.code();
                    }
                }));
            }
            for (Future<Integer> call : calls) {
                assertEquals(204, call.get());
            }
        } finally {
            threads.shutdownNow();
            server.stop(0);
        }
    }
}
