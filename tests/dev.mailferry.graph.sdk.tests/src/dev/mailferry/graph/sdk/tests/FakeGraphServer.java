package dev.mailferry.graph.sdk.tests;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain-HTTP server on 127.0.0.1 that answers like Microsoft Graph v1.0 for the requests the tests make: canned
 * answers per "METHOD path?query" (path decoded, without the /v1.0 prefix), taken in order, the last one repeated.
 * It records every request it receives.
 */
final class FakeGraphServer implements AutoCloseable {

    record Answer(int status, String json, Map<String, String> headers) {
        static Answer ok(String json) {
            return new Answer(200, json, Map.of());
        }
    }

    record Seen(String method, String rawPath, String path, String query, Map<String, List<String>> headers,
            String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", e.getValue());
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeGraphServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The Graph base URL of this server, as the SDK's request adapter takes it. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
    }

    /** Queues answers for "METHOD /path" or "METHOD /path?decodedQuery" (the query as the server decodes it). */
    void on(String request, Answer... queued) {
        answers.computeIfAbsent(request, k -> new ArrayDeque<>()).addAll(List.of(queued));
    }

    List<Seen> seen(String method, String path) {
        List<Seen> result = new ArrayList<>();
        for (Seen s : seen) {
            if (s.method().equals(method) && s.path().equals(path)) {
                result.add(s);
            }
        }
        return result;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            path = path.startsWith("/v1.0") ? path.substring("/v1.0".length()) : path;
            String query = exchange.getRequestURI().getQuery();
            String method = exchange.getRequestMethod();
            seen.add(new Seen(method, exchange.getRequestURI().getRawPath(), path, query,
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Deque<Answer> queue = query == null ? null : answers.get(method + " " + path + "?" + query);
            if (queue == null) {
                queue = answers.get(method + " " + path);
            }
            Answer answer;
            if (queue == null) {
                answer = new Answer(404, error("ResourceNotFound", "no fake answer for " + method + " " + path), Map.of());
            } else {
                synchronized (queue) {
                    answer = queue.size() > 1 ? queue.poll() : queue.peek();
                }
            }
            byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    static String error(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\","
                + "\"innerError\":{\"request-id\":\"0b1c\",\"date\":\"2026-12-01T10:00:00\"}}}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
