package dev.mailferry.mx;

import java.util.Locale;

/**
 * A CNAME that Exchange Online wants in the domain: {@code autodiscover.<domain>} (which Outlook follows to find the
 * mailbox) or a DKIM selector {@code selector1._domainkey.<domain>}.
 *
 * @param name   the name asked, e.g. {@code autodiscover.contoso.com}
 * @param status what was found
 * @param target the CNAME's target without the trailing dot, empty when there is none
 * @param detail why, for a lookup error; otherwise empty
 */
public record CnameFinding(String name, Status status, String target, String detail) {

    /** Exchange Online's autodiscover host. */
    public static final String AUTODISCOVER_TARGET = "autodiscover.outlook.com";

    public enum Status {
        /** A CNAME to Exchange Online ({@code autodiscover.outlook.com}; a DKIM key under {@code onmicrosoft.com}). */
        EXCHANGE_ONLINE,
        /** A CNAME to another host. */
        ELSEWHERE,
        /** No CNAME at the name (it does not exist, or holds other records). */
        MISSING,
        /** The lookup failed. */
        LOOKUP_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CnameFinding {
        target = target == null ? "" : target;
        detail = detail == null ? "" : detail;
    }

    /**
     * Whether {@code target} is Exchange Online's DKIM key for a selector: {@code selector1-contoso-com._domainkey.
     * contoso.onmicrosoft.com}, or the newer {@code ..._domainkey.contoso.n-v1.dkim.mail.microsoft}.
     */
    public static boolean isExchangeOnlineDkim(String target) {
        String name = target.toLowerCase(Locale.ROOT);
        return name.contains("._domainkey.") && (name.endsWith(".onmicrosoft.com") || name.endsWith(".dkim.mail.microsoft"));
    }
}
