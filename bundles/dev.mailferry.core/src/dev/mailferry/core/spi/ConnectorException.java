package dev.mailferry.core.spi;

import dev.mailferry.core.tls.Fingerprints;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * A connector operation failed. The message is for the user: it names the place (server, folder, UID) and the reason,
 * and never contains a secret. {@link #kind()} lets the engine decide between failing a mailbox, retrying, or asking
 * the user to trust a certificate.
 */
public class ConnectorException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough for the engine to act on. */
    public enum Kind {
        /** Host unreachable, connection refused or dropped, timeout: worth a retry. */
        CONNECTION(true),
        /** Login refused: wrong password, unknown user, admin rights missing. */
        AUTHENTICATION(false),
        /** The server's TLS certificate is not trusted; {@link ConnectorException#certificateSha256()} says which. */
        UNTRUSTED_CERTIFICATE(false),
        /** The server answered NO/BAD or something unexpected. */
        PROTOCOL(true),
        /** The mailbox or folder does not exist. */
        NOT_FOUND(false),
        /** The settings are incomplete or contradictory. */
        CONFIGURATION(false),
        /**
         * The target refuses every further message of this mailbox for now: over quota, mailbox full, disabled or
         * read-only, too many folders. Retrying within the pass would only be refused again; a later pass may succeed.
         */
        TARGET_REFUSES(false),
        /**
         * The server asks to slow down (Exchange Online's "Request is throttled. Suggested Backoff Time: N
         * milliseconds", HTTP 429 with Retry-After): not a failure; wait {@link ConnectorException#retryAfter()}, then
         * go on where the work stopped.
         */
        THROTTLED(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String certificateSha256;
    private final Duration retryAfter;
    private final X509Certificate certificate;

    public ConnectorException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public ConnectorException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    public ConnectorException(Kind kind, String message, Throwable cause, String certificateSha256) {
        this(kind, message, cause, certificateSha256, null, null);
    }

    private ConnectorException(Kind kind, String message, Throwable cause, String certificateSha256,
            Duration retryAfter, X509Certificate certificate) {
        super(message, cause);
        this.kind = kind;
        this.certificateSha256 = certificateSha256;
        this.retryAfter = retryAfter;
        this.certificate = certificate;
    }

    /**
     * An {@link Kind#UNTRUSTED_CERTIFICATE} failure carrying the certificate the server presented, so that a user can
     * see whose it is (subject, issuer, validity) and its fingerprint before trusting it.
     */
    public static ConnectorException untrustedCertificate(String message, X509Certificate certificate) {
        return new ConnectorException(Kind.UNTRUSTED_CERTIFICATE, message, null,
                certificate == null ? null : Fingerprints.sha256(certificate), null, certificate);
    }

    /** A {@link Kind#THROTTLED} failure: the server asked to wait {@code retryAfter} before the next request. */
    public static ConnectorException throttled(String message, Duration retryAfter) {
        return new ConnectorException(Kind.THROTTLED, message, null, null, retryAfter, null);
    }

    /** The same failure with {@code prefix} before its message (e.g. "Target: "), keeping everything it carries. */
    public ConnectorException prefixed(String prefix) {
        return new ConnectorException(kind, prefix + getMessage(), this, certificateSha256, retryAfter, certificate);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#THROTTLED}: how long the server asked to wait; else null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** For {@link Kind#UNTRUSTED_CERTIFICATE}: the SHA-256 fingerprint the user may choose to trust; else null. */
    public String certificateSha256() {
        return certificateSha256;
    }

    /**
     * For {@link Kind#UNTRUSTED_CERTIFICATE}: the certificate the server presented, when the connector kept it (see
     * {@link #untrustedCertificate}); else null.
     */
    public X509Certificate certificate() {
        return certificate;
    }
}
