package dev.mailferry.mx;

import java.util.Locale;

/** Where a domain's MX change stands. */
public enum Verdict {
    /** Every authoritative server and every resolver return an MX set of Exchange Online hosts only. */
    MIGRATED,
    /** No Exchange Online host anywhere. */
    NOT_MIGRATED,
    /** Exchange Online and other hosts in one set, or the servers disagree, or a resolver still returns the old set. */
    MIXED,
    /** A lookup failed (NXDOMAIN, SERVFAIL, timeout, lame delegation...): nothing can be said about the change. */
    ERROR;

    /** The name used in JSON and tables: {@code migrated}, {@code not_migrated}, {@code mixed}, {@code error}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
