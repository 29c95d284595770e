package dev.mailferry.mx;

import java.util.List;
import java.util.Locale;

/**
 * The domain's SPF policy (TXT records starting with {@code v=spf1}) as seen through the first resolver that answered.
 *
 * @param status  what was found
 * @param records the SPF records found (each TXT record's strings joined as RFC 7208 says)
 * @param detail  why, for people: the offending term of a syntax error, the lookup failure...
 */
public record SpfFinding(Status status, List<String> records, String detail) {

    public enum Status {
        /** One valid SPF record that includes {@code spf.protection.outlook.com} (or redirects to it). */
        INCLUDES_EXCHANGE_ONLINE,
        /** One valid SPF record without Exchange Online: mail sent through Exchange Online would fail SPF. */
        WITHOUT_EXCHANGE_ONLINE,
        /** No SPF record. */
        MISSING,
        /** More than one SPF record: a permerror (RFC 7208 4.5), receivers treat the policy as broken. */
        PERMERROR_MULTIPLE_RECORDS,
        /** A syntax error in the record: a permerror (RFC 7208 4.6). */
        PERMERROR_SYNTAX,
        /** The TXT records could not be read. */
        LOOKUP_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SpfFinding {
        records = List.copyOf(records);
        detail = detail == null ? "" : detail;
    }
}
