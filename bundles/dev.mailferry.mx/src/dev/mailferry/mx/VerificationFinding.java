package dev.mailferry.mx;

import java.util.Locale;

/**
 * Whether the domain holds the TXT record Microsoft 365 asked for to verify it ({@code MS=ms12345678}).
 *
 * @param expected the record's text as the user gave it
 * @param status   what was found
 * @param detail   why, for a lookup error; otherwise empty
 */
public record VerificationFinding(String expected, Status status, String detail) {

    public enum Status {
        PRESENT, MISSING, LOOKUP_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public VerificationFinding {
        detail = detail == null ? "" : detail;
    }
}
