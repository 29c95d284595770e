package dev.mailferry.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLServerSocket;

/**
 * Exchange Online's IMAP throttling, in front of a stand-in: an IMAPS listener (with the {@link Office365StandIn}'s
 * certificate) that relays every connection to a plain IMAP port and throttles APPENDs as Exchange does when an app goes
 * too fast: the commands already relayed are answered by the server, then the APPEND gets
 * {@code NO Request is throttled. Suggested Backoff Time: N milliseconds} and the connection ends with {@code * BYE}.
 * Three rules, each optional: every {@code n}th APPEND (a storm, with a fixed backoff); a tenant-wide rate (messages per
 * second over all connections); a rate per mailbox (the XOAUTH2 login's user). The rates are token buckets that hold
 * one second's worth; N is then the time until both buckets allow the APPEND. Client commands are parsed with their
 * literals, so message contents are never taken for commands.
 */
public final class ImapThrottlingProxy implements AutoCloseable {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?\\}$");
    private static final Pattern COMMAND = Pattern.compile("^(\\S+) (\\S+)");

    private final ServerSocket listener;
    private final String backendHost;
    private final int backendPort;
    private final int everyNthAppend;
    private final Duration backoff;
    private final int maxThrottles;
    private final TokenBucket tenantBucket;
    private final double mailboxRate;
    /** Per mailbox (XOAUTH2 user); guarded by {@code this}, like both buckets. */
    private final Map<String, TokenBucket> mailboxBuckets = new HashMap<>();
    private final AtomicInteger appends = new AtomicInteger();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicInteger rateThrottles = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger appendsRelayed = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param everyNthAppend throttle the n-th, 2n-th... APPEND over all connections
     * @param backoff        the Suggested Backoff Time in the answer
     * @param maxThrottles   stop throttling after this many (a storm that ends)
     */
    public ImapThrottlingProxy(Office365StandIn certificateOwner, String backendHost, int backendPort, int everyNthAppend,
            Duration backoff, int maxThrottles) throws IOException {
        this(builder(certificateOwner, backendHost, backendPort).everyNthAppend(everyNthAppend, backoff, maxThrottles));
    }

    /** A proxy in front of {@code backendHost:backendPort} (plain IMAP) that throttles nothing until told to. */
    public static Builder builder(Office365StandIn certificateOwner, String backendHost, int backendPort) {
        return new Builder(certificateOwner, backendHost, backendPort);
    }

    /** The throttling rules of a proxy. */
    public static final class Builder {
        private final Office365StandIn certificateOwner;
        private final String backendHost;
        private final int backendPort;
        private int everyNthAppend;
        private Duration backoff = Duration.ZERO;
        private int maxThrottles;
        private double tenantRate;
        private double mailboxRate;

        private Builder(Office365StandIn certificateOwner, String backendHost, int backendPort) {
            this.certificateOwner = certificateOwner;
            this.backendHost = backendHost;
            this.backendPort = backendPort;
        }

        /**
         * @param n            throttle the n-th, 2n-th... APPEND over all connections (0: never)
         * @param backoff      the Suggested Backoff Time in the answer
         * @param maxThrottles stop throttling this way after this many (a storm that ends)
         */
        public Builder everyNthAppend(int n, Duration backoff, int maxThrottles) {
            this.everyNthAppend = n;
            this.backoff = backoff;
            this.maxThrottles = maxThrottles;
            return this;
        }

        /** At most this many APPENDs a second over all connections and mailboxes, the tenant's limit (0: none). */
        public Builder tenantRate(double messagesPerSecond) {
            this.tenantRate = messagesPerSecond;
            return this;
        }

        /** At most this many APPENDs a second into each mailbox, over all its connections (0: none). */
        public Builder mailboxRate(double messagesPerSecond) {
            this.mailboxRate = messagesPerSecond;
            return this;
        }

        public ImapThrottlingProxy start() throws IOException {
            return new ImapThrottlingProxy(this);
        }
    }

    private ImapThrottlingProxy(Builder settings) throws IOException {
        this.backendHost = settings.backendHost;
        this.backendPort = settings.backendPort;
        this.everyNthAppend = settings.everyNthAppend;
        this.backoff = settings.backoff;
        this.maxThrottles = settings.maxThrottles;
        this.tenantBucket = settings.tenantRate > 0 ? new TokenBucket(settings.tenantRate, System::nanoTime) : null;
        this.mailboxRate = settings.mailboxRate;
        Office365StandIn certificateOwner = settings.certificateOwner;
        SSLServerSocket socket = (SSLServerSocket) certificateOwner.selfSignedCertificate().serverContext()
                .getServerSocketFactory().createServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.listener = socket;
        this.acceptor = new Thread(this::acceptLoop, "imap-throttling-proxy");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The IMAPS port to connect to instead of the stand-in's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** How many APPENDs were answered "throttled" because of the every-n-th rule. */
    public int throttles() {
        return throttles.get();
    }

    /** How many APPENDs were answered "throttled" because of the tenant's or a mailbox's rate. */
    public int rateThrottles() {
        return rateThrottles.get();
    }

    /** How many APPENDs were relayed to the server. */
    public int appendsRelayed() {
        return appendsRelayed.get();
    }

    /** How many connections the proxy accepted. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Thread relay = new Thread(() -> relay(client), "imap-throttling-proxy-connection");
                relay.setDaemon(true);
                relay.start();
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly(10);
                }
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket server = new Socket(backendHost, backendPort)) {
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            OutputStream toServer = server.getOutputStream();
            Thread back = new Thread(() -> copy(server, toClient), "imap-throttling-proxy-answers");
            back.setDaemon(true);
            back.start();
            Throttled throttled = relayCommands(fromClient, toServer);
            if (throttled == null) {
                server.shutdownOutput();
                back.join(10_000);
                return;
            }
            // the server answers what it was sent, then sees the end of the input and closes
            server.shutdownOutput();
            back.join(10_000);
            String text = "Request is throttled. Suggested Backoff Time: " + throttled.backoffMillis() + " milliseconds";
            toClient.write((throttled.tag() + " NO " + text + "\r\n* BYE " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
            discardUntilClosed(client, fromClient);
        } catch (IOException e) {
            // a connection of the test ended: nothing to relay any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads and drops what the client still sends (the refused APPEND's literal, pipelined commands) until it closes,
     * for at most two seconds: closing with unread input would reset the connection, and the client could lose the
     * answer with the backoff before reading it.
     */
    private static void discardUntilClosed(Socket client, InputStream fromClient) throws IOException {
        long until = System.nanoTime() + 2_000_000_000L;
        client.setSoTimeout(200);
        byte[] buffer = new byte[16384];
        while (System.nanoTime() < until) {
            try {
                if (fromClient.read(buffer) < 0) {
                    return;
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // nothing yet: the client may still be reading the answer
            }
        }
    }

    /** An APPEND answered "throttled": its tag and the Suggested Backoff Time. */
    private record Throttled(String tag, long backoffMillis) {
    }

    /**
     * Relays client commands, literals included, until the client closes (null) or an APPEND is to be throttled (the
     * command is not relayed).
     */
    private Throttled relayCommands(InputStream in, OutputStream out) throws IOException {
        boolean startOfCommand = true;
        boolean saslResponseNext = false;
        String mailbox = "";
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                return null;
            }
            String text = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
            if (saslResponseNext) {
                // AUTHENTICATE XOAUTH2 without SASL-IR: the client's response comes on its own line
                saslResponseNext = false;
                mailbox = xoauth2User(text, mailbox);
            } else if (startOfCommand) {
                Matcher command = COMMAND.matcher(text);
                if (command.find()) {
                    String name = command.group(2).toUpperCase(Locale.ROOT);
                    if (name.equals("AUTHENTICATE")) {
                        String[] words = text.split(" ");
                        if (words.length == 3 && words[2].equalsIgnoreCase("XOAUTH2")) {
                            saslResponseNext = true;
                        } else if (words.length >= 4 && words[2].equalsIgnoreCase("XOAUTH2")) {
                            mailbox = xoauth2User(words[3], mailbox);
                        }
                    } else if (name.equals("APPEND")) {
                        Throttled throttled = throttle(command.group(1), mailbox);
                        if (throttled != null) {
                            return throttled;
                        }
                        appendsRelayed.incrementAndGet();
                    }
                }
            }
            out.write(line);
            Matcher literal = LITERAL.matcher(text);
            if (literal.find()) {
                long remaining = Long.parseLong(literal.group(1));
                byte[] buffer = new byte[8192];
                while (remaining > 0) {
                    int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (read < 0) {
                        return null;
                    }
                    out.write(buffer, 0, read);
                    remaining -= read;
                }
                startOfCommand = false; // the command goes on after its literal
            } else {
                startOfCommand = true;
            }
            out.flush();
        }
    }

    /** Whether this APPEND is throttled, and for how long; takes its share of the rates when it is not. */
    private Throttled throttle(String tag, String mailbox) {
        if (everyNthAppend > 0 && appends.incrementAndGet() % everyNthAppend == 0 && throttles.get() < maxThrottles) {
            throttles.incrementAndGet();
            return new Throttled(tag, backoff.toMillis());
        }
        if (tenantBucket == null && mailboxRate <= 0) {
            return null;
        }
        synchronized (this) {
            TokenBucket mailboxBucket = mailboxRate > 0
                    ? mailboxBuckets.computeIfAbsent(mailbox, m -> new TokenBucket(mailboxRate, System::nanoTime))
                    : null;
            long waitNanos = Math.max(tenantBucket == null ? 0 : tenantBucket.nanosUntilAvailable(),
                    mailboxBucket == null ? 0 : mailboxBucket.nanosUntilAvailable());
            if (waitNanos > 0) {
                rateThrottles.incrementAndGet();
                // whole milliseconds, rounded up: a client that waits as told finds the bucket ready
                return new Throttled(tag, Math.max(1, (waitNanos + 999_999) / 1_000_000));
            }
            if (tenantBucket != null) {
                tenantBucket.take();
            }
            if (mailboxBucket != null) {
                mailboxBucket.take();
            }
            return null;
        }
    }

    /** The {@code user=} of a SASL XOAUTH2 initial response (base64), else {@code otherwise}. */
    private static String xoauth2User(String base64, String otherwise) {
        try {
            String response = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
            for (String part : response.split("\u0001")) {
                if (part.startsWith("user=")) {
                    return part.substring("user=".length()).toLowerCase(Locale.ROOT);
                }
            }
        } catch (IllegalArgumentException notBase64) {
            // not a login this proxy understands: the mailbox stays as it was
        }
        return otherwise;
    }

    /** One line with its CRLF, or null at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static void copy(Socket from, OutputStream to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                synchronized (to) {
                    to.write(buffer, 0, read);
                    to.flush();
                }
            }
        } catch (IOException e) {
            // either side closed
        }
    }


    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
