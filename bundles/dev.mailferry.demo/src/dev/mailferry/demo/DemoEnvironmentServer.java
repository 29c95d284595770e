package dev.mailferry.demo;

import java.nio.file.Path;

/**
 * How to reach one IMAP server of a {@link DemoEnvironment}. Both ports serve the same mailboxes: {@code imapPort}
 * unencrypted (security "none", or "starttls" when {@code offersStartTls}), {@code imapsPort} with implicit TLS
 * ("ssl"). The certificate is self-signed: trust {@code certificatePemFile} or pin {@code certificateSha256}.
 *
 * @param delimiter      the IMAP hierarchy delimiter, '.' or '/'
 * @param offersStartTls false on GreenMail, whose IMAP has no STARTTLS
 * @param kind           the server software, DOVECOT or GREENMAIL
 */
public record DemoEnvironmentServer(String host, int imapPort, int imapsPort, char delimiter, String certificateSha256,
        Path certificatePemFile, boolean offersStartTls, DemoServerKind kind) {

    /** The port for a security mode as the endpoint settings name it: "none", "starttls" or "ssl". */
    public int port(String security) {
        return switch (security.toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> imapPort;
        case "starttls" -> {
            if (!offersStartTls) {
                throw new IllegalArgumentException(kind.displayName() + " offers no STARTTLS; use ssl or none");
            }
            yield imapPort;
        }
        case "ssl", "tls", "imaps" -> imapsPort;
        default -> throw new IllegalArgumentException("Security is none, starttls or ssl, not '" + security + "'");
        };
    }

    static DemoEnvironmentServer of(DemoImapServer server) {
        return new DemoEnvironmentServer(server.host(), server.imapPort(), server.imapsPort(), server.hierarchyDelimiter(),
                server.certificateSha256(), server.certificatePemFile(), server.offersStartTls(), server.kind());
    }
}
