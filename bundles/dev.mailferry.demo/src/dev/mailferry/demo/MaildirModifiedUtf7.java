package dev.mailferry.demo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * IMAP's modified UTF-7 (RFC 3501 section 5.1.3), the encoding Dovecot uses for mailbox names on disk: printable ASCII
 * stands for itself except '&amp;' (written "&amp;-"); every other run of characters is UTF-16BE in base64 with ','
 * instead of '/', without padding, between '&amp;' and '-'.
 */
public final class MaildirModifiedUtf7 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();

    private MaildirModifiedUtf7() {
    }

    public static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '&') {
                out.append("&-");
                i++;
            } else if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
                i++;
            } else {
                int end = i;
                while (end < name.length() && (name.charAt(end) < 0x20 || name.charAt(end) > 0x7e)) {
                    end++;
                }
                out.append('&').append(base64(name.substring(i, end).getBytes(StandardCharsets.UTF_16BE))).append('-');
                i = end;
            }
        }
        return out.toString();
    }

    public static String decode(String encoded) {
        StringBuilder out = new StringBuilder(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = encoded.indexOf('-', i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("Unterminated modified UTF-7 run in '" + encoded + "'");
            }
            if (end == i + 1) {
                out.append('&');
            } else {
                out.append(new String(unbase64(encoded.substring(i + 1, end)), StandardCharsets.UTF_16BE));
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static String base64(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int bits = 0;
        int bitCount = 0;
        for (byte b : bytes) {
            bits = (bits << 8) | (b & 0xff);
            bitCount += 8;
            while (bitCount >= 6) {
                bitCount -= 6;
                out.append(ALPHABET[(bits >> bitCount) & 0x3f]);
            }
        }
        if (bitCount > 0) {
            out.append(ALPHABET[(bits << (6 - bitCount)) & 0x3f]);
        }
        return out.toString();
    }

    private static byte[] unbase64(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int bits = 0;
        int bitCount = 0;
        for (char c : text.toCharArray()) {
            int value = indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("Not a modified base64 character: '" + c + "'");
            }
            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 8) {
                bitCount -= 8;
                out.write((bits >> bitCount) & 0xff);
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
