package dev.mailferry.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC certificate for a demo server on loopback (CN=localhost, SAN localhost and 127.0.0.1), made by the
 * JDK's keytool: the JDK has no public API to issue certificates.
 *
 * @param keyStoreFile a PKCS12 keystore holding key and certificate under {@link #ALIAS}, protected by {@code password}
 */
record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey, Path keyStoreFile, char[] password) {

    static final String ALIAS = "mailferry-demo";

    /** Creates a new key pair and certificate in a PKCS12 keystore at {@code keyStoreFile} (replaced if present). */
    static SelfSignedCertificate create(Path keyStoreFile) throws IOException {
        return create(keyStoreFile, List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1"));
    }

    /** An RSA 2048 certificate named {@code CN=commonName}, as an app registration's certificate credential is. */
    static SelfSignedCertificate createRsa(Path keyStoreFile, String commonName) throws IOException {
        return create(keyStoreFile, List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname",
                "CN=" + commonName));
    }

    private static SelfSignedCertificate create(Path keyStoreFile, List<String> keyOptions) throws IOException {
        Files.deleteIfExists(keyStoreFile);
        char[] password = randomPassword();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        if (!Files.isExecutable(Path.of(keytool))) {
            keytool = "keytool";
        }
        List<String> command = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", ALIAS));
        command.addAll(keyOptions);
        command.addAll(List.of("-validity", "3650", "-keystore", keyStoreFile.toString(), "-storetype", "PKCS12",
                "-storepass", new String(password), "-keypass", new String(password)));
        Path keytoolLog = keyStoreFile.resolveSibling(keyStoreFile.getFileName() + ".keytool.log");
        Process keytoolProcess = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(keytoolLog.toFile())
                .start();
        try {
            if (!keytoolProcess.waitFor(60, TimeUnit.SECONDS) || keytoolProcess.exitValue() != 0) {
                keytoolProcess.destroyForcibly();
                throw new IOException("keytool could not create a certificate: " + Files.readString(keytoolLog));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStoreFile)) {
                store.load(in, password);
            }
            return new SelfSignedCertificate((X509Certificate) store.getCertificate(ALIAS),
                    (PrivateKey) store.getKey(ALIAS, password), keyStoreFile, password);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while creating the certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not read the certificate made by keytool", e);
        } finally {
            Files.deleteIfExists(keytoolLog);
        }
    }

    /** A TLS server context presenting this certificate. */
    javax.net.ssl.SSLContext serverContext() throws IOException {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(ALIAS, privateKey, password, new X509Certificate[] { certificate });
            javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory
                    .getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot set up TLS with the self-signed certificate", e);
        }
    }

    String certificatePem() {
        return pem(certificate);
    }

    static String pem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A certificate read from a keystore has an encoding", e);
        }
    }

    String privateKeyPem() {
        return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Upper-case hex pairs separated by ':' of the SHA-256 of the certificate's DER encoding (as browsers show it). */
    static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] chars = new char[24];
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (int i = 0; i < chars.length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return chars;
    }
}
