package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DovecotServerTest {

    @TempDir
    static Path tempDir;

    static DovecotServer dovecot;

    @BeforeAll
    static void start() throws IOException {
        dovecot = DovecotServer.builder(tempDir.resolve("dovecot")).user("alice", "alice-pw").user("bob", "bob-pw")
                .masterUser("admin", "admin-pw").start();
    }

    @AfterAll
    static void stop() {
        if (dovecot != null) {
            dovecot.stop();
        }
    }

    @Test
    void userLogsInOnPlainImap() throws IOException {
        try (RawImap imap = RawImap.plain(dovecot)) {
            assertTrue(imap.greeting.startsWith("* OK"), imap.greeting);
            assertTrue(imap.command("LOGIN alice alice-pw").ok());
            Reply list = imap.command("LIST \"\" \"*\"");
            assertTrue(list.ok());
            assertTrue(list.text().contains("\".\" INBOX"), list.text());
        }
    }

    @Test
    void wrongPasswordIsRefusedWithoutGrowingDelays() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            try (RawImap imap = RawImap.plain(dovecot)) {
                Reply reply = imap.command("LOGIN alice wrong");
                assertTrue(reply.tagged().contains("NO"), reply.text());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1500, "failed login " + attempt + " took " + millis + " ms");
        }
    }

    @Test
    void masterUserLogsInAsAnotherUser() throws IOException {
        try (RawImap imap = RawImap.plain(dovecot)) {
            assertTrue(imap.command("LOGIN bob*admin admin-pw").ok());
            // The session belongs to bob: creating a folder lands in bob's Maildir, not in admin's.
            assertTrue(imap.command("CREATE Projects").ok());
        }
        assertTrue(Files.isDirectory(dovecot.mailDir("bob").resolve(".Projects")));
        try (RawImap imap = RawImap.plain(dovecot)) {
            assertFalse(imap.command("LOGIN bob*admin bob-pw").ok(), "the user's own password is no master password");
        }
    }

    @Test
    void saslPlainWithAuthorizationIdentityLogsInAsThatUser() throws IOException {
        String initial = Base64.getEncoder()
                .encodeToString("alice\0admin\0admin-pw".getBytes(StandardCharsets.UTF_8));
        try (RawImap imap = RawImap.plain(dovecot)) {
            Reply reply = imap.command("AUTHENTICATE PLAIN " + initial);
            assertTrue(reply.ok(), reply.text());
            assertTrue(imap.command("CREATE FromAdmin").ok());
        }
        assertTrue(Files.isDirectory(dovecot.mailDir("alice").resolve(".FromAdmin")));
    }

    @Test
    void imapsPresentsTheGeneratedCertificate() throws Exception {
        X509Certificate certificate = dovecot.certificate();
        assertEquals(DovecotServer.sha256Fingerprint(certificate), dovecot.certificateSha256());
        assertTrue(dovecot.certificateSha256().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), dovecot.certificateSha256());
        assertTrue(Files.readString(dovecot.certificatePemFile()).startsWith("-----BEGIN CERTIFICATE-----"));
        try (RawImap imap = RawImap.tls(dovecot, TlsTestSupport.trustOnly(certificate))) {
            X509Certificate presented = (X509Certificate) ((SSLSocket) imap.socket).getSession()
                    .getPeerCertificates()[0];
            assertEquals(dovecot.certificateSha256(), DovecotServer.sha256Fingerprint(presented));
            assertTrue(imap.command("LOGIN alice alice-pw").ok());
        }
        // With the JDK's default trust store the self-signed certificate is refused.
        assertThrows(SSLHandshakeException.class, () -> {
            try (RawImap imap = RawImap.tls(dovecot, SSLContext.getDefault())) {
                imap.command("NOOP");
            }
        });
    }

    @Test
    void userAddedWhileRunningCanLogIn() throws IOException {
        dovecot.addUser("carol", "carol-pw");
        try (RawImap imap = RawImap.plain(dovecot)) {
            assertTrue(imap.command("LOGIN carol carol-pw").ok());
        }
    }

    @Test
    void slashDelimiterServerAndStopReleasesThePort() throws IOException {
        DovecotServer fs = DovecotServer.builder(tempDir.resolve("fs")).hierarchyDelimiter('/').user("dora", "dora-pw")
                .start();
        int port = fs.imapPort();
        try (RawImap imap = RawImap.plain(fs)) {
            assertTrue(imap.command("LOGIN dora dora-pw").ok());
            assertTrue(imap.command("CREATE Archive/2024").ok());
            Reply list = imap.command("LIST \"\" \"*\"");
            assertTrue(list.text().contains("\"/\" Archive/2024"), list.text());
            assertTrue(list.text().contains("\\Archive"), "special-use attributes are configured: " + list.text());
        } finally {
            fs.stop();
        }
        assertTrue(Files.isDirectory(fs.mailDir("dora").resolve("Archive").resolve("2024")));
        assertFalse(fs.isRunning());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        fs.stop(); // idempotent
    }

    /** One IMAP command's untagged lines plus its tagged answer. */
    record Reply(List<String> lines) {
        String tagged() {
            return lines.get(lines.size() - 1);
        }

        boolean ok() {
            return tagged().split(" ", 3)[1].equals("OK");
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    /** Just enough IMAP to check a server; no literals. */
    static final class RawImap implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        final String greeting;
        int tag;

        private RawImap(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
            this.greeting = in.readLine();
        }

        static RawImap plain(DovecotServer server) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(server.host(), server.imapPort()), 5000);
            return new RawImap(socket);
        }

        static RawImap tls(DovecotServer server, SSLContext context) throws IOException {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.host(), server.imapsPort());
            socket.startHandshake();
            return new RawImap(socket);
        }

        Reply command(String command) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(t + " ")) {
                    return new Reply(lines);
                }
            }
            throw new IOException("connection closed after " + lines);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
