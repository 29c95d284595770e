package dev.mailferry.engine;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IClientCredential;
import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.tls.PinningTlsSocketFactory;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.Office365StandIn;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Office 365 tenant the Office 365 tests migrate into. By default the local stand-ins ({@link Office365StandIn}
 * and Dovecot as Exchange Online's IMAP), read back through the stand-in's own IMAP logins. When the environment names
 * a test tenant ({@value #TENANT} and the other {@code MF_O365_*} variables, see the README), that tenant: the endpoint
 * comes from the variables, the mail goes into the mailboxes listed in {@value #MAILBOXES}, every test writes below a
 * top-level folder of its own ({@code Mailferry test <time> <random>}, through the batch's folder mapping, so mail
 * already in the mailboxes is never touched), and the result is read back through Exchange's IMAP with SASL XOAUTH2
 * and a token of the same app, never through the connector under test.
 */
abstract class TenantUnderTest {

    static final String TENANT = "MF_O365_TENANT";
    static final String CLIENT_ID = "MF_O365_CLIENT_ID";
    static final String CLIENT_SECRET = "MF_O365_CLIENT_SECRET";
    static final String CERTIFICATE_FILE = "MF_O365_CERTIFICATE_FILE";
    static final String MAILBOXES = "MF_O365_MAILBOXES";
    static final String CLOUD = "MF_O365_CLOUD";
    static final String LOGIN_URL = "MF_O365_LOGIN_URL";
    static final String GRAPH_URL = "MF_O365_GRAPH_URL";
    static final String IMAP_HOST = "MF_O365_IMAP_HOST";
    static final String IMAP_PORT = "MF_O365_IMAP_PORT";
    /** SHA-256 fingerprint of a certificate to trust for all three services (a tenant never needs it; the stand-ins do). */
    static final String TRUST = "MF_O365_TRUST";

    /** Microsoft's login service and Exchange Online host per cloud (the connector's own table is internal). */
    private static final Map<String, String[]> CLOUDS = Map.of(
            Office365Settings.CLOUD_GLOBAL, new String[] {"https://login.microsoftonline.com", "outlook.office365.com"},
            Office365Settings.CLOUD_GCC_HIGH, new String[] {"https://login.microsoftonline.us", "outlook.office365.us"},
            Office365Settings.CLOUD_DOD, new String[] {"https://login.microsoftonline.us", "outlook-dod.office365.us"},
            Office365Settings.CLOUD_CHINA, new String[] {"https://login.chinacloudapi.cn", "partner.outlook.cn"});

    /** The test tenant the environment names, if any. */
    static Optional<TenantUnderTest> fromEnvironment() {
        return fromVariables(System.getenv());
    }

    static Optional<TenantUnderTest> fromVariables(Map<String, String> variables) {
        Map<String, String> set = new TreeMap<>();
        variables.forEach((key, value) -> {
            if (key.startsWith("MF_O365_") && value != null && !value.isBlank()) {
                set.put(key, value.trim());
            }
        });
        if (!set.containsKey(TENANT)) {
            return Optional.empty();
        }
        return Optional.of(new TestTenant(set));
    }

    /** The local stand-ins, once {@code demo}'s target Dovecot runs as Exchange Online's IMAP of {@code standIn}. */
    static TenantUnderTest standIns(Office365StandIn standIn, DemoEnvironment demo) {
        return new StandIns(standIn, demo);
    }

    /** The stand-ins, for the checks only they allow (tokens issued, folders created through Graph); else empty. */
    abstract Optional<Office365StandIn> standIn();

    /** True for a real tenant: tests that inject faults (throttling, expired tokens) must skip. */
    final boolean isTestTenant() {
        return standIn().isEmpty();
    }

    /** How many mailboxes tests may write into (a test that wants more uses fewer). */
    abstract int mailboxCount();

    /** The Office 365 target endpoint: tenant, app, service URLs and trust. */
    abstract Endpoint endpoint();

    /** The app's client secret, or empty when it signs in with a certificate only. */
    abstract Optional<Secret> clientSecret();

    /** The target mailbox for the {@code index}-th demo user. */
    abstract String mailbox(int index, DemoEnvironmentUser user);

    /**
     * The folder every test folder goes below, created by the migration and unique to this test; empty on the
     * stand-ins, whose mailboxes are new for every test.
     */
    abstract Optional<FolderPath> testRoot();

    /** Opens {@code mailbox} for reading back what the migration stored. */
    abstract ImapProbe readBack(String mailbox) throws Exception;

    /**
     * The batch options for a test: on a test tenant, every top-level source folder mapped below {@link #testRoot()},
     * which wins over the special-use mapping, so nothing lands in the mailbox's own Inbox or Sent Items.
     */
    final BatchOptions batchOptions(List<FolderPath> sourceTopLevelFolders) {
        BatchOptions options = BatchOptions.defaults();
        if (testRoot().isEmpty()) {
            return options;
        }
        Map<FolderPath, FolderPath> mapping = new LinkedHashMap<>();
        for (FolderPath folder : sourceTopLevelFolders) {
            mapping.put(folder, FolderPath.of(List.of(testRoot().get().name(), folder.name())));
        }
        return options.withFolderMapping(mapping);
    }

    /**
     * What the migration stored in the {@code index}-th user's mailbox, as {@link ImapProbe#snapshot()} (on a test
     * tenant: below the test's folder only), empty folders left out.
     */
    final Map<FolderPath, List<String>> readBackMessages(int index, DemoEnvironmentUser user) throws Exception {
        try (ImapProbe target = readBack(mailbox(index, user))) {
            return DovecotTestBase.nonEmpty(testRoot().isPresent() ? target.snapshot(testRoot().get())
                    : target.snapshot());
        }
    }

    /** On a test tenant, deletes the folder this test created in the mailboxes of {@code users} (and nothing else). */
    final void removeTestFolders(List<DemoEnvironmentUser> users) throws Exception {
        if (testRoot().isEmpty()) {
            return;
        }
        FolderPath root = testRoot().get();
        for (int i = 0; i < users.size(); i++) {
            try (ImapProbe target = readBack(mailbox(i, users.get(i)))) {
                target.delete(root);
                if (target.exists(root)) {
                    throw new AssertionError(root + " is still in " + mailbox(i, users.get(i)));
                }
            }
        }
    }

    /** The local stand-ins: as the Office 365 tests have always run in CI. */
    private static final class StandIns extends TenantUnderTest {
        private final Office365StandIn standIn;
        private final DemoEnvironment demo;

        StandIns(Office365StandIn standIn, DemoEnvironment demo) {
            this.standIn = standIn;
            this.demo = demo;
        }

        @Override
        Optional<Office365StandIn> standIn() {
            return Optional.of(standIn);
        }

        @Override
        int mailboxCount() {
            return demo.users().size();
        }

        @Override
        Endpoint endpoint() {
            return Office365MigrationTest.office365(standIn, demo.target().host(), demo.target().imapsPort());
        }

        @Override
        Optional<Secret> clientSecret() {
            return Optional.of(Secret.of(standIn.clientSecret()));
        }

        @Override
        String mailbox(int index, DemoEnvironmentUser user) {
            return user.targetUserName();
        }

        @Override
        Optional<FolderPath> testRoot() {
            return Optional.empty();
        }

        @Override
        ImapProbe readBack(String mailbox) throws Exception {
            for (DemoEnvironmentUser user : demo.users()) {
                if (user.targetUserName().equals(mailbox)) {
                    return new ImapProbe(demo.target().host(), demo.target().imapPort(), mailbox, user.targetPassword());
                }
            }
            throw new IllegalArgumentException("no stand-in mailbox " + mailbox);
        }
    }

    /** A real test tenant (or the stand-ins addressed only through the variables, as a real tenant would be). */
    private static final class TestTenant extends TenantUnderTest {
        private static final Pattern PEM = Pattern.compile(
                "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

        private final Map<String, String> variables;
        private final List<String> mailboxes;
        private final FolderPath testRoot;
        private final String loginUrl;
        private final String exchangeHost;

        TestTenant(Map<String, String> variables) {
            List<String> missing = new ArrayList<>();
            for (String required : List.of(CLIENT_ID, MAILBOXES)) {
                if (!variables.containsKey(required)) {
                    missing.add(required);
                }
            }
            if (!variables.containsKey(CLIENT_SECRET) && !variables.containsKey(CERTIFICATE_FILE)) {
                missing.add(CLIENT_SECRET + " or " + CERTIFICATE_FILE);
            }
            if (!missing.isEmpty()) {
                // names only: the values may be secrets
                throw new IllegalStateException(TENANT + " is set, so the Office 365 tests run against that tenant,"
                        + " but these variables are missing: " + String.join(", ", missing));
            }
            this.variables = variables;
            this.mailboxes = new ArrayList<>();
            for (String mailbox : variables.get(MAILBOXES).split(",")) {
                if (!mailbox.isBlank()) {
                    mailboxes.add(mailbox.trim());
                }
            }
            if (mailboxes.isEmpty()) {
                throw new IllegalStateException(MAILBOXES + " names no mailbox");
            }
            String cloud = variables.getOrDefault(CLOUD, Office365Settings.CLOUD_GLOBAL).toLowerCase(Locale.ROOT);
            String[] hosts = CLOUDS.get(cloud);
            if (hosts == null) {
                throw new IllegalStateException(CLOUD + " must be one of " + CLOUDS.keySet() + ", not " + cloud);
            }
            this.loginUrl = variables.getOrDefault(LOGIN_URL, hosts[0]).replaceAll("/+$", "");
            this.exchangeHost = hosts[1];
            String time = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HHmmss"));
            this.testRoot = FolderPath.of("Mailferry test " + time + " "
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 4));
        }

        @Override
        Optional<Office365StandIn> standIn() {
            return Optional.empty();
        }

        @Override
        int mailboxCount() {
            return mailboxes.size();
        }

        @Override
        Endpoint endpoint() {
            Map<String, String> settings = new TreeMap<>();
            settings.put(Office365Settings.TENANT, variables.get(TENANT));
            settings.put(Office365Settings.CLIENT_ID, variables.get(CLIENT_ID));
            copy(CLOUD, Office365Settings.CLOUD, settings);
            copy(LOGIN_URL, Office365Settings.LOGIN_URL, settings);
            copy(GRAPH_URL, Office365Settings.GRAPH_URL, settings);
            copy(IMAP_HOST, Office365Settings.IMAP_HOST, settings);
            copy(IMAP_PORT, Office365Settings.IMAP_PORT, settings);
            copy(TRUST, Office365Settings.TLS_TRUST, settings);
            copy(CERTIFICATE_FILE, Office365Settings.CERTIFICATE_FILE, settings);
            return new Endpoint(Office365Settings.CONNECTOR_ID, settings);
        }

        private void copy(String variable, String setting, Map<String, String> settings) {
            if (variables.containsKey(variable)) {
                settings.put(setting, variables.get(variable));
            }
        }

        @Override
        Optional<Secret> clientSecret() {
            return Optional.ofNullable(variables.get(CLIENT_SECRET)).map(Secret::of);
        }

        @Override
        String mailbox(int index, DemoEnvironmentUser user) {
            return mailboxes.get(index);
        }

        @Override
        Optional<FolderPath> testRoot() {
            return Optional.of(testRoot);
        }

        @Override
        ImapProbe readBack(String mailbox) throws Exception {
            int port = Integer.parseInt(variables.getOrDefault(IMAP_PORT, "993"));
            String host = variables.getOrDefault(IMAP_HOST, exchangeHost);
            return ImapProbe.xoauth2(host, port, mailbox, imapToken(), new PinningTlsSocketFactory(variables.get(TRUST)));
        }

        /** A token for Exchange Online's IMAP from the same app, by the client-credentials grant through MSAL4J. */
        private String imapToken() throws Exception {
            ConfidentialClientApplication app = ConfidentialClientApplication
                    .builder(variables.get(CLIENT_ID), credential())
                    .authority(loginUrl + "/" + variables.get(TENANT) + "/")
                    .instanceDiscovery(false)
                    .validateAuthority(false)
                    .sslSocketFactory(new PinningTlsSocketFactory(variables.get(TRUST)))
                    .build();
            return app.acquireToken(ClientCredentialParameters.builder(Set.of("https://" + exchangeHost + "/.default"))
                    .build()).get(60, TimeUnit.SECONDS).accessToken();
        }

        /** The certificate (PEM with its PKCS#8 key, or PKCS#12 opened with the client secret) or the secret. */
        private IClientCredential credential() throws Exception {
            String file = variables.get(CERTIFICATE_FILE);
            if (file == null) {
                return ClientCredentialFactory.createFromSecret(variables.get(CLIENT_SECRET));
            }
            byte[] bytes = Files.readAllBytes(Path.of(file));
            String text = new String(bytes, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN")) {
                try (InputStream pkcs12 = new ByteArrayInputStream(bytes)) {
                    return ClientCredentialFactory.createFromCertificate(pkcs12,
                            variables.getOrDefault(CLIENT_SECRET, ""));
                }
            }
            PrivateKey key = null;
            X509Certificate certificate = null;
            Matcher block = PEM.matcher(text);
            while (block.find()) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                if (block.group(1).equals("PRIVATE KEY")) {
                    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
                } else if (block.group(1).equals("CERTIFICATE") && certificate == null) {
                    certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der));
                }
            }
            if (key == null || certificate == null) {
                throw new IllegalStateException(CERTIFICATE_FILE + " holds no certificate with an unencrypted PKCS#8"
                        + " RSA key");
            }
            return ClientCredentialFactory.createFromCertificate(key, certificate);
        }
    }
}
