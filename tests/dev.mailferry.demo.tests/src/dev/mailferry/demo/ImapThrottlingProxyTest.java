package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's rate limits over real sockets: an IMAPS client logs in with XOAUTH2 and APPENDs through the proxy to a
 * minimal IMAP server that accepts everything, and the proxy answers as Exchange does once a limit is reached.
 */
class ImapThrottlingProxyTest {

    private static final Pattern BACKOFF = Pattern.compile(
            "^(\\S+) NO Request is throttled\\. Suggested Backoff Time: (\\d+) milliseconds$");

    @TempDir
    static Path dir;

    static Office365StandIn standIn;
    static AcceptingImapServer backend;

    @BeforeAll
    static void start() throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        backend = new AcceptingImapServer();
    }

    @AfterAll
    static void stop() throws IOException {
        standIn.close();
        backend.close();
    }

    @Test
    void theTenantWideRateHoldsOverAllConnectionsAndMailboxesAndNamesTheWait() throws Exception {
        // 1 a second (one in the bucket): the first APPEND passes, the next must wait up to a second
        try (ImapThrottlingProxy proxy = ImapThrottlingProxy.builder(standIn, "127.0.0.1", backend.port())
                .tenantRate(1).start()) {
            long backoff;
            try (Client alice = new Client(proxy, "alice@contoso.example")) {
                assertNull(alice.append(), "the first");
                String refused = alice.append();
                Matcher m = BACKOFF.matcher(String.valueOf(refused));
                assertTrue(m.matches(), refused);
                backoff = Long.parseLong(m.group(2));
                assertTrue(backoff > 0 && backoff <= 1000, refused);
                assertTrue(alice.readsBye(), "Exchange's disconnect after the refusal");
            }
            // another mailbox on another connection, at once: the limit is the tenant's, not the connection's
            try (Client bob = new Client(proxy, "bob@contoso.example")) {
                String refused = bob.append();
                assertTrue(BACKOFF.matcher(String.valueOf(refused)).matches(), refused);
            }
            Thread.sleep(1000); // at least the backoff asked for
            try (Client bob = new Client(proxy, "bob@contoso.example")) {
                assertNull(bob.append(), "after the wait the bucket has a message again");
            }
            assertEquals(2, proxy.appendsRelayed());
            assertEquals(2, proxy.rateThrottles());
            assertEquals(0, proxy.throttles(), "no every-n-th throttling configured");
        }
    }

    @Test
    void aMailboxRateLimitsEachMailboxOnItsOwn() throws Exception {
        try (ImapThrottlingProxy proxy = ImapThrottlingProxy.builder(standIn, "127.0.0.1", backend.port())
                .mailboxRate(1).start()) {
            try (Client alice = new Client(proxy, "alice@contoso.example")) {
                assertNull(alice.append());
                String refused = alice.append();
                assertTrue(BACKOFF.matcher(String.valueOf(refused)).matches(), refused);
            }
            // the login's user=, in upper case on a new connection without SASL-IR, is the same mailbox
            try (Client alice = new Client(proxy, "ALICE@contoso.example", false)) {
                String refused = alice.append();
                assertTrue(BACKOFF.matcher(String.valueOf(refused)).matches(), refused);
            }
            try (Client bob = new Client(proxy, "bob@contoso.example", false)) {
                assertNull(bob.append(), "bob's mailbox has its own limit");
            }
            assertEquals(2, proxy.appendsRelayed());
            assertEquals(2, proxy.rateThrottles());
        }
    }

    /** An IMAPS client that logs in with XOAUTH2 and appends one small message at a time, with LITERAL+. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private int tag;

        Client(ImapThrottlingProxy proxy, String user) throws Exception {
            this(proxy, user, true);
        }

        Client(ImapThrottlingProxy proxy, String user, boolean initialResponse) throws Exception {
            SSLContext tls = TlsTestSupport.trustOnly(standIn.certificate());
            socket = tls.getSocketFactory().createSocket(proxy.host(), proxy.port());
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            String response = Base64.getEncoder().encodeToString(("user=" + user + "\u0001auth=Bearer not-checked"
                    + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
            if (initialResponse) {
                send("a0 AUTHENTICATE XOAUTH2 " + response);
            } else {
                send("a0 AUTHENTICATE XOAUTH2");
                assertTrue(in.readLine().startsWith("+"));
                send(response);
            }
            assertEquals("a0 OK authenticated", in.readLine());
        }

        /** Null when the APPEND was stored, else the tagged refusal. */
        String append() throws IOException {
            String t = "a" + (++tag);
            byte[] message = ("Subject: test " + t + "\r\n\r\nAPPEND INBOX in the body is no command\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            send(t + " APPEND INBOX {" + message.length + "+}");
            out.write(message);
            send("");
            String answer = in.readLine();
            return answer.equals(t + " OK APPEND completed") ? null : answer;
        }

        boolean readsBye() throws IOException {
            return in.readLine().startsWith("* BYE Request is throttled");
        }

        private void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Plain IMAP that answers every AUTHENTICATE and APPEND with OK (reading the literal), on loopback. */
    private static final class AcceptingImapServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());

        AcceptingImapServer() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket connection = listener.accept();
                        Thread serve = new Thread(() -> serve(connection), "accepting-imap-server");
                        serve.setDaemon(true);
                        serve.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "accepting-imap-server-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void serve(Socket connection) {
            try (connection) {
                var in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                out.write("* OK test server ready\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line;
                while ((line = readLine(in)) != null) {
                    String[] words = line.split(" ");
                    String answer;
                    if (words.length >= 3 && words[1].equals("AUTHENTICATE")) {
                        if (words.length == 3) {
                            out.write("+ \r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            readLine(in);
                        }
                        answer = words[0] + " OK authenticated";
                    } else if (words.length >= 3 && words[1].equals("APPEND")) {
                        Matcher literal = Pattern.compile("\\{(\\d+)\\+?}$").matcher(line);
                        if (literal.find()) {
                            in.readNBytes(Integer.parseInt(literal.group(1)));
                            readLine(in);
                        }
                        answer = words[0] + " OK APPEND completed";
                    } else {
                        answer = words[0] + " BAD unknown command";
                    }
                    out.write((answer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException ended) {
                // the proxy closed the connection
            }
        }

        private static String readLine(java.io.InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    return line.toString().stripTrailing();
                }
                line.append((char) b);
            }
            return line.length() == 0 ? null : line.toString();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
