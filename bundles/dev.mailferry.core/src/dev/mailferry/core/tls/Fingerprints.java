package dev.mailferry.core.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 certificate fingerprints, shown as upper-case hex pairs joined by ':'. */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static String sha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot compute a SHA-256 fingerprint", e);
        }
    }

    /**
     * The value of a setting that pins a certificate, normalized; null when {@code value} is null.
     *
     * @throws IllegalArgumentException naming the setting when the value is not a SHA-256 fingerprint
     */
    public static String parseSetting(String key, String value) {
        if (value == null) {
            return null;
        }
        String normalized = normalize(value);
        if (!normalized.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("Setting '" + key
                    + "' must be a SHA-256 fingerprint (64 hex digits, colons allowed).");
        }
        return normalized;
    }

    /** Hex digits only, upper case, so "ab:cd", "AB CD" and "ABCD" compare equal. */
    public static String normalize(String fingerprint) {
        // tolerate what tools print, e.g. "SHA256 Fingerprint=AB:CD:..."
        int equals = fingerprint.lastIndexOf('=');
        return fingerprint.substring(equals + 1).replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
    }
}
