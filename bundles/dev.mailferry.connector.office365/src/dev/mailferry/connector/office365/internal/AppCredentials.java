package dev.mailferry.connector.office365.internal;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the app proves who it is to Entra ID: a certificate (preferred; PEM or PKCS#12) or a client secret. Secrets and
 * keys never appear in a message.
 */
final class AppCredentials {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private AppCredentials() {
    }

    /** The credential MSAL presents: from the certificate file when the endpoint names one, else the client secret. */
    static IClientCredential of(Office365Endpoint endpoint, Secret secret) throws ConnectorException {
        Path file = endpoint.certificateFile();
        if (file == null) {
            if (secret.isEmpty()) {
                throw new ConnectorException(Kind.CONFIGURATION, "No client secret is stored for application "
                        + endpoint.clientId() + ": set it with 'mailferry target set --password-env VAR' (or"
                        + " --password), or give a certificate (--set certificate.file=FILE).");
            }
            return ClientCredentialFactory.createFromSecret(secret.reveal());
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConnectorException(Kind.CONFIGURATION, "Cannot read the certificate file " + file + ": "
                    + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        try {
            String text = new String(content, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN ")) {
                return fromPem(text, file);
            }
            try (InputStream in = new ByteArrayInputStream(content)) {
                return ClientCredentialFactory.createFromCertificate(in, secret.reveal());
            }
        } catch (IOException | GeneralSecurityException e) {
            // KeyStore says "keystore password was incorrect" for a wrong PKCS#12 password, never the password
            throw new ConnectorException(Kind.CONFIGURATION, "The certificate file " + file + " cannot be used: "
                    + e.getMessage() + (file.toString().endsWith(".pem") ? "" : " (a PKCS#12 file's password is the"
                    + " endpoint's secret)"));
        }
    }

    /** A PEM file with the certificate (first one) and its unencrypted PKCS#8 RSA or EC private key. */
    private static IClientCredential fromPem(String text, Path file) throws GeneralSecurityException, ConnectorException {
        X509Certificate certificate = null;
        PrivateKey key = null;
        Matcher block = PEM.matcher(text);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (block.group(1)) {
                case "CERTIFICATE" -> {
                    if (certificate == null) {
                        certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                                .generateCertificate(new ByteArrayInputStream(der));
                    }
                }
                case "PRIVATE KEY" -> key = privateKey(der);
                case "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new ConnectorException(
                        Kind.CONFIGURATION, "The private key in " + file + " is " + block.group(1).toLowerCase()
                        + ": give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt) or a PKCS#12 file");
                default -> {
                    // other blocks (chain certificates' neighbours, parameters) are not needed
                }
            }
        }
        if (certificate == null || key == null) {
            throw new ConnectorException(Kind.CONFIGURATION, "The PEM file " + file + " must hold the app's certificate"
                    + " and its private key (-----BEGIN PRIVATE KEY-----)");
        }
        return ClientCredentialFactory.createFromCertificate(key, certificate);
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] { "RSA", "EC" }) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
