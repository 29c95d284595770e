package dev.mailferry.connector.imap.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately independent, minimal IMAP client for preparing and checking mailboxes in tests, so that the connector
 * is never checked by itself. Responses are kept as raw bytes with their literals.
 */
final class TestImapClient implements AutoCloseable {

    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)\\}$");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    TestImapClient(String host, int port, String user, String password) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(20_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        readLine(); // greeting
        String result = command("LOGIN " + quote(user) + " " + quote(password));
        if (!result.contains(" OK ")) {
            throw new IOException("test login failed: " + result);
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Runs a command without literals; returns the whole answer as text (literals included, ISO-8859-1). */
    String command(String command) throws IOException {
        return new String(commandBytes(command), StandardCharsets.ISO_8859_1);
    }

    byte[] commandBytes(String command) throws IOException {
        String t = "T" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readUntilTagged(t);
    }

    /** APPEND with a synchronizing literal; returns the tagged answer. */
    String append(String mailbox, String flags, String internalDate, byte[] message) throws IOException {
        String t = "T" + (++tag);
        String head = t + " APPEND " + quote(mailbox) + (flags == null ? "" : " (" + flags + ")")
                + (internalDate == null ? "" : " " + quote(internalDate)) + " {" + message.length + "}\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String cont = readLine();
        if (!cont.startsWith("+")) {
            throw new IOException("APPEND refused: " + cont);
        }
        out.write(message);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = new String(readUntilTagged(t), StandardCharsets.ISO_8859_1);
        if (!answer.contains(t + " OK")) {
            throw new IOException("APPEND failed: " + answer);
        }
        return answer;
    }

    /** The raw bytes of every message of the selected folder by UID, via BODY.PEEK[]. */
    java.util.Map<Long, byte[]> bodies(String mailbox) throws IOException {
        command("EXAMINE " + quote(mailbox));
        java.util.Map<Long, byte[]> result = new java.util.TreeMap<>();
        String t = "T" + (++tag);
        out.write((t + " UID FETCH 1:* (UID BODY.PEEK[])\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            String line = readLine();
            if (line.startsWith(t + " ")) {
                return result;
            }
            Matcher uid = Pattern.compile("UID (\\d+)").matcher(line);
            Matcher literal = LITERAL_AT_END.matcher(line);
            if (literal.find()) {
                byte[] body = in.readNBytes(Integer.parseInt(literal.group(1)));
                readLine(); // closing ")"
                if (uid.find()) {
                    result.put(Long.parseLong(uid.group(1)), body);
                }
            }
        }
    }

    /** Flags by UID of every message in {@code mailbox} (opened read-only), without the session-bound \Recent. */
    java.util.Map<Long, String> flags(String mailbox) throws IOException {
        command("EXAMINE " + quote(mailbox));
        java.util.Map<Long, String> result = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("UID (\\d+) FLAGS \\(([^)]*)\\)").matcher(command("UID FETCH 1:* (UID FLAGS)"));
        while (m.find()) {
            result.put(Long.parseLong(m.group(1)), m.group(2).replace("\\Recent", "").trim().replaceAll("\\s+", " "));
        }
        return result;
    }

    private byte[] readUntilTagged(String t) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String line = readLine();
            all.write(line.getBytes(StandardCharsets.ISO_8859_1));
            all.write('\n');
            Matcher literal = LITERAL_AT_END.matcher(line);
            if (literal.find()) {
                all.write(in.readNBytes(Integer.parseInt(literal.group(1))));
                continue;
            }
            if (line.startsWith(t + " ")) {
                return all.toByteArray();
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        throw new IOException("connection closed");
    }

    /** Lines of a LIST answer, decoded as ASCII (mailbox names stay in modified UTF-7). */
    List<String> list() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : command("LIST \"\" \"*\"").split("\n")) {
            if (line.startsWith("* LIST")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        try {
            command("LOGOUT");
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
