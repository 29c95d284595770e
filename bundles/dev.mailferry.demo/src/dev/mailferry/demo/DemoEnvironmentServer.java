package dev.mailferry.demo;

import java.nio.file.Path;

/**
 * How to reach one IMAP server of a {@link DemoEnvironment}. Both ports serve the same mailboxes: {@code imapPort}
 * unencrypted with STARTTLS offered (security "none" or "starttls"), {@code imapsPort} with implicit TLS ("ssl"). The
 * certificate is self-signed: trust {@code certificatePemFile} or pin {@code certificateSha256}.
 *
 * @param delimiter the IMAP hierarchy delimiter, '.' or '/'
 */
public record DemoEnvironmentServer(String host, int imapPort, int imapsPort, char delimiter, String certificateSha256,
        Path certificatePemFile) {

    static DemoEnvironmentServer of(DovecotServer server) {
        return new DemoEnvironmentServer(server.host(), server.imapPort(), server.imapsPort(), server.hierarchyDelimiter(),
                server.certificateSha256(), server.certificatePemFile());
    }
}
