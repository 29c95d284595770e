package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", exchange -> {
            String mailbox = exchange.getRequestURI().getPath().split("/")[3];
            int current = now.computeIfAbsent(mailbox, m -> new AtomicInteger()).incrementAndGet();
            most.computeIfAbsent(mailbox, m -> new AtomicInteger()).accumulateAndGet(current, Math::max);
            allMost.accumulateAndGet(allNow.incrementAndGet(), Math::max);
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            allNow.decrementAndGet();
            now.get(mailbox).decrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            OkHttpClient http = new OkHttpClient.Builder().addInterceptor(new MailboxConcurrency()).build();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0/users/";
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String url = base + (i < 12 ? "megan@contoso.com" : "alex@contoso.com") + "/messages";
                calls.add(callers.submit(() -> {
                    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
                        return response.code();
                    }
                }));
            }
            for (Future<Integer> call : calls) {
                assertEquals(204, call.get());
            }
        } finally {
            callers.shutdownNow();
            server.stop(0);
        }
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
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", exchange -> {
            boolean batch = exchange.getRequestURI().getPath().endsWith("/$batch");
            AtomicInteger mine = batch ? batchesNow : singlesNow;
            AtomicInteger other = batch ? singlesNow : batchesNow;
            if (mine.incrementAndGet() > 1 && batch || other.get() > 0) {
                overlaps.incrementAndGet();
            }
            if (batch) {
                batchesSeen.incrementAndGet();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            mine.decrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            OkHttpClient http = new OkHttpClient.Builder().addInterceptor(new MailboxConcurrency()).build();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0/";
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Request request = i % 3 == 0
                        ? new Request.Builder().url(base + "$batch").tag(MailboxConcurrency.WholeMailbox.class,
                                new MailboxConcurrency.WholeMailbox("Megan@contoso.com")).build()
                        : new Request.Builder().url(base + "users/megan@contoso.com/messages").build();
                calls.add(callers.submit(() -> {
                    try (Response response = http.newCall(request).execute()) {
                        return response.code();
                    }
                }));
            }
            for (Future<Integer> call : calls) {
                assertEquals(204, call.get());
            }
        } finally {
            callers.shutdownNow();
            server.stop(0);
        }
        assertEquals(4, batchesSeen.get());
        assertEquals(0, overlaps.get(), "a batch never ran beside another request on its mailbox");
    }
}
