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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLServerSocket;

/**
 * Exchange Online's IMAP throttling, in front of a stand-in: an IMAPS listener (with the {@link Office365StandIn}'s
 * certificate) that relays every connection to a plain IMAP port and, every {@code n}th APPEND, answers as Exchange
 * does when an app goes too fast: the commands already relayed are answered by the server, then the APPEND gets
 * {@code NO Request is throttled. Suggested Backoff Time: N milliseconds} and the connection ends with {@code * BYE}.
 * Client commands are parsed with their literals, so message contents are never taken for commands.
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
    private final AtomicInteger appends = new AtomicInteger();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param everyNthAppend throttle the n-th, 2n-th... APPEND over all connections
     * @param backoff        the Suggested Backoff Time in the answer
     * @param maxThrottles   stop throttling after this many (a storm that ends)
     */
    public ImapThrottlingProxy(Office365StandIn certificateOwner, String backendHost, int backendPort, int everyNthAppend,
            Duration backoff, int maxThrottles) throws IOException {
        this.backendHost = backendHost;
        this.backendPort = backendPort;
        this.everyNthAppend = everyNthAppend;
        this.backoff = backoff;
        this.maxThrottles = maxThrottles;
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

    /** How many APPENDs were answered "throttled". */
    public int throttles() {
        return throttles.get();
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
            String throttledTag = relayCommands(fromClient, toServer);
            if (throttledTag == null) {
                server.shutdownOutput();
                back.join(10_000);
                return;
            }
            // the server answers what it was sent, then sees the end of the input and closes
            server.shutdownOutput();
            back.join(10_000);
            String text = "Request is throttled. Suggested Backoff Time: " + backoff.toMillis() + " milliseconds";
            toClient.write((throttledTag + " NO " + text + "\r\n* BYE " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
        } catch (IOException e) {
            // a connection of the test ended: nothing to relay any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Relays client commands, literals included, until the client closes (null) or an APPEND is to be throttled (its
     * tag; the command is not relayed).
     */
    private String relayCommands(InputStream in, OutputStream out) throws IOException {
        boolean startOfCommand = true;
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                return null;
            }
            String text = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
            if (startOfCommand) {
                Matcher command = COMMAND.matcher(text);
                if (command.find() && command.group(2).toUpperCase(Locale.ROOT).equals("APPEND")
                        && appends.incrementAndGet() % everyNthAppend == 0 && throttles.get() < maxThrottles) {
                    throttles.incrementAndGet();
                    return command.group(1);
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
