package dev.mailferry.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A throwaway IMAP server on loopback that a {@link DemoEnvironment} runs: {@link DovecotServer} (a private Dovecot
 * process) or {@link GreenMailServer} (embedded in this JVM, for machines without Dovecot).
 */
public interface DemoImapServer extends AutoCloseable {

    DemoServerKind kind();

    String host();

    /** Unencrypted IMAP; STARTTLS is offered only when {@link #offersStartTls()}. */
    int imapPort();

    /** IMAP with implicit TLS, presenting {@link #certificate()}. */
    int imapsPort();

    /** Whether the plain port upgrades to TLS with STARTTLS (GreenMail's IMAP does not). */
    boolean offersStartTls();

    /** Whether {@code user*master} logins work (Dovecot only). */
    boolean supportsMasterUsers();

    /** The IMAP hierarchy delimiter, '.' or '/'. */
    char hierarchyDelimiter();

    /** The self-signed certificate the IMAPS port presents. */
    X509Certificate certificate();

    /** SHA-256 of the certificate's DER encoding, upper-case hex pairs separated by ':'. */
    default String certificateSha256() {
        return SelfSignedCertificate.sha256Fingerprint(certificate());
    }

    /** The certificate in PEM, for clients that trust a file rather than pin a fingerprint. */
    Path certificatePemFile();

    /** Adds or replaces a user who can log in at once. */
    void addUser(String name, String password) throws IOException;

    /**
     * Stores a generated mailbox for {@code user} (folders, subscriptions, messages with their flags and internal
     * dates) and returns what was stored.
     */
    MaildirManifest fillMailbox(String user, CorpusGenerator corpus) throws IOException;

    boolean isRunning();

    /** Stops the server and frees its ports. Safe to call more than once. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
