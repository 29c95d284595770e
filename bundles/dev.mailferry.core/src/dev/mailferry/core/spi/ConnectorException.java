package dev.mailferry.core.spi;

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
        TARGET_REFUSES(false);

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

    public ConnectorException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public ConnectorException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    public ConnectorException(Kind kind, String message, Throwable cause, String certificateSha256) {
        super(message, cause);
        this.kind = kind;
        this.certificateSha256 = certificateSha256;
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#UNTRUSTED_CERTIFICATE}: the SHA-256 fingerprint the user may choose to trust; else null. */
    public String certificateSha256() {
        return certificateSha256;
    }
}
