package dev.mailferry.mx;

import java.util.Locale;

/**
 * The {@code autodiscover.<domain>} CNAME, which Outlook follows to find the mailbox.
 *
 * @param status what was found
 * @param target the CNAME's target without the trailing dot, empty when there is none
 * @param detail why, for a lookup error; otherwise empty
 */
public record AutodiscoverFinding(Status status, String target, String detail) {

    /** Exchange Online's autodiscover host. */
    public static final String EXCHANGE_ONLINE_TARGET = "autodiscover.outlook.com";

    public enum Status {
        /** A CNAME to {@code autodiscover.outlook.com}. */
        EXCHANGE_ONLINE,
        /** A CNAME to another host. */
        ELSEWHERE,
        /** No CNAME at {@code autodiscover.<domain>} (the name does not exist, or holds other records). */
        MISSING,
        /** The lookup failed. */
        LOOKUP_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AutodiscoverFinding {
        target = target == null ? "" : target;
        detail = detail == null ? "" : detail;
    }
}
