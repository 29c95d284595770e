package dev.mailferry.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for the parts of Microsoft's cloud that the Office 365 connector talks to, for tests and the
 * benchmark (nothing here reaches Microsoft). It is as strict as the documented contract:
 * <ul>
 * <li><b>Entra ID token endpoint</b> (HTTPS): {@code POST /{tenant}/oauth2/v2.0/token}, client-credentials grant only,
 * form-encoded, with the answers Entra gives: unknown tenant (400 {@code invalid_request}, AADSTS90002), unknown
 * application (400 {@code unauthorized_client}, AADSTS700016), wrong secret (401 {@code invalid_client},
 * AADSTS7000215), a scope that is not exactly {@code <resource>/.default} (400 {@code invalid_scope}, AADSTS1002012).
 * Tokens are JWTs (HS256, signed with a key of this instance) carrying {@code aud}, {@code tid}, {@code appid},
 * {@code roles} (the application permissions granted for that resource) and {@code exp}.</li>
 * <li><b>Token introspection</b> (RFC 7662, plain HTTP on loopback) for the Exchange Online IMAP stand-in: Dovecot's
 * {@code oauth2} passdb asks it whether a token is active; it is when this instance issued it, it has not expired,
 * its audience is Exchange Online and it carries {@code IMAP.AccessAsApp}.</li>
 * </ul>
 * The certificate is self-signed (CN=localhost, SAN 127.0.0.1); {@link DovecotServer.Builder#exchangeOnline} gives
 * the IMAP stand-in the same one, so one trusted fingerprint covers both, as one proxy's certificate would.
 */
public final class Office365StandIn implements AutoCloseable {

    static {
        // answers leave at once: with Nagle's algorithm on the server's sockets, an answer written in two parts waits
        // for the client's delayed ACK (up to 40 ms on Linux) before its second part, a delay Graph does not add. Read
        // once per process, by the first HTTP server created: set here, before this stand-in creates its own.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }


    /** Exchange Online's resource in the global cloud: the audience of IMAP tokens. */
    public static final String EXCHANGE_RESOURCE = "https://outlook.office365.com";
    /** Microsoft Graph's resource in the global cloud. */
    public static final String GRAPH_RESOURCE = "https://graph.microsoft.com";
    /** The application permission Exchange Online's IMAP needs for app-only logins. */
    public static final String IMAP_ACCESS_AS_APP = "IMAP.AccessAsApp";

    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access", "email");

    private final String tenantId;
    private final Set<String> tenantNames;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, List<String>> grantedRoles;
    private final Duration tokenLifetime;
    /** The application's registered certificate credential, or null when it has only its secret. */
    private final SelfSignedCertificate applicationCertificate;
    private final SelfSignedCertificate certificate;
    private final byte[] signingKey = new byte[32];
    private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger refusedIntrospections = new AtomicInteger();
    private final GraphStandIn graph = new GraphStandIn(this);
    private final HttpsServer https;
    private final HttpServer introspection;
    private final ExecutorService executor;

    private Office365StandIn(Builder builder) throws IOException {
        this.tenantId = builder.tenantId;
        this.tenantNames = Set.of(builder.tenantId.toLowerCase(Locale.ROOT), builder.tenantDomain.toLowerCase(Locale.ROOT));
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret;
        this.grantedRoles = Map.copyOf(builder.grantedRoles);
        this.tokenLifetime = builder.tokenLifetime;
        Files.createDirectories(builder.directory);
        this.applicationCertificate = builder.certificateCredential
                ? SelfSignedCertificate.createRsa(builder.directory.resolve("app-certificate.p12"), "Mailferry migration")
                : null;
        new SecureRandom().nextBytes(signingKey);
        this.certificate = SelfSignedCertificate.create(builder.directory.resolve("office365-standin.p12"));
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "office365-standin");
            thread.setDaemon(true);
            return thread;
        });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.https = HttpsServer.create(new InetSocketAddress(loopback, 0), 64);
        this.https.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        this.https.createContext("/", this::handleHttps);
        this.https.setExecutor(executor);
        this.introspection = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        this.introspection.createContext("/introspect", this::handleIntrospection);
        this.introspection.setExecutor(executor);
        this.https.start();
        this.introspection.start();
    }

    /** Starts configuring a stand-in whose files (its keystore) live below {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Configures and starts an {@link Office365StandIn}. */
    public static final class Builder {
        private final Path directory;
        private String tenantId = UUID.randomUUID().toString();
        private String tenantDomain = "contoso.onmicrosoft.com";
        private String clientId = UUID.randomUUID().toString();
        private String clientSecret = "standin-secret-" + UUID.randomUUID();
        private final Map<String, List<String>> grantedRoles = new HashMap<>(Map.of(
                EXCHANGE_RESOURCE, List.of(IMAP_ACCESS_AS_APP),
                GRAPH_RESOURCE, List.of("Mail.ReadWrite", "User.Read.All")));
        private Duration tokenLifetime = Duration.ofSeconds(3599);
        private boolean certificateCredential;

        private Builder(Path directory) {
            this.directory = directory;
        }

        /** The tenant's id (a GUID) and its initial domain; both name it in token requests. */
        public Builder tenant(String id, String domain) {
            this.tenantId = id;
            this.tenantDomain = domain;
            return this;
        }

        /** The one application registered in the tenant, and its client secret. */
        public Builder application(String id, String secret) {
            this.clientId = id;
            this.clientSecret = secret;
            return this;
        }

        /** The application permissions granted (with admin consent) for a resource, e.g. {@link #EXCHANGE_RESOURCE}. */
        public Builder grantedRoles(String resource, String... roles) {
            grantedRoles.put(resource, List.of(roles));
            return this;
        }

        /**
         * Registers a certificate (RSA 2048, made here) as a credential of the application, beside its secret: a token
         * request may then authenticate with a client assertion signed by its key (see
         * {@link #applicationCertificatePem()}).
         */
        public Builder certificateCredential() {
            this.certificateCredential = true;
            return this;
        }

        /** How long issued tokens live; Entra's are ~1 hour. */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        public Office365StandIn start() throws IOException {
            return new Office365StandIn(this);
        }
    }

    /** The login service's base URL, for the connector's {@code login.url}: {@code https://127.0.0.1:PORT}. */
    public String loginUrl() {
        return "https://127.0.0.1:" + https.getAddress().getPort();
    }

    /** The introspection URL Dovecot's oauth2 passdb posts tokens to. */
    public String introspectionUrl() {
        return "http://127.0.0.1:" + introspection.getAddress().getPort() + "/introspect";
    }

    public String tenantId() {
        return tenantId;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** The object id of the application's enterprise application (service principal) in the tenant. */
    public String servicePrincipalId() {
        return UUID.nameUUIDFromBytes(("sp:" + clientId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The application's certificate and its unencrypted PKCS#8 private key, as one PEM text. */
    public String applicationCertificatePem() {
        return applicationCertificate.certificatePem() + applicationCertificate.privateKeyPem();
    }

    /** Writes the application's certificate and key as a PKCS#12 file protected by {@code password}. */
    public void writeApplicationCertificatePkcs12(Path file, String password) throws IOException {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("app", applicationCertificate.privateKey(), password.toCharArray(),
                    new X509Certificate[] { applicationCertificate.certificate() });
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot write the PKCS#12 file", e);
        }
    }

    /** The certificate the HTTPS endpoints (and an Exchange IMAP stand-in started with it) present. */
    public X509Certificate certificate() {
        return certificate.certificate();
    }

    public String certificateSha256() {
        return SelfSignedCertificate.sha256Fingerprint(certificate.certificate());
    }

    SelfSignedCertificate selfSignedCertificate() {
        return certificate;
    }

    /** The Graph stand-in's URL, for the connector's {@code graph.url}: the same host as {@link #loginUrl()}. */
    public String graphUrl() {
        return loginUrl();
    }

    /**
     * Adds a user to the tenant, for Graph; {@code exchangeMailbox} false makes one without an Exchange Online mailbox
     * (Graph answers MailboxNotEnabledForRESTAPI for its mail). An Exchange IMAP stand-in adds its own users.
     */
    public void addUser(String userPrincipalName, boolean exchangeMailbox) {
        graph.addUser(userPrincipalName, exchangeMailbox);
    }

    /** The folders Graph lists and creates: those of the Exchange IMAP stand-in started with this instance. */
    void useMailStore(ExchangeMailStore store) {
        graph.useMailStore(store);
    }

    /** The folders created through Graph so far, per user: {@code user -> "Parent/Child"}. */
    public java.util.Set<String> foldersCreatedThroughGraph(String user) {
        return graph.foldersCreated(user);
    }

    /**
     * Makes Graph answer the next {@code requests} requests with 429 and {@code Retry-After: seconds}; Graph also
     * answers 429 beyond 4 concurrent requests per mailbox.
     */
    public void throttleGraph(int requests, int seconds) {
        graph.throttleNext(requests, seconds);
    }

    /**
     * Sets Graph's limit of requests per app and mailbox, 10,000 per 10 minutes by default (as Microsoft documents for
     * Outlook resources); beyond it Graph answers 429 with Retry-After until the oldest request leaves the window.
     */
    public void limitGraphRequestsPerMailbox(int requests, Duration window) {
        graph.limitRequestsPerMailbox(requests, window);
    }

    /** The messages created through Graph in the user's mailbox (Graph-only mode), oldest first. */
    public List<GraphStoredMessage> graphMessages(String user) {
        return graph.messages.messages(user);
    }

    /** The largest item Graph accepts in a mailbox (attachments included); Exchange's default is 35 MB. */
    public void graphMaxMessageSize(long bytes) {
        graph.messages.maxMessageSize(bytes);
    }

    /** How many Graph requests were refused with 413 (request over 4 MB, or item over the maximum message size). */
    public int graphRequestsTooLarge() {
        return graph.messages.requestsTooLarge();
    }

    /** How long Graph's upload sessions stay open (15 minutes; zero makes every chunk find its session expired). */
    public void graphUploadSessionLifetime(Duration lifetime) {
        graph.messages.uploadSessionLifetime(lifetime);
    }

    /** How many upload-session chunks Graph accepted. */
    public int graphUploadChunks() {
        return graph.messages.uploadChunks();
    }

    /** How many Graph requests were answered 429. */
    public int graphThrottled() {
        return graph.throttled();
    }

    /** How many Graph requests were made. */
    public int graphRequests() {
        return graph.requests();
    }

    /** How many JSON batches ({@code $batch}) Graph answered, and how many requests they held in all. */
    public int graphBatches() {
        return graph.batch.batches();
    }

    public int graphBatchedRequests() {
        return graph.batch.batchedRequests();
    }

    /** The claims (JSON) of a token this instance issued for {@code resource} that has not expired; else null. */
    String activeClaims(String token, String resource) {
        Instant expires = token == null ? null : issuedTokens.get(token);
        if (expires == null || !Instant.now().isBefore(expires)) {
            return null;
        }
        String claims = roleClaims(token);
        return claims.contains("\"aud\":\"" + resource + "\"") ? claims : null;
    }

    /** How many tokens the token endpoint has issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** How many introspection requests Dovecot made, and how many of them found the token not active. */
    public int introspections() {
        return introspections.get();
    }

    public int refusedIntrospections() {
        return refusedIntrospections.get();
    }

    @Override
    public void close() {
        https.stop(0);
        introspection.stop(0);
        executor.shutdownNow();
        try {
            Files.deleteIfExists(certificate.keyStoreFile());
        } catch (IOException ignored) {
            // a leftover keystore in a throwaway directory does no harm
        }
    }

    // ------------------------------------------------------------------------------------------ token endpoint

    private void handleHttps(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().startsWith("/v1.0/")) {
                graph.handle(exchange);
                return;
            }
            if (exchange.getRequestURI().getPath().startsWith("/outlook-upload/")) {
                graph.messages.upload(exchange); // an upload session's pre-authenticated URL
                return;
            }
            String[] path = exchange.getRequestURI().getPath().split("/");
            // /{tenant}/oauth2/v2.0/token
            if (path.length == 5 && path[2].equals("oauth2") && path[3].equals("v2.0") && path[4].equals("token")) {
                if (!exchange.getRequestMethod().equals("POST")) {
                    send(exchange, 405, error("invalid_request", "AADSTS900561: The endpoint only accepts POST requests."));
                    return;
                }
                token(exchange, path[1]);
                return;
            }
            send(exchange, 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"No such endpoint on the stand-in: "
                    + json(exchange.getRequestURI().getPath()) + "\"}}");
        }
    }

    private void token(HttpExchange exchange, String tenant) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            send(exchange, 400, error("invalid_request", "AADSTS900144: The request body must be form-encoded."));
            return;
        }
        Map<String, String> form = parseForm(exchange.getRequestBody());
        if (!tenantNames.contains(tenant.toLowerCase(Locale.ROOT))) {
            send(exchange, 400, error("invalid_request", "AADSTS90002: Tenant '" + tenant + "' not found. Check to make"
                    + " sure you have the correct tenant ID and are signing into the correct cloud."));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            send(exchange, 400, error("unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '"
                    + form.get("grant_type") + "'."));
            return;
        }
        String requestedClient = form.get("client_id");
        if (requestedClient == null || !requestedClient.equalsIgnoreCase(clientId)) {
            send(exchange, 400, error("unauthorized_client", "AADSTS700016: Application with identifier '"
                    + requestedClient + "' was not found in the directory '" + tenant + "'."));
            return;
        }
        if (form.containsKey("client_assertion")) {
            String refusal = assertionRefusal(form, tenant);
            if (refusal != null) {
                send(exchange, 401, error("invalid_client", refusal));
                return;
            }
        } else if (!clientSecret.equals(form.get("client_secret"))) {
            send(exchange, 401, error("invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret"
                    + " being sent in the request is the client secret value, not the client secret ID, for a secret added"
                    + " to app '" + clientId + "'."));
            return;
        }
        String scope = form.get("scope");
        // Entra ignores the OpenID Connect scopes that MSAL adds; what remains must be one resource's /.default.
        List<String> resources = new ArrayList<>();
        for (String item : scope == null ? new String[0] : scope.trim().split(" +")) {
            if (!OIDC_SCOPES.contains(item)) {
                resources.add(item);
            }
        }
        String resource = resources.size() == 1 && resources.get(0).endsWith("/.default")
                ? resources.get(0).substring(0, resources.get(0).length() - "/.default".length()) : null;
        if (resource == null || !grantedRoles.containsKey(resource)) {
            send(exchange, 400, error("invalid_scope", "AADSTS1002012: The provided value for scope " + scope
                    + " is not valid. Client credential flows must have a scope value with /.default suffixed to the"
                    + " resource identifier (application ID URI)."));
            return;
        }
        Instant now = Instant.now();
        Instant expires = now.plus(tokenLifetime);
        String token = jwt(resource, now, expires);
        issuedTokens.put(token, expires);
        tokensIssued.incrementAndGet();
        send(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + tokenLifetime.toSeconds()
                + ",\"ext_expires_in\":" + tokenLifetime.toSeconds() + ",\"access_token\":\"" + token + "\"}");
    }

    /**
     * Why Entra would refuse a certificate client assertion (RFC 7523, as Entra documents it: RS256, the certificate's
     * thumbprint in x5t or x5t#S256, audience the token endpoint, issuer and subject the client id, not expired), or
     * null when it is valid.
     */
    private String assertionRefusal(Map<String, String> form, String tenant) {
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return "AADSTS700026: The client assertion type is not supported.";
        }
        String[] parts = form.get("client_assertion").split("\\.");
        if (parts.length != 3 || applicationCertificate == null) {
            return "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered"
                    + " on application.";
        }
        Base64.Decoder base64 = Base64.getUrlDecoder();
        String header = new String(base64.decode(parts[0]), StandardCharsets.UTF_8).replace("\\/", "/");
        String payload = new String(base64.decode(parts[1]), StandardCharsets.UTF_8).replace("\\/", "/");
        try {
            byte[] der = applicationCertificate.certificate().getEncoded();
            Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
            String sha256 = encoder.encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(der));
            String sha1 = encoder.encodeToString(java.security.MessageDigest.getInstance("SHA-1").digest(der));
            String alg = claim(header, "alg");
            String x5tS256 = claim(header, "x5t#S256");
            String x5t = claim(header, "x5t");
            boolean known = x5tS256 != null && base64Url(x5tS256).equals(sha256) || x5t != null && base64Url(x5t).equals(sha1);
            if (!"RS256".equals(alg) && !"PS256".equals(alg) || !known) {
                return "AADSTS700027: The certificate with identifier used to sign the client assertion is not"
                        + " registered on application.";
            }
            java.security.Signature signature;
            if ("PS256".equals(alg)) {
                signature = java.security.Signature.getInstance("RSASSA-PSS");
                signature.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                signature = java.security.Signature.getInstance("SHA256withRSA");
            }
            signature.initVerify(applicationCertificate.certificate().getPublicKey());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(base64.decode(parts[2]))) {
                return "AADSTS700027: Client assertion failed signature validation.";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "AADSTS700027: Client assertion failed signature validation.";
        }
        String audience = loginUrl() + "/" + tenant + "/oauth2/v2.0/token";
        if (!audience.equals(claim(payload, "aud"))) {
            return "AADSTS700021: Client assertion audience claim does not match Realm issuer.";
        }
        if (!clientId.equals(claim(payload, "iss")) || !clientId.equals(claim(payload, "sub"))) {
            return "AADSTS700023: Client assertion issuer and subject must be the application's id.";
        }
        java.util.regex.Matcher exp = java.util.regex.Pattern.compile("\"exp\"\\s*:\\s*(\\d+)").matcher(payload);
        if (!exp.find() || Long.parseLong(exp.group(1)) < Instant.now().getEpochSecond()) {
            return "AADSTS700024: Client assertion is not within its valid time range.";
        }
        return null;
    }

    /** A string claim of a small JSON object, or null. */
    private static String claim(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(name)
                + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Base64 in either alphabet, as base64url without padding. */
    private static String base64Url(String base64) {
        return base64.replace('+', '-').replace('/', '_').replace("=", "");
    }

    private String jwt(String resource, Instant issued, Instant expires) {
        StringBuilder roles = new StringBuilder("[");
        for (String role : grantedRoles.get(resource)) {
            roles.append(roles.length() > 1 ? "," : "").append('"').append(json(role)).append('"');
        }
        roles.append(']');
        String header = "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"standin\"}";
        String payload = "{\"aud\":\"" + json(resource) + "\",\"iss\":\"https://sts.windows.net/" + tenantId
                + "/\",\"iat\":" + issued.getEpochSecond() + ",\"nbf\":" + issued.getEpochSecond() + ",\"exp\":"
                + expires.getEpochSecond() + ",\"appid\":\"" + clientId + "\",\"tid\":\"" + tenantId
                + "\",\"idtyp\":\"app\",\"jti\":\"" + UUID.randomUUID() + "\",\"roles\":" + roles + "}";
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return unsigned + "." + base64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    // ------------------------------------------------------------------------------------------- introspection

    private void handleIntrospection(HttpExchange exchange) throws IOException {
        try (exchange) {
            introspections.incrementAndGet();
            String token = parseForm(exchange.getRequestBody()).get("token");
            String claims = activeClaims(token, EXCHANGE_RESOURCE);
            boolean active = claims != null && claims.contains("\"" + IMAP_ACCESS_AS_APP + "\"");
            Instant expires = active ? issuedTokens.get(token) : null;
            if (!active) {
                refusedIntrospections.incrementAndGet();
            }
            // An app-only token names no user: "client_id" is the attribute Dovecot's username check reads.
            send(exchange, 200, "{\"active\":" + active + ",\"client_id\":\"" + clientId + "\""
                    + (active ? ",\"exp\":" + expires.getEpochSecond() : "") + "}");
        }
    }

    private static String roleClaims(String token) {
        String[] parts = token.split("\\.");
        return parts.length == 3 ? new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8) : "";
    }

    // ------------------------------------------------------------------------------------------------ helpers


    private static Map<String, String> parseForm(InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String error(String code, String description) {
        String number = description.substring("AADSTS".length(), description.indexOf(':'));
        return "{\"error\":\"" + code + "\",\"error_description\":\"" + json(description) + "\",\"error_codes\":["
                + number + "],\"timestamp\":\"" + Instant.now()
                + "\",\"trace_id\":\"" + UUID.randomUUID() + "\",\"correlation_id\":\"" + UUID.randomUUID() + "\"}";
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        GraphStandIn.answered();
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String json(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
