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

    /** Hex digits only, upper case, so "ab:cd", "AB CD" and "ABCD" compare equal. */
    public static String normalize(String fingerprint) {
        // tolerate what tools print, e.g. "SHA256 Fingerprint=AB:CD:..."
        int equals = fingerprint.lastIndexOf('=');
        return fingerprint.substring(equals + 1).replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
    }
}
