package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.tls.Fingerprints;
import dev.mailferry.demo.Office365StandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** App-only tokens from the local Entra ID stand-in: the grant, Entra's refusals, certificate trust and renewal. */
class AppTokensTest {

    @TempDir
    static Path dir;

    private static Office365StandIn standIn;

    @BeforeAll
    static void startStandIn() throws IOException {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
    }

    @AfterAll
    static void stopStandIn() {
        standIn.close();
    }

    static Office365Endpoint endpoint(Office365StandIn server, Map<String, String> overrides) throws ConnectorException {
        Map<String, String> settings = new HashMap<>(Map.of(
                Office365Settings.TENANT, server.tenantId(),
                Office365Settings.CLIENT_ID, server.clientId(),
                Office365Settings.LOGIN_URL, server.loginUrl(),
                Office365Settings.TLS_TRUST, server.certificateSha256(),
                Office365Settings.CONNECT_TIMEOUT, "5",
                Office365Settings.READ_TIMEOUT, "10"));
        overrides.forEach((key, value) -> {
            if (value == null) {
                settings.remove(key);
            } else {
                settings.put(key, value);
            }
        });
        return Office365Endpoint.parse(new Endpoint(Office365Settings.CONNECTOR_ID, settings));
    }

    @Test
    void oneTokenServesEverySessionUntilItIsNearItsEnd() throws ConnectorException {
        AppTokens tokens = new AppTokens();
        int before = standIn.tokensIssued();
        AppTokens.AccessToken first = tokens.forImap(endpoint(standIn, Map.of()), Secret.of(standIn.clientSecret()));
        AppTokens.AccessToken second = tokens.forImap(endpoint(standIn, Map.of()), Secret.of(standIn.clientSecret()));
        assertSame(first, second);
        assertEquals(before + 1, standIn.tokensIssued());
        assertEquals(List.of(Office365StandIn.IMAP_ACCESS_AS_APP), TokenClaims.roles(first.value()));
        assertEquals("https://outlook.office365.com", TokenClaims.claims(first.value()).get("aud"));
    }

    @Test
    void shortLivedTokenIsRenewedBeforeItExpires() throws Exception {
        try (Office365StandIn shortLived = Office365StandIn.builder(dir.resolve("short"))
                .tokenLifetime(Duration.ofSeconds(4)).start()) {
            AppTokens tokens = new AppTokens();
            Office365Endpoint endpoint = endpoint(shortLived, Map.of());
            AppTokens.AccessToken first = tokens.forImap(endpoint, Secret.of(shortLived.clientSecret()));
            assertSame(first, tokens.forImap(endpoint, Secret.of(shortLived.clientSecret())));
            // renewed once a quarter of its life is left, i.e. after 3 of its 4 seconds, before it expires
            Thread.sleep(Duration.between(java.time.Instant.now(), first.renewAfter()).toMillis() + 50);
            AppTokens.AccessToken renewed = tokens.forImap(endpoint, Secret.of(shortLived.clientSecret()));
            assertNotEquals(first.value(), renewed.value());
            assertTrue(renewed.expiresOn().isAfter(first.expiresOn()));
            assertEquals(2, shortLived.tokensIssued());
        }
    }

    @Test
    void aCertificateCredentialInPemOrPkcs12GetsTokensWithoutAClientSecret() throws Exception {
        try (Office365StandIn withCertificate = Office365StandIn.builder(dir.resolve("certificate"))
                .certificateCredential().start();
                Office365StandIn otherApp = Office365StandIn.builder(dir.resolve("other")).certificateCredential().start()) {
            java.nio.file.Path pem = dir.resolve("app.pem");
            java.nio.file.Files.writeString(pem, withCertificate.applicationCertificatePem());
            AppTokens.AccessToken token = new AppTokens().forImap(endpoint(withCertificate,
                    Map.of(Office365Settings.CERTIFICATE_FILE, pem.toString())), Secret.empty());
            assertEquals(List.of(Office365StandIn.IMAP_ACCESS_AS_APP), TokenClaims.roles(token.value()));

            java.nio.file.Path p12 = dir.resolve("app.p12");
            withCertificate.writeApplicationCertificatePkcs12(p12, "p12-Passw0rd");
            int before = withCertificate.tokensIssued();
            AppTokens.AccessToken fromPkcs12 = new AppTokens().forImap(endpoint(withCertificate,
                    Map.of(Office365Settings.CERTIFICATE_FILE, p12.toString())), Secret.of("p12-Passw0rd"));
            assertEquals(before + 1, withCertificate.tokensIssued());
            assertEquals(withCertificate.tenantId(), TokenClaims.claims(fromPkcs12.value()).get("tid"));

            ConnectorException wrongPassword = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                    endpoint(withCertificate, Map.of(Office365Settings.CERTIFICATE_FILE, p12.toString())),
                    Secret.of("not-the-p12-password")));
            assertEquals(Kind.CONFIGURATION, wrongPassword.kind(), wrongPassword.getMessage());
            assertFalse(wrongPassword.getMessage().contains("not-the-p12-password"));

            java.nio.file.Path foreign = dir.resolve("foreign.pem");
            java.nio.file.Files.writeString(foreign, otherApp.applicationCertificatePem());
            ConnectorException notRegistered = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                    endpoint(withCertificate, Map.of(Office365Settings.CERTIFICATE_FILE, foreign.toString())),
                    Secret.empty()));
            assertEquals(Kind.AUTHENTICATION, notRegistered.kind(), notRegistered.getMessage());
            assertTrue(notRegistered.getMessage().contains("AADSTS700027"), notRegistered.getMessage());

            ConnectorException missing = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                    endpoint(withCertificate, Map.of(Office365Settings.CERTIFICATE_FILE, dir.resolve("none.pem").toString())),
                    Secret.empty()));
            assertEquals(Kind.CONFIGURATION, missing.kind());
            assertTrue(missing.getMessage().contains("none.pem"), missing.getMessage());
        }
    }

    @Test
    void wrongSecretIsRefusedWithEntrasReasonAndTheSecretShownNowhere() throws ConnectorException {
        String wrong = "wrong-" + UUID.randomUUID();
        ConnectorException e = assertThrows(ConnectorException.class,
                () -> new AppTokens().forImap(endpoint(standIn, Map.of()), Secret.of(wrong)));
        assertEquals(Kind.AUTHENTICATION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("AADSTS7000215"), e.getMessage());
        assertTrue(e.getMessage().contains(standIn.clientId()), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(wrong));
    }

    @Test
    void unknownTenantIsASettingsError() {
        ConnectorException e = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                endpoint(standIn, Map.of(Office365Settings.TENANT, "fabrikam.onmicrosoft.com")),
                Secret.of(standIn.clientSecret())));
        assertEquals(Kind.CONFIGURATION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("AADSTS90002"), e.getMessage());
    }

    @Test
    void tenantMayBeNamedByItsDomain() throws ConnectorException {
        AppTokens.AccessToken token = new AppTokens().forImap(
                endpoint(standIn, Map.of(Office365Settings.TENANT, "contoso.onmicrosoft.com")),
                Secret.of(standIn.clientSecret()));
        assertEquals(standIn.tenantId(), TokenClaims.claims(token.value()).get("tid"));
    }

    @Test
    void unknownApplicationIsRefused() {
        String otherApp = UUID.randomUUID().toString();
        ConnectorException e = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                endpoint(standIn, Map.of(Office365Settings.CLIENT_ID, otherApp)), Secret.of(standIn.clientSecret())));
        assertEquals(Kind.AUTHENTICATION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("AADSTS700016"), e.getMessage());
    }

    @Test
    void missingSecretFailsBeforeAnyRequest() {
        int before = standIn.tokensIssued();
        ConnectorException e = assertThrows(ConnectorException.class,
                () -> new AppTokens().forImap(endpoint(standIn, Map.of()), Secret.empty()));
        assertEquals(Kind.CONFIGURATION, e.kind());
        assertTrue(e.getMessage().contains("No client secret"), e.getMessage());
        assertEquals(before, standIn.tokensIssued());
    }

    @Test
    void selfSignedLoginServiceIsRefusedWithItsFingerprintUnlessTrusted() {
        ConnectorException e = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                endpoint(standIn, java.util.Collections.singletonMap(Office365Settings.TLS_TRUST, null)),
                Secret.of(standIn.clientSecret())));
        assertEquals(Kind.UNTRUSTED_CERTIFICATE, e.kind(), e.getMessage());
        assertEquals(Fingerprints.normalize(standIn.certificateSha256()), Fingerprints.normalize(e.certificateSha256()));
    }

    @Test
    void unreachableLoginServiceIsAConnectionFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ConnectorException e = assertThrows(ConnectorException.class, () -> new AppTokens().forImap(
                endpoint(standIn, Map.of(Office365Settings.LOGIN_URL, "https://127.0.0.1:" + closedPort)),
                Secret.of(standIn.clientSecret())));
        assertEquals(Kind.CONNECTION, e.kind(), e.getMessage());
    }
}
