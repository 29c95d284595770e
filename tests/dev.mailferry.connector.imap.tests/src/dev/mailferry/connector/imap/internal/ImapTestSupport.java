package dev.mailferry.connector.imap.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Dovecot instances, endpoints and hand-written test messages shared by the connector tests. */
final class ImapTestSupport {

    static final String[] USERS = { "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan", "judy",
            "kim", "lars" };
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-secret-Pw1";

    private ImapTestSupport() {
    }

    static DovecotServer start(Path dir, char delimiter, boolean specialUse, long maxMessageSize) throws IOException {
        DovecotServer.Builder builder = DovecotServer.builder(dir).hierarchyDelimiter(delimiter)
                .specialUseMailboxes(specialUse).maxMessageSize(maxMessageSize).masterUser(ADMIN, ADMIN_PASSWORD);
        for (String user : USERS) {
            builder.user(user, password(user));
        }
        return builder.start();
    }

    static String password(String user) {
        return user + "-Secret-Pw9";
    }

    static Credentials credentials(String user) {
        return new Credentials(user, Secret.of(password(user)));
    }

    static Endpoint plain(DovecotServer server) {
        return new Endpoint(ImapSettings.CONNECTOR_ID, Map.of(ImapSettings.HOST, server.host(), ImapSettings.PORT,
                Integer.toString(server.imapPort()), ImapSettings.SECURITY, ImapSettings.SECURITY_NONE));
    }

    static Endpoint ssl(DovecotServer server) {
        return new Endpoint(ImapSettings.CONNECTOR_ID, Map.of(ImapSettings.HOST, server.host(), ImapSettings.PORT,
                Integer.toString(server.imapsPort()), ImapSettings.SECURITY, ImapSettings.SECURITY_SSL));
    }

    static TestImapClient client(DovecotServer server, String user) throws IOException {
        return new TestImapClient(server.host(), server.imapPort(), user, password(user));
    }

    /** A message with CRLF line ends; {@code headers} are raw lines (may hold 8-bit bytes as ISO-8859-1 chars). */
    static byte[] message(String subject, String messageIdHeader, int bodyBytes, String... extraHeaders) {
        StringBuilder text = new StringBuilder();
        text.append("From: Sender <sender@example.org>\r\n");
        text.append("To: Receiver <receiver@example.net>\r\n");
        text.append("Subject: ").append(subject).append("\r\n");
        text.append("Date: Thu, 04 Mar 2021 05:06:07 +0000\r\n");
        if (messageIdHeader != null) {
            text.append(messageIdHeader).append("\r\n");
        }
        for (String header : extraHeaders) {
            text.append(header).append("\r\n");
        }
        text.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        StringBuilder body = new StringBuilder();
        int line = 0;
        while (body.length() < bodyBytes) {
            body.append("Line ").append(line++).append(" of ").append(subject).append(" -- the quick brown fox.\r\n");
        }
        text.append(body);
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
