package dev.mailferry.connector.office365.internal;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.PinningTlsSocketFactory;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * App-only access tokens (OAuth 2.0 client-credentials grant) from Microsoft Entra ID, through MSAL4J. One MSAL
 * application per app and secret, shared by all sessions, with one token per resource that serves every mailbox: it is
 * fetched once and renewed when less than five minutes (or a quarter of its life) are left, so a long pass never logs
 * in with an expired one.
 */
final class AppTokens {

    /** An access token and when it expires. */
    record AccessToken(String value, Instant acquired, Instant expiresOn) {

        /** When to fetch a new one rather than use this one. */
        Instant renewAfter() {
            Duration life = Duration.between(acquired, expiresOn);
            Duration margin = life.dividedBy(4).compareTo(RENEW_BEFORE_EXPIRY) < 0 ? life.dividedBy(4) : RENEW_BEFORE_EXPIRY;
            return expiresOn.minus(margin);
        }

        @Override
        public String toString() {
            return "AccessToken[expires " + expiresOn + "]";
        }
    }

    /**
     * An MSAL application, the TLS sockets it uses (which know whether a certificate was refused) and its tokens by
     * scope.
     */
    private record Application(ConfidentialClientApplication msal, PinningTlsSocketFactory tls,
            Map<String, AccessToken> tokens) {
    }

    /** A token is renewed when less than this is left of it (MSAL's own rule), or less than a quarter of its life. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final Map<String, Application> applications = new ConcurrentHashMap<>();

    /** A token for Exchange Online's IMAP ({@code IMAP.AccessAsApp}). */
    AccessToken forImap(Office365Endpoint endpoint, Secret clientSecret) throws ConnectorException {
        return acquire(endpoint, clientSecret, endpoint.imapScope());
    }

    AccessToken acquire(Office365Endpoint endpoint, Secret clientSecret, String scope) throws ConnectorException {
        Application application = application(endpoint, clientSecret);
        String secret = clientSecret.reveal();
        try {
            // One request at a time per app: sessions opening together would otherwise all fetch a token at once.
            synchronized (application) {
                AccessToken cached = application.tokens().get(scope);
                Instant now = Instant.now();
                if (cached != null && now.isBefore(cached.renewAfter())) {
                    return cached;
                }
                // MSAL's own cache did not serve client-credential tokens of a custom authority: this one does.
                IAuthenticationResult result = application.msal()
                        .acquireToken(ClientCredentialParameters.builder(Set.of(scope)).skipCache(true).build())
                        .get(endpoint.connectTimeoutSeconds() + (long) endpoint.readTimeoutSeconds(), TimeUnit.SECONDS);
                AccessToken token = new AccessToken(result.accessToken(), now, result.expiresOnDate().toInstant());
                application.tokens().put(scope, token);
                return token;
            }
        } catch (ExecutionException e) {
            throw translate(e.getCause(), application.tls(), endpoint, scope, secret);
        } catch (MsalException e) {
            throw translate(e, application.tls(), endpoint, scope, secret);
        } catch (TimeoutException e) {
            throw new ConnectorException(Kind.CONNECTION, "The login service " + endpoint.loginHost()
                    + " did not answer the token request for " + scope + " in time.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(Kind.CONNECTION, "Interrupted while waiting for a token for " + scope + ".");
        }
    }

    private Application application(Office365Endpoint endpoint, Secret clientSecret) throws ConnectorException {
        String key = endpoint.authority() + '\n' + endpoint.clientId() + '\n' + endpoint.trustedFingerprint() + '\n'
                + endpoint.connectTimeoutSeconds() + '\n' + endpoint.readTimeoutSeconds() + '\n'
                + endpoint.certificateFile() + '\n' + sha256(clientSecret.reveal());
        Application existing = applications.get(key);
        if (existing != null) {
            return existing;
        }
        try {
            PinningTlsSocketFactory tls = new PinningTlsSocketFactory(endpoint.trustedFingerprint());
            ConfidentialClientApplication msal = ConfidentialClientApplication
                    .builder(endpoint.clientId(), AppCredentials.of(endpoint, clientSecret))
                    .authority(endpoint.authority())
                    // The authority is one of Microsoft's login hosts or one the user named: nothing to discover.
                    .instanceDiscovery(false)
                    .validateAuthority(false)
                    .sslSocketFactory(tls)
                    .connectTimeoutForDefaultHttpClient(endpoint.connectTimeoutSeconds() * 1000)
                    .readTimeoutForDefaultHttpClient(endpoint.readTimeoutSeconds() * 1000)
                    .build();
            Application created = new Application(msal, tls, new HashMap<>());
            Application raced = applications.putIfAbsent(key, created);
            return raced != null ? raced : created;
        } catch (MalformedURLException e) {
            throw new ConnectorException(Kind.CONFIGURATION, "The login URL " + endpoint.authority()
                    + " is not valid: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConnectorException(Kind.CONFIGURATION, "TLS is not available in this Java runtime: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Entra's answers carry an AADSTS code and a description that never echo the secret; the text is still scrubbed,
     * and no cause is kept (MSAL's exceptions hold the request).
     */
    private static ConnectorException translate(Throwable failure, PinningTlsSocketFactory tls,
            Office365Endpoint endpoint, String scope, String secret) {
        String where = "the login service " + endpoint.loginHost() + " (tenant " + endpoint.tenant() + ", application "
                + endpoint.clientId() + ")";
        if (failure instanceof MsalServiceException service) {
            String code = service.errorCode() == null ? "" : service.errorCode();
            String text = firstLine(service.getMessage());
            Kind kind = switch (code) {
                // wrong or expired secret, unknown app, app not in this tenant, app without consent: no retry helps
                case "invalid_client", "unauthorized_client", "invalid_scope", "invalid_grant" -> Kind.AUTHENTICATION;
                // unknown tenant and other malformed requests: the settings are wrong
                case "invalid_request", "invalid_tenant", "invalid_resource" -> Kind.CONFIGURATION;
                default -> service.statusCode() != null && service.statusCode() >= 500 ? Kind.CONNECTION
                        : Kind.AUTHENTICATION;
            };
            return new ConnectorException(kind, scrub("No token for " + scope + " from " + where + ": " + code
                    + (text.isEmpty() ? "" : " - " + text), secret));
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (tls.certificateRejected()) {
            return ConnectorException.untrustedCertificate("The certificate of the login service "
                    + endpoint.loginHost() + " is not trusted (SHA-256 " + tls.presentedFingerprint()
                    + "). Trust it explicitly only if you know it is the service's own.", tls.presentedCertificate());
        }
        if (root instanceof IOException) {
            return new ConnectorException(Kind.CONNECTION, scrub("Cannot reach " + where + ": "
                    + root.getClass().getSimpleName() + " " + root.getMessage(), secret));
        }
        return new ConnectorException(Kind.PROTOCOL, scrub("No token for " + scope + " from " + where + ": "
                + firstLine(String.valueOf(failure.getMessage())), secret));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    static String scrub(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "******");
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
