package dev.mailferry.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graph's JSON batching ({@code POST /v1.0/$batch}), as documented: 1 to 20 requests, each with an id unique in the
 * batch, a method and a URL relative to the version ({@code /users/...}); a body needs its Content-Type header. Each
 * request is answered as if it had come alone, through the same authorization and throttling (a 429 inside the batch
 * carries its own Retry-After), and Graph dispatches at most 4 of a batch at once. {@code dependsOn} names earlier
 * requests of the batch; a request whose dependency failed is answered 424. Responses come in any order.
 */
final class GraphBatchStandIn {

    /** Graph's limit of requests in one batch. */
    static final int MAX_REQUESTS = 20;
    /** How many of a batch's requests Graph dispatches at once. */
    static final int DISPATCHED_AT_ONCE = 4;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");

    private final GraphStandIn graph;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger batchedRequests = new AtomicInteger();

    GraphBatchStandIn(GraphStandIn graph) {
        this.graph = graph;
    }

    /** Batches answered so far, and the requests they held. */
    int batches() {
        return batches.get();
    }

    int batchedRequests() {
        return batchedRequests.get();
    }

    static boolean serves(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        return path.equals("/v1.0/$batch") || path.equalsIgnoreCase("/v1.0/%24batch");
    }

    /** One request of the batch, checked. */
    private record Part(String id, String method, String url, Map<String, String> headers, byte[] body,
            List<String> dependsOn) {
    }

    /** What the batch answers for one request. */
    private record Answered(String id, int status, Map<String, String> headers, String body) {
    }

    void answer(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            GraphStandIn.send(exchange, 405, "Request_BadRequest", "The $batch endpoint takes POST only.");
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            GraphStandIn.send(exchange, 400, "BadRequest", "A batch request must be JSON (Content-Type application/json).");
            return;
        }
        List<Part> parts;
        try {
            parts = parts(JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)));
        } catch (RuntimeException e) { // malformed JSON, or a member of the wrong type
            GraphStandIn.send(exchange, 400, "BadRequest", "Invalid batch payload: " + e.getMessage());
            return;
        }
        batches.incrementAndGet();
        batchedRequests.addAndGet(parts.size());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        List<Answered> answered = parts.stream().anyMatch(p -> !p.dependsOn().isEmpty())
                ? inOrder(exchange, parts, authorization)
                : fourAtATime(exchange, parts, authorization);
        JsonArray responses = new JsonArray();
        for (Answered a : answered) {
            JsonObject response = new JsonObject();
            response.addProperty("id", a.id());
            response.addProperty("status", a.status());
            JsonObject headers = new JsonObject();
            a.headers().forEach(headers::addProperty);
            response.add("headers", headers);
            if (!a.body().isBlank()) {
                response.add("body", JsonParser.parseString(a.body()));
            }
            responses.add(response);
        }
        JsonObject body = new JsonObject();
        body.add("responses", responses);
        Office365StandIn.send(exchange, 200, body.toString());
    }

    /** The batch's requests, or IllegalArgumentException naming what breaks Graph's rules. */
    private static List<Part> parts(JsonElement payload) {
        if (!payload.isJsonObject() || !payload.getAsJsonObject().has("requests")
                || !payload.getAsJsonObject().get("requests").isJsonArray()) {
            throw new IllegalArgumentException("the body must be an object with a 'requests' array");
        }
        JsonArray requests = payload.getAsJsonObject().getAsJsonArray("requests");
        if (requests.isEmpty() || requests.size() > MAX_REQUESTS) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_REQUESTS + " requests, not "
                    + requests.size());
        }
        List<Part> parts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonElement element : requests) {
            JsonObject request = element.getAsJsonObject();
            String id = string(request, "id");
            if (!ids.add(id)) {
                throw new IllegalArgumentException("the id '" + id + "' is used twice");
            }
            String method = string(request, "method").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("request " + id + ": unknown method " + method);
            }
            String url = string(request, "url");
            if (url.contains("://")) {
                throw new IllegalArgumentException("request " + id + ": the url must be relative to the version");
            }
            Map<String, String> headers = new HashMap<>();
            if (request.has("headers")) {
                request.getAsJsonObject("headers").entrySet()
                        .forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().getAsString()));
            }
            byte[] body = request.has("body") ? request.get("body").toString().getBytes(StandardCharsets.UTF_8) : null;
            List<String> dependsOn = new ArrayList<>();
            if (request.has("dependsOn")) {
                for (JsonElement dependency : request.getAsJsonArray("dependsOn")) {
                    if (!ids.contains(dependency.getAsString()) || dependency.getAsString().equals(id)) {
                        throw new IllegalArgumentException("request " + id + " depends on '" + dependency.getAsString()
                                + "', which is not an earlier request of the batch");
                    }
                    dependsOn.add(dependency.getAsString());
                }
            }
            parts.add(new Part(id, method, url, headers, body, dependsOn));
        }
        return parts;
    }

    private static String string(JsonObject request, String name) {
        JsonElement value = request.get(name);
        if (value == null || !value.isJsonPrimitive() || value.getAsString().isEmpty()) {
            throw new IllegalArgumentException("every request needs a non-empty '" + name + "'");
        }
        return value.getAsString();
    }

    /** No dependencies: Graph dispatches the requests 4 at a time and answers them as they finish. */
    private List<Answered> fourAtATime(HttpExchange outer, List<Part> parts, String authorization) throws IOException {
        ExecutorService dispatcher = Executors.newFixedThreadPool(DISPATCHED_AT_ONCE);
        try {
            List<Future<Answered>> futures = new ArrayList<>();
            for (Part part : parts) {
                futures.add(dispatcher.submit(() -> dispatch(outer, part, authorization)));
            }
            List<Answered> answered = new ArrayList<>();
            for (Future<Answered> f : futures) {
                answered.add(f.get());
            }
            java.util.Collections.shuffle(answered); // Graph gives no order
            return answered;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            dispatcher.shutdownNow();
        }
    }

    /** With dependencies: one after another, in the batch's order; a request whose dependency failed gets 424. */
    private List<Answered> inOrder(HttpExchange outer, List<Part> parts, String authorization) throws IOException {
        Map<String, Integer> statuses = new HashMap<>();
        List<Answered> answered = new ArrayList<>();
        for (Part part : parts) {
            Answered a = part.dependsOn().stream().anyMatch(d -> statuses.get(d) / 100 != 2)
                    ? new Answered(part.id(), 424, Map.of(), "{\"error\":{\"code\":\"FailedDependency\",\"message\":\""
                            + "A request this one depends on failed.\"}}")
                    : dispatch(outer, part, authorization);
            statuses.put(part.id(), a.status());
            answered.add(a);
        }
        return answered;
    }

    /** Answers one request of the batch as the stand-in answers it alone. */
    private Answered dispatch(HttpExchange outer, Part part, String authorization) throws IOException {
        if (part.body() != null && !part.headers().containsKey("content-type")) {
            return new Answered(part.id(), 400, Map.of("Content-Type", "application/json"), "{\"error\":{\"code\":"
                    + "\"BadRequest\",\"message\":\"A request with a body needs a Content-Type header.\"}}");
        }
        String path = part.url().startsWith("/") ? part.url() : "/" + part.url();
        BatchedExchange inner = new BatchedExchange(outer, part.method(), URI.create("/v1.0" + path), part.body());
        if (authorization != null) {
            inner.getRequestHeaders().set("Authorization", authorization);
        }
        part.headers().forEach((name, value) -> inner.getRequestHeaders().set(name, value));
        graph.handle(inner);
        Map<String, String> headers = new HashMap<>();
        inner.getResponseHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
        return new Answered(part.id(), inner.getResponseCode(), headers,
                new String(inner.response.toByteArray(), StandardCharsets.UTF_8));
    }

    /** One request of a batch, shaped as an exchange of its own so that the stand-in's handlers answer it unchanged. */
    private static final class BatchedExchange extends HttpExchange {
        private final HttpExchange outer;
        private final String method;
        private final URI uri;
        private final Headers requestHeaders = new Headers();
        private final Headers responseHeaders = new Headers();
        private InputStream requestBody;
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        private OutputStream responseBody = response;
        private int status = -1;

        BatchedExchange(HttpExchange outer, String method, URI uri, byte[] body) {
            this.outer = outer;
            this.method = method;
            this.uri = uri;
            this.requestBody = new ByteArrayInputStream(body == null ? new byte[0] : body);
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public HttpContext getHttpContext() {
            return outer.getHttpContext();
        }

        @Override
        public void close() {
            // the batch answers for it
        }

        @Override
        public InputStream getRequestBody() {
            return requestBody;
        }

        @Override
        public OutputStream getResponseBody() {
            return responseBody;
        }

        @Override
        public void sendResponseHeaders(int code, long length) {
            status = code;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return outer.getRemoteAddress();
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return outer.getLocalAddress();
        }

        @Override
        public String getProtocol() {
            return outer.getProtocol();
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
            // no attributes
        }

        @Override
        public void setStreams(InputStream in, OutputStream out) {
            if (in != null) {
                requestBody = in;
            }
            if (out != null) {
                responseBody = out;
            }
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
