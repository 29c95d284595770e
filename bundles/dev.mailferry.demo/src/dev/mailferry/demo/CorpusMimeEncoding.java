package dev.mailferry.demo;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The MIME encodings the corpus writes (quoted-printable, base64, RFC 2047 words, RFC 2231 parameters), CRLF only. */
final class CorpusMimeEncoding {

    static final String CRLF = "\r\n";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** RFC 2047 allows 75 characters per encoded word. */
    private static final int MAX_ENCODED_WORD = 75;

    private CorpusMimeEncoding() {
    }

    /**
     * Quoted-printable (RFC 2045 6.7) of text whose lines are separated by "\n": hard line breaks become CRLF, long lines
     * get soft breaks before column 76, trailing blanks and non-ASCII bytes are escaped.
     */
    static String quotedPrintable(String text, Charset charset) {
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        String[] lines = text.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            byte[] bytes = lines[l].getBytes(charset);
            int column = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[i] & 0xff;
                boolean last = i == bytes.length - 1;
                boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
                int width = literal ? 1 : 3;
                if (column + width > 75) {
                    out.append('=').append(CRLF);
                    column = 0;
                }
                if (literal) {
                    out.append((char) b);
                } else {
                    out.append('=').append(HEX[b >> 4]).append(HEX[b & 0xf]);
                }
                column += width;
            }
            if (l < lines.length - 1) {
                out.append(CRLF);
            }
        }
        return out.toString();
    }

    /** Base64 in 76-character lines, each ended by CRLF. */
    static String base64Lines(byte[] bytes) {
        String encoded = Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes);
        return encoded.isEmpty() ? "" : encoded + CRLF;
    }

    /** How many bytes {@link #base64Lines} makes of {@code rawLength} bytes. */
    static long base64Length(long rawLength) {
        long chars = (rawLength + 2) / 3 * 4;
        long lines = (chars + 75) / 76;
        return chars + lines * 2;
    }

    /** The raw length whose base64 form is at most {@code encodedLength} bytes. */
    static long rawLengthForBase64(long encodedLength) {
        long raw = Math.max(0, encodedLength * 57 / 78);
        while (raw > 0 && base64Length(raw) > encodedLength) {
            raw--;
        }
        return raw;
    }

    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7e || text.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes {@code text} as RFC 2047 encoded words in {@code charset} ("B" or "Q"), separated by folding whitespace. Each
     * word holds whole characters, so stateful charsets such as ISO-2022-JP return to ASCII inside every word.
     */
    static String encodedWords(String text, Charset charset, boolean base64) {
        String prefix = "=?" + charset.name() + "?" + (base64 ? "B" : "Q") + "?";
        int room = MAX_ENCODED_WORD - prefix.length() - 2;
        List<String> words = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            String best = null;
            while (end < text.length()) {
                int next = end + Character.charCount(text.codePointAt(end));
                String candidate = encodeChunk(text.substring(start, next), charset, base64);
                if (candidate.length() > room && best != null) {
                    break;
                }
                best = candidate;
                end = next;
            }
            words.add(prefix + best + "?=");
            start = end;
        }
        return String.join(CRLF + " ", words);
    }

    private static String encodeChunk(String chunk, Charset charset, boolean base64) {
        byte[] bytes = chunk.getBytes(charset);
        if (base64) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        StringBuilder out = new StringBuilder();
        for (byte value : bytes) {
            int b = value & 0xff;
            if (b == ' ') {
                out.append('_');
            } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '!' || b == '*'
                    || b == '+' || b == '-' || b == '/') {
                out.append((char) b);
            } else {
                out.append('=').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    /** A display name for an address header: as is, quoted, or as encoded words when it is not ASCII. */
    static String phrase(String name, Charset charset, boolean base64) {
        if (!isAscii(name)) {
            return encodedWords(name, charset, base64);
        }
        for (char c : name.toCharArray()) {
            if ("()<>[]:;@\\,.\"".indexOf(c) >= 0) {
                return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
        }
        return name;
    }

    /** RFC 2231 extended parameter value, e.g. {@code UTF-8''Pr%C3%A4sentation.pdf}. */
    static String rfc2231(String value) {
        StringBuilder out = new StringBuilder("UTF-8''");
        for (byte value8 : value.getBytes(StandardCharsets.UTF_8)) {
            int b = value8 & 0xff;
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '_') {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }
}
